# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: alert_table
short_description: Alerts as short lines a person reads, for a debug task
version_added: 0.1.0
author:
  - alibabacloud.sas maintainers (@alibabacloud)
description:
  - Turns the C(alerts) of M(alibabacloud.sas.sas_alert_info) into a header line and one line per alert, in aligned
    columns - C(ID), C(LEVEL), C(TYPE), C(NAME), C(SERVER) (its name and IP), C(LAST SEEN (UTC+8)), C(STATUS) - and,
    with I(operations), C(ALLOWED NOW), the operations the service allows for each alert now.
  - The C(alerts) of M(alibabacloud.sas.sas_alert_operations_info) alone give C(ID), C(ALLOWED NOW) (C(not found)
    for an alert the service does not know, C(none) when it offers nothing) and C(NOT ALLOWED) (listed, but the
    edition or the alert does not let you run them).
  - Alert text comes from hosts an attacker may own. Every value is shown on one line - control characters, terminal
    escape sequences, bidi and zero-width characters as visible escapes such as C(\n), C(\x1b) or C(\u202e) - and a
    long value ends in an ellipsis; the module's result holds it whole.
positional: _input, operations
options:
  _input:
    description:
      - The C(alerts) of M(alibabacloud.sas.sas_alert_info) or of M(alibabacloud.sas.sas_alert_operations_info), or
        the registered result of either.
    type: raw
    required: true
  operations:
    description:
      - The C(alerts) of M(alibabacloud.sas.sas_alert_operations_info) (or its registered result), to add the
        operations allowed now to each alert's line (C(not looked up) for an alert it does not hold).
    type: raw
"""

EXAMPLES = r"""
- name: Pending serious alerts
  alibabacloud.sas.sas_alert_info:
    levels: [serious]
  register: serious

- name: What can be done about the first five
  alibabacloud.sas.sas_alert_operations_info:
    alert_ids: "{{ serious.alerts[:5] | map(attribute='id') | list }}"
  register: allowed

- name: Show them, one line each
  ansible.builtin.debug:
    msg: "{{ serious.alerts[:5] | alibabacloud.sas.alert_table(allowed) }}"
"""

RETURN = r"""
_value:
  description:
    - A header line, then one line per alert; C([no alerts]) for none.
  type: list
  elements: str
  sample:
    - "ID         LEVEL    TYPE           NAME           SERVER              LAST SEEN (UTC+8)    STATUS"
    - "702173474  serious  Unusual logon  Unusual logon  web-01 (192.0.2.7)  2026-05-04 17:12:33  pending"
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.alibabacloud.sas.plugins.plugin_utils.alert_table import alert_table as table


def alert_table(alerts, operations=None):
    return table(_entries(alerts, "alert_table"), None if operations is None else _entries(operations, "operations"))


def _entries(value, name):
    """A module's alerts, from the list or from the registered result that holds it."""
    if isinstance(value, dict) and "alerts" in value:
        value = value["alerts"]
    if not isinstance(value, list) or not all(isinstance(entry, dict) for entry in value):
        raise AnsibleFilterError("%s takes the alerts of sas_alert_info or sas_alert_operations_info (a list of "
                                 "dicts), or their registered result" % name)
    return value


class FilterModule:
    def filters(self):
        return {"alert_table": alert_table}
