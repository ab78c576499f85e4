# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import os

import yaml

from ansible_collections.alibabacloud.sas.plugins.module_utils import connection
from ansible_collections.alibabacloud.sas.plugins.module_utils.version import (
    COLLECTION_VERSION,
)

GALAXY_YML = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "galaxy.yml")


def galaxy_version():
    with open(GALAXY_YML, encoding="utf-8") as handle:
        return str(yaml.safe_load(handle)["version"])


def test_collection_version_matches_galaxy_yml():
    assert COLLECTION_VERSION == galaxy_version()


def test_user_agent_carries_the_version():
    assert connection.USER_AGENT == "AlibabaCloud-Ansible-SAS/" + galaxy_version()
