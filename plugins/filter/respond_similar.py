# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: respond_similar
short_description: Widen listed Security Center alerts to the similar ones found for them
version_added: 0.2.0
author:
  - alibabacloud.sas maintainers (@alibabacloud)
description:
  - Takes the alerts of M(alibabacloud.sas.sas_alert_info) and the registered result of one
    M(alibabacloud.sas.sas_alert_similar_info) call given their ids as I(alert_ids), and returns the listed alerts
    followed by the similar ones, each alert once, with the alert and the scenario that brought each similar one in
    (the first group that lists it) - as
    P(alibabacloud.sas.respond_view#filter) shows them (C(similar to <id> (<scenario>))).
  - The widened alerts are then handled one by one by the collection's handler (each alert's allowed operations,
    each its outcome), never by the service's HandleSimilarSecurityEvents.
positional: _input, similar
options:
  _input:
    description: The alerts, as M(alibabacloud.sas.sas_alert_info) returns them in C(alerts).
    type: list
    elements: dict
    required: true
  similar:
    description:
      - The registered result of M(alibabacloud.sas.sas_alert_similar_info) with I(alert_ids) - its C(groups) and
        C(alerts); a skipped task brings in nothing.
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Two alerts
  alibabacloud.sas.sas_alert_info:
    alert_ids: [702173474, 702173480]
  register: chosen

- name: The pending alerts with the same source IP as each, in one module run
  alibabacloud.sas.sas_alert_similar_info:
    alert_ids: "{{ chosen.alerts | map(attribute='id') | list }}"
    scenario: same_ip
  register: similar

- name: All of them, each once
  ansible.builtin.set_fact:
    widened: "{{ chosen.alerts | alibabacloud.sas.respond_similar(similar) }}"
"""

RETURN = r"""
_value:
  description: The alerts widened.
  type: dict
  contains:
    alerts:
      description: The listed alerts, then the similar ones not listed yet.
      type: list
      elements: dict
    similar_to:
      description: For each similar alert (by id, as text), C(id) - the listed alert it is similar to - and C(scenario).
      type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.alibabacloud.sas.plugins.plugin_utils.respond import widen


def respond_similar(alerts, similar):
    if not isinstance(alerts, list) or not isinstance(similar, dict):
        raise AnsibleFilterError("respond_similar takes the alerts of sas_alert_info and the registered result of "
                                 "sas_alert_similar_info with alert_ids")
    return widen(alerts, similar)


class FilterModule:
    def filters(self):
        return {"respond_similar": respond_similar}
