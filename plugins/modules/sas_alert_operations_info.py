#!/usr/bin/python
# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: sas_alert_operations_info
short_description: Show which operations Alibaba Cloud Security Center (SAS) allows on each alert
version_added: 0.1.0
description:
  - For each alert, the operations the service offers (DescribeSecurityEventOperations), whether you may
    run them (C(user_can_operate)), their suggested parameters, and for whitelisting the alert's existing
    rules (C(mark_field)) and the fields a rule can use (C(mark_fields_source)).
  - One call per alert, never one alert's answer for another, a bounded number at a time, each retried
    when throttled.
author:
  - alibabacloud.sas maintainers (@alibabacloud)
extends_documentation_fragment:
  - alibabacloud.sas.sas
  - alibabacloud.sas.attributes.info_module
options:
  alert_ids:
    description:
      - Ids of the alerts. A duplicate id is looked up and reported once.
      - An empty list does nothing - no call is made and RV(alerts) is empty.
    type: list
    elements: int
    required: true
  lang:
    description: Language of the field names the service returns (C(filed_alias_name)).
    type: str
    choices: [en, zh]
    default: en
  concurrency:
    description: How many calls run at once.
    type: int
    default: 8
seealso:
  - module: alibabacloud.sas.sas_alert_handle
"""

EXAMPLES = r"""
- name: What can be done about these alerts
  alibabacloud.sas.sas_alert_operations_info:
    alert_ids: [702173474, 702173480]
  register: ops

- name: Ids of the alerts whose source IP may be blocked
  ansible.builtin.set_fact:
    blockable: "{{ blockable | default([]) + [item.id] }}"
  loop: "{{ ops.alerts }}"
  loop_control:
    label: "{{ item.id }}"
  when: >-
    item.operations | selectattr('operation_code', 'equalto', 'block_ip')
    | selectattr('user_can_operate') | list | length > 0

- name: Block them for a day (none - the fact was never set - makes no call)
  alibabacloud.sas.sas_alert_handle:
    alert_ids: "{{ blockable | default([]) }}"
    operation: block_ip
    block_duration: 1d

- name: The fields a whitelist rule can use for the second alert, with the operates each takes
  ansible.builtin.debug:
    msg: "{{ item.filed_name }} ({{ item.filed_alias_name }}): {{ item.supported_mis_type }}"
  loop: >-
    {{ ops.alerts[1].operations | selectattr('operation_code', 'equalto', 'advance_mark_mis_info')
       | map(attribute='mark_fields_source') | flatten }}
"""

RETURN = r"""
alerts:
  description: One entry per alert of I(alert_ids) (duplicates once), in input order.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The alert id.
      type: int
      sample: 702173474
    found:
      description: Whether the service knows the alert (C(false) - it answered C(SecurityEventNotExists)).
      type: bool
      sample: true
    reason:
      description:
        - Why the service may not have found the alert, or null. With I(resource_directory_account_id), an alert not
          found may be the member account's all the same - C(DescribeSecurityEventOperations) takes no such
          parameter and may look in the credentials' own account only; its operations cannot be read this way.
      type: str
    operations:
      description:
        - The operations the service offers for the alert now (empty for an expired or unknown alert).
      type: list
      elements: dict
      contains:
        operation_code:
          description: The operation code, as M(alibabacloud.sas.sas_alert_handle) takes it.
          type: str
          sample: block_ip
        user_can_operate:
          description: Whether you may run it (the Security Center edition and the alert allow it).
          type: bool
          sample: true
        operation_params:
          description: The service's suggested C(OperationParams), parsed from its JSON string (or the string
            as it came when it is not JSON).
          type: raw
          sample: {expireTime: 1767139200000}
        mark_field:
          description:
            - For C(advance_mark_mis_info), the whitelist rules that already apply to the alert, with the
              API's own spelling C(filed_name) - C(filed_name), C(filed_alias_name), C(mark_mis_type),
              C(mark_mis_value), C(supported_mis_type), C(uuid) (the server UUID, or C(ALL)).
          type: list
          elements: dict
        mark_fields_source:
          description:
            - For C(advance_mark_mis_info), the fields a whitelist rule can use - C(filed_name),
              C(filed_alias_name), C(mark_mis_value) (the alert's own value) and C(supported_mis_type)
              (the operates the field takes).
          type: list
          elements: dict
api_stats:
  description: Per API called, its calls, retries, throttled answers and pace, as I(rate_limit) describes them.
  returned: when the module made a call
  type: dict
"""

from ansible_collections.alibabacloud.sas.plugins.module_utils.errors import SasApiError
from ansible_collections.alibabacloud.sas.plugins.module_utils.module import SasModule
from ansible_collections.alibabacloud.sas.plugins.module_utils.offered_operations import lookup_operations
from ansible_collections.alibabacloud.sas.plugins.module_utils.options import (
    OptionError,
    check_alert_ids,
    check_concurrency,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.service_calls import DESCRIBE_SECURITY_EVENT_OPERATIONS
from ansible_collections.alibabacloud.sas.plugins.module_utils.service_facts import LANGUAGES


def main():
    module = SasModule(
        argument_spec=dict(
            alert_ids=dict(type="list", elements="int", required=True),
            lang=dict(type="str", choices=list(LANGUAGES), default="en"),
            concurrency=dict(type="int", default=8),
        ),
        supports_check_mode=True,
    )
    try:
        alert_ids = check_alert_ids(module.params["alert_ids"])
        concurrency = check_concurrency(module.params["concurrency"])
    except OptionError as error:
        module.fail_json(msg=str(error))
    if not alert_ids:  # nothing to look up: no call, not even a connection
        module.exit_json(changed=False, alerts=[])
    try:
        found = lookup_operations(module.connection, alert_ids, concurrency, module.params["lang"])
    except SasApiError as error:
        module.fail_api(error, changed=False)
    unseen = module.connection.member_unseen_by(DESCRIBE_SECURITY_EVENT_OPERATIONS)
    alerts = [{"id": alert_id, "found": found[alert_id] is not None, "operations": found[alert_id] or [],
               "reason": unseen if found[alert_id] is None else None}
              for alert_id in alert_ids]
    module.exit_json(changed=False, alerts=alerts)


if __name__ == "__main__":
    main()
