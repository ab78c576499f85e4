#!/usr/bin/python
# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: sas_alert_task_info
short_description: Read the status of an Alibaba Cloud Security Center (SAS) alert handling task
version_added: 0.1.0
description:
  - The status of a handling task and of each of its alerts (DescribeSecurityEventOperationStatus),
    for flows that send with M(alibabacloud.sas.sas_alert_handle) and I(wait=false) and check back later,
    for example an AWX workflow.
  - One call per 20 alerts, each with the task id and the alert ids together; the module does not wait.
author:
  - alibabacloud.sas maintainers (@alibabacloud)
extends_documentation_fragment:
  - alibabacloud.sas.sas
  - alibabacloud.sas.attributes.info_module
options:
  task_id:
    description: The task id (RV(alibabacloud.sas.sas_alert_handle#module:task_ids), or C(task_id) of its results).
    type: int
    required: true
  alert_ids:
    description:
      - The alerts of the task to report on. A duplicate id is reported once.
      - An empty list does nothing - no call is made, RV(alerts) is empty, RV(task_status) is null
        and RV(finished) is true (there is nothing to wait for).
    type: list
    elements: int
    required: true
seealso:
  - module: alibabacloud.sas.sas_alert_handle
"""

EXAMPLES = r"""
- name: List the pending reminders (the lowest severity)
  alibabacloud.sas.sas_alert_info:
    levels: [remind]
  register: reminders

- name: Mark them handled without waiting; their alerts end submitted, with the tasks' ids
  alibabacloud.sas.sas_alert_handle:
    alert_ids: "{{ reminders.alerts | map(attribute='id') | list }}"
    operation: manual_handled
    wait: false
  register: sent

# Later - in the same play, or in a later job given sent.results:
- name: Check each task until the service has finished with it (at most 5 minutes)
  alibabacloud.sas.sas_alert_task_info:
    task_id: "{{ item }}"
    alert_ids: "{{ sent.results | selectattr('task_id', 'equalto', item) | map(attribute='id') | list }}"
  loop: "{{ sent.task_ids }}"
  register: checks
  until: checks.finished
  retries: 30
  delay: 10

- name: Fail if the service could not handle an alert
  ansible.builtin.assert:
    that: not_handled | length == 0
    fail_msg: >-
      Not handled: {{ not_handled | map(attribute='id') | join(', ') }}
      ({{ not_handled | map(attribute='error_code') | join(', ') }})
    success_msg: "{{ checks.results | map(attribute='alerts') | flatten | length }} alerts handled"
  vars:
    not_handled: >-
      {{ checks.results | map(attribute='alerts') | flatten | rejectattr('status', 'equalto', 'Success') | list }}
"""

RETURN = r"""
task_id:
  description: The task id.
  returned: always
  type: int
  sample: 29051101
task_status:
  description:
    - The task's status - C(Pending), C(Processing), C(Success) or C(Failure) (one alert failed).
    - Null when I(alert_ids) is empty (nothing is read).
  returned: always
  type: str
  sample: Success
finished:
  description:
    - Whether the task and every one of its alerts has a final status.
    - True when I(alert_ids) is empty, so that a loop waiting for it ends at once.
  returned: always
  type: bool
  sample: true
alerts:
  description: One entry per alert of I(alert_ids), in input order.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The alert id.
      type: int
      sample: 702173474
    in_task:
      description:
        - Whether the alert is part of the task. A task may leave out an id of its call that the service
          could not act on (unknown, or handled meanwhile); once the task is finished such an alert is not
          waited for - M(alibabacloud.sas.sas_alert_handle) ends it C(failed).
      type: bool
      sample: true
    status:
      description: C(Processing), C(Success) or C(Failed); null when not in the task.
      type: str
      sample: Success
    final:
      description: Whether the status is final (C(Success) or C(Failed)).
      type: bool
      sample: true
    error_code:
      description: The task's code for the alert, C(<operation>.<result>), for example C(block_ip.AgentOffline).
      type: str
      sample: ignore.Success
    hint:
      description: What to do about a failure, when there is advice.
      type: str
api_stats:
  description: Per API called, its calls, retries, throttled answers and pace, as I(rate_limit) describes them.
  returned: when the module made a call
  type: dict
"""

from ansible_collections.alibabacloud.sas.plugins.module_utils.errors import SasApiError
from ansible_collections.alibabacloud.sas.plugins.module_utils.module import SasModule
from ansible_collections.alibabacloud.sas.plugins.module_utils.options import (
    OptionError,
    check_alert_ids,
    check_task_id,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.service_calls import (
    DESCRIBE_SECURITY_EVENT_OPERATION_STATUS,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.service_facts import MAX_IDS_PER_HANDLE_CALL
from ansible_collections.alibabacloud.sas.plugins.module_utils.tasks import task_report


def main():
    module = SasModule(
        argument_spec=dict(
            task_id=dict(type="int", required=True),
            alert_ids=dict(type="list", elements="int", required=True),
        ),
        supports_check_mode=True,
    )
    try:
        alert_ids = check_alert_ids(module.params["alert_ids"])
        task_id = check_task_id(module.params["task_id"])
    except OptionError as error:
        module.fail_json(msg=str(error))
    if not alert_ids:  # nothing to report on: no call, not even a connection
        module.exit_json(changed=False, task_id=task_id, task_status=None, finished=True, alerts=[])
    try:
        # A task holds at most as many alerts as one HandleSecurityEvents call sends.
        report = task_report(module.connection, task_id, alert_ids, MAX_IDS_PER_HANDLE_CALL)
    except SasApiError as error:
        unseen = module.connection.member_unseen_by(DESCRIBE_SECURITY_EVENT_OPERATION_STATUS)
        if unseen:  # the task may be the member's: its alerts' statuses are still readable
            module.fail_json(msg="%s (%s): read the alerts' statuses with alibabacloud.sas.sas_alert_info and its "
                             "alert_ids instead" % (error.describe(), unseen), error=error.to_result(), changed=False)
        module.fail_api(error, changed=False)
    module.exit_json(changed=False, **report)


if __name__ == "__main__":
    main()
