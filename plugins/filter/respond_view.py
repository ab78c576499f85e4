# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: respond_view
short_description: Show Security Center alerts as the respond workflow does, with what each allows now
version_added: 0.2.0
author:
  - alibabacloud.sas maintainers (@alibabacloud)
description:
  - Joins the alerts of M(alibabacloud.sas.sas_alert_info) and the operations of
    M(alibabacloud.sas.sas_alert_operations_info), and shows each alert as the aliyun CLI alert-handler workflow
    does - its name, type, severity, server, time, evidence (from its details - the source IP a block blocks, the
    file a quarantine acts on), the operations the service allows it now (C(UserCanOperate)) and the recommended
    action with its reason, the triage's recommendation (P(alibabacloud.sas.triage_plan#filter)).
  - Every value taken from an alert is shown escaped - control characters, escape sequences and bidi overrides a
    compromised host put in a name appear as visible escapes such as C(\\x1b) - and nothing is templated.
positional: _input, operations
options:
  _input:
    description: The alerts, as M(alibabacloud.sas.sas_alert_info) returns them in C(alerts).
    type: list
    elements: dict
    required: true
  operations:
    description: The C(alerts) of M(alibabacloud.sas.sas_alert_operations_info) for the same ids.
    type: list
    elements: dict
    required: true
  missing_ids:
    description: The ids the service does not know (C(missing_ids) of M(alibabacloud.sas.sas_alert_info)).
    type: list
    elements: int
  total_count:
    description: How many alerts match (C(total_count)), when the listing stopped at C(max_results).
    type: int
  similar_to:
    description: For alerts taken in as similar to a chosen one, C({alert id -> {id, scenario}}).
    type: dict
"""

EXAMPLES = r"""
- name: The first ten pending serious alerts
  alibabacloud.sas.sas_alert_info:
    levels: [serious]
    max_results: 10
  register: serious

- name: The operations each allows now, one call for all
  alibabacloud.sas.sas_alert_operations_info:
    alert_ids: "{{ serious.alerts | map(attribute='id') | list }}"
  register: operations

- name: Show them as the alert-handler workflow does, every value escaped
  ansible.builtin.debug:
    msg: >-
      {{ (serious.alerts | alibabacloud.sas.respond_view(operations.alerts,
           total_count=serious.total_count)).lines }}
"""

RETURN = r"""
_value:
  description: The alerts and their lines.
  type: dict
  contains:
    alerts:
      description:
        - One entry per alert - C(id), C(found), C(name), C(type), C(level), C(status), C(last_time), C(host),
          C(evidence), C(allowed) (the operation codes the service allows now), C(recommended) (C(action),
          C(params), C(why); action C(review) means a person decides) and C(similar_to) - then one per id not
          found (C(found) false).
      type: list
      elements: dict
    allowed:
      description: Every operation code some alert allows now, sorted, each shown escaped (for a prompt).
      type: list
      elements: str
    lines:
      description: The alerts in words, a few short lines each, every value shown escaped.
      type: list
      elements: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.alibabacloud.sas.plugins.module_utils.shown import shown
from ansible_collections.alibabacloud.sas.plugins.plugin_utils.respond import view_alerts, view_lines


def respond_view(alerts, operations, missing_ids=None, total_count=None, similar_to=None):
    if not isinstance(alerts, list) or not isinstance(operations, list):
        raise AnsibleFilterError("respond_view takes the alerts of sas_alert_info and the alerts of "
                                 "sas_alert_operations_info")
    entries = view_alerts(alerts, operations, missing_ids or [], similar_to)
    return {"alerts": entries, "allowed": sorted({shown(code) for entry in entries for code in entry["allowed"]}),
            "lines": view_lines(entries, total_count)}


class FilterModule:
    def filters(self):
        return {"respond_view": respond_view}
