# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # Attributes of the modules that only read (alibabacloud.sas.attributes.info_module).
    INFO_MODULE = r"""
attributes:
  check_mode:
    support: full
    description: The module only reads; it runs the same in check mode.
  diff_mode:
    support: none
    description: The module only reads.
"""

    DOCUMENTATION = r"""
options: {}
"""
