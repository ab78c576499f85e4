# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection version, sent in the User-Agent (a unit test keeps it equal to galaxy.yml)."""

COLLECTION_VERSION = "0.1.0"
