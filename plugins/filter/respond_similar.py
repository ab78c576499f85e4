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
  - Takes the alerts of M(alibabacloud.sas.sas_alert_info) and the registered results of a loop of
    M(alibabacloud.sas.sas_alert_similar_info) over their ids, and returns the listed alerts followed by the similar
    ones, each alert once, with the alert and the scenario that brought each similar one in - as
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
      - The C(results) of a loop of M(alibabacloud.sas.sas_alert_similar_info) whose items are the listed alert ids;
        skipped items are ignored.
    type: list
    elements: dict
    required: true
"""

EXAMPLES = r"""
- name: Two alerts
  alibabacloud.sas.sas_alert_info:
    alert_ids: [702173474, 702173480]
  register: chosen

- name: The pending alerts with the same source IP as each
  alibabacloud.sas.sas_alert_similar_info:
    alert_id: "{{ item }}"
    scenario: same_ip
  loop: "{{ chosen.alerts | map(attribute='id') | list }}"
  register: similar

- name: All of them, each once
  ansible.builtin.set_fact:
    widened: "{{ chosen.alerts | alibabacloud.sas.respond_similar(similar.results) }}"
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
    if not isinstance(alerts, list) or not isinstance(similar, list):
        raise AnsibleFilterError("respond_similar takes the alerts of sas_alert_info and the results of a loop of "
                                 "sas_alert_similar_info")
    return widen(alerts, similar)


class FilterModule:
    def filters(self):
        return {"respond_similar": respond_similar}
