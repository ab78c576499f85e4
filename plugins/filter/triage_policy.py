# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: triage_policy
short_description: Check a Security Center triage policy before any call to the service
version_added: 0.1.0
author:
  - alibabacloud.sas maintainers (@alibabacloud)
description:
  - Checks every rule of a triage policy and returns the rules as data, defaults filled in.
  - Stops the play with one message that names every mistake at once, each with its rule and field, when a rule
    has no name, two rules share a name, a rule has an unknown key, an unknown or refused action, a match key that
    is not an alert field, a value no alert can have (a C(level) other than C(serious), C(suspicious) or C(remind),
    an unknown C(status)), a bad regular expression, an empty match, or params its action does not take (or params
    of the wrong type or with bad values, such as a block duration that is not C(<n>m), C(<n>h) or C(<n>d)).
  - An C(alarm_event_type) none of the names this collection knows is no error (the service's wording differs by
    site and language); P(alibabacloud.sas.triage_settings#filter) warns about it.
  - The role M(alibabacloud.sas.triage) runs it first, so a malformed policy never reaches the service.
positional: _input
options:
  _input:
    description:
      - The rules, in order; the first enabled rule that matches an alert decides.
      - Each rule is a mapping with C(name) (unique), C(match), C(action), optional C(params),
        C(enabled) (default C(true)) and C(description).
      - C(match) holds alert fields as M(alibabacloud.sas.sas_alert_info) returns them (C(level),
        C(alarm_event_type), C(alarm_event_name_display), C(instance_name), C(uuid), C(status), ...) - a value
        means equal, a list means one of, a key ending in C(_regex) means a regular expression searched in the
        field. Every condition must hold.
      - >-
        C(details) maps a detail's displayed name, as in the alert's C(details) (C(name_display), in the run's
        language, case aside) to a value or a list of values - C({Logon user: root}) - and C(details_regex) to a
        regular expression - C({Command line: "curl .*[|] *sh"}). A detail holds when a row of that name has such
        a C(value) (or C(value_display)); an alert without the row does not match.
      - Regular expressions run on RE2 (the Python package C(google-re2)), whose matching time is linear in the
        text - the alert text they search comes from hosts an attacker may control. RE2 takes Python's syntax
        without backreferences and lookaround; a pattern it refuses stops the check, naming the rule.
      - C(action) is an operation code of M(alibabacloud.sas.sas_alert_handle), or C(none) to leave the alerts
        the rule matches alone (an exclusion ahead of wider rules).
      - C(params) takes the options of M(alibabacloud.sas.sas_alert_handle) that the action takes -
        C(block_duration) or C(expire_time) (C(block_ip)), C(sub_operation), C(whitelist_rules)
        (C(advance_mark_mis_info)), and C(remark).
    type: list
    elements: dict
    required: true
"""

EXAMPLES = r"""
- name: Check the policy before listing anything
  ansible.builtin.set_fact:
    policy: "{{ rules | alibabacloud.sas.triage_policy }}"
  vars:
    rules:
      # The first enabled rule that matches decides, so an exclusion comes before the wider rules.
      - name: leave-the-jump-hosts-alone
        match: {instance_name_regex: "^jump-"}
        action: none
      - name: block-unusual-logons
        match: {alarm_event_type: Unusual logon, level: [serious, suspicious]}
        action: block_ip
        params: {block_duration: 7d}
      - name: ignore-commands-on-the-build-server
        description: the CI server at 203.0.113.10 runs encoded commands all day
        match: {alarm_event_name_display_regex: "(?i)suspicious (encoded )?command", internet_ip: 203.0.113.10}
        action: ignore
        params: {remark: CI build server}

- name: Show the rules, defaults filled in
  ansible.builtin.debug:
    msg: "{{ item.name }}: {{ item.action }} {{ item.params }} (enabled: {{ item.enabled }})"
  loop: "{{ policy }}"
"""

RETURN = r"""
_value:
  description: The rules, checked, each with C(name), C(match), C(action), C(params), C(enabled), C(description).
  type: list
  elements: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_policy import PolicyError, check_policy


def triage_policy(rules):
    try:
        return [rule.to_dict() for rule in check_policy(rules)]
    except PolicyError as exc:
        raise AnsibleFilterError("triage policy: %s" % exc) from None


class FilterModule:
    def filters(self):
        return {"triage_policy": triage_policy}
