#!/usr/bin/python
# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: sas_alert_similar_info
short_description: List the pending alerts Alibaba Cloud Security Center (SAS) finds similar to given alerts
version_added: 0.2.0
description:
  - Security Center groups the alerts an analyst may handle together - of the same type, and in the scenarios
    beyond the default of the same IP, the same file content or the same URL. This module lists the pending alerts
    of the group of one alert (I(alert_id)) or of several (I(alert_ids)), as M(alibabacloud.sas.sas_alert_info)
    returns alerts, so that they can be reviewed and handled with M(alibabacloud.sas.sas_alert_handle).
  - It asks which scenarios the service offers for the alert (DescribeSimilarEventScenarios), creates a query task
    (CreateSimilarSecurityEventsQueryTask), reads the task's group (DescribeSimilarSecurityEvents, every page), and
    reads those alerts that are still pending (DescribeSuspEvents). The alert itself is never among them.
  - With I(alert_ids), the alerts' lookups run side by side in this one module run, at most I(concurrency) at once,
    each waiting for its own query task within I(wait_timeout); then the pending alerts of all the groups are read
    together, once (RV(alerts)), and RV(groups) says which alert each group belongs to.
  - The query task is asynchronous and no API reports its status, so an empty answer is read again until the task
    lists an alert or I(wait_timeout) passes. An alert without any similar alert therefore costs I(wait_timeout);
    RV(complete) is then false and a warning says so.
  - The query task changes no alert, so the module runs in check mode too.
  - Handle the alerts it returns with M(alibabacloud.sas.sas_alert_handle), not with the service's
    HandleSimilarSecurityEvents, which the collection never calls - that API applies one operation to the whole
    group, alerts nobody reviewed included, and answers no per-alert result, whereas sas_alert_handle checks each
    alert's allowed operations and reports each alert's outcome.
author:
  - alibabacloud.sas maintainers (@alibabacloud)
extends_documentation_fragment:
  - alibabacloud.sas.sas
  - alibabacloud.sas.attributes.info_module
options:
  alert_id:
    description:
      - The alert whose similar alerts to list.
      - An alert the service does not know fails the module.
      - Exactly one of I(alert_id) and I(alert_ids) is required.
    type: int
  alert_ids:
    description:
      - The alerts whose similar alerts to list, in one module run; the result is then RV(groups) - one per alert,
        in this order - and RV(alerts), the similar pending alerts of them all, each once, none of these alerts.
      - An alert the service does not know gives its group a RV(groups[].reason) and fails nothing.
      - An empty list makes no call and returns no group.
      - Exactly one of I(alert_id) and I(alert_ids) is required.
    type: list
    elements: int
  scenario:
    description:
      - What the similar alerts share with the alert besides their type - C(default) nothing more, C(same_ip) the
        IP address, C(same_file_content) the file content, C(same_url) the URL.
      - A scenario the service does not offer for the alert (RV(scenarios)) lists no alert and creates no task.
    type: str
    choices: [default, same_ip, same_file_content, same_url]
    default: default
  lang:
    description: Language of the names and descriptions the service returns.
    type: str
    choices: [en, zh]
    default: en
  wait_timeout:
    description:
      - Seconds to read the query task again while it lists no alert, before concluding it lists none.
    type: float
    default: 10
  poll_interval:
    description:
      - The longest wait, in seconds, between two reads of the query task. The first read again comes after 0.25
        seconds (or I(poll_interval) if less); each later wait doubles, up to I(poll_interval).
    type: float
    default: 2
  concurrency:
    description:
      - How many lookups run at once - of the alerts of I(alert_ids) (each its scenarios, query task and reads), and
        of the similar alerts.
    type: int
    default: 8
seealso:
  - module: alibabacloud.sas.sas_alert_info
  - module: alibabacloud.sas.sas_alert_handle
"""

EXAMPLES = r"""
- name: The pending alerts with the same file as alert 702173474
  alibabacloud.sas.sas_alert_similar_info:
    alert_id: 702173474
    scenario: same_file_content
  register: similar

- name: Show them
  ansible.builtin.debug:
    msg: "{{ item.id }} on {{ item.instance_name }}: {{ item.alarm_event_name_display }}"
  loop: "{{ similar.alerts }}"
  loop_control:
    label: "{{ item.id }}"

- name: Quarantine them, each alert checked and reported by the collection's own handler
  alibabacloud.sas.sas_alert_handle:
    alert_ids: "{{ similar.alerts | map(attribute='id') | list }}"
    operation: virus_quara

- name: The pending alerts with the same source IP as any of three alerts, in one module run
  alibabacloud.sas.sas_alert_similar_info:
    alert_ids: [702173474, 702173480, 702173512]
    scenario: same_ip
  register: similar_ip

- name: Which alert brought which
  ansible.builtin.debug:
    msg: "{{ item.alert_id }}: {{ item.similar_ids | length }} similar, {{ item.reason | default('found') }}"
  loop: "{{ similar_ip.groups }}"
  loop_control:
    label: "{{ item.alert_id }}"
"""

RETURN = r"""
alerts:
  description:
    - The pending alerts similar to I(alert_id), I(alert_id) itself excluded, as M(alibabacloud.sas.sas_alert_info)
      returns alerts - every field the service returns in snake_case, with the status by name.
    - With I(alert_ids), the pending alerts similar to any of them, each once, in the order of RV(groups); an alert
      of I(alert_ids) is never among them, even when it is similar to another one, as the caller has it already.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The alert id.
      type: int
      sample: 702173480
    status:
      description: The status as a name; always C(pending) here.
      type: str
      sample: pending
    alarm_event_name_display:
      description: The alert name, in I(lang).
      type: str
      sample: Mining program
    instance_name:
      description: The name of the server the alert is on.
      type: str
      sample: web-prod-01
total_count:
  description: How many alerts RV(alerts) holds.
  returned: always
  type: int
  sample: 2
scenario:
  description: The scenario asked for (I(scenario)).
  returned: always
  type: str
  sample: same_file_content
scenarios:
  description: The scenarios the service offers for the alert, C(default) among them.
  returned: with I(alert_id)
  type: list
  elements: str
  sample: [default, same_file_content]
task_id:
  description: The id of the similar-events query task; null when I(scenario) is not offered for the alert.
  returned: with I(alert_id)
  type: int
  sample: 59000001
complete:
  description:
    - Whether the query task listed its alerts within I(wait_timeout). False when it listed none - the alert may
      have no similar alert, or the task was not done yet.
  returned: with I(alert_id)
  type: bool
  sample: true
similar_ids:
  description: Every alert id the query task listed, I(alert_id) excluded, pending or not.
  returned: with I(alert_id)
  type: list
  elements: int
  sample: [702173480, 702173512]
not_pending_ids:
  description: Ids of RV(similar_ids) that are no longer pending (handled meanwhile), left out of RV(alerts).
  returned: with I(alert_id)
  type: list
  elements: int
  sample: []
groups:
  description: One entry per alert of I(alert_ids), in their order.
  returned: with I(alert_ids)
  type: list
  elements: dict
  contains:
    alert_id:
      description: The alert of I(alert_ids).
      type: int
      sample: 702173474
    scenarios:
      description:
        - The scenarios the service offers for the alert, C(default) among them; empty with RV(groups[].reason).
      type: list
      elements: str
      sample: [default, same_ip]
    task_id:
      description: The id of the alert's query task; null when I(scenario) is not offered for it or it is unknown.
      type: int
      sample: 59000001
    complete:
      description:
        - Whether the alert's query task listed its alerts within I(wait_timeout) (a warning says when not); true
          when I(scenario) is not offered for the alert, false when the alert is unknown.
      type: bool
      sample: true
    similar_ids:
      description:
        - Every alert id the alert's query task listed, the alert excluded, pending or not - the other alerts of
          I(alert_ids) included, though RV(alerts) leaves them out.
      type: list
      elements: int
      sample: [702173480, 702173512]
    not_pending_ids:
      description: Ids of RV(groups[].similar_ids) that are no longer pending (handled meanwhile).
      type: list
      elements: int
      sample: []
    reason:
      description: Why the group is empty - the service does not know the alert.
      type: str
      returned: when the service does not know the alert
      sample: Security Center does not know alert 702173474
api_stats:
  description: Per API called, its calls, retries, throttled answers and pace, as I(rate_limit) describes them.
  returned: when the module made a call
  type: dict
"""

from typing import List

from ansible_collections.alibabacloud.sas.plugins.module_utils.errors import SasApiError
from ansible_collections.alibabacloud.sas.plugins.module_utils.module import SasModule
from ansible_collections.alibabacloud.sas.plugins.module_utils.options import (
    OptionError,
    check_alert_ids,
    check_concurrency,
    check_positive,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.service_facts import LANGUAGES
from ansible_collections.alibabacloud.sas.plugins.module_utils.similar import (
    SCENARIOS,
    AlertNotFound,
    SimilarRequest,
    read_similar_alerts,
    read_similar_groups,
)


def similar_request(params: dict) -> SimilarRequest:
    """The module's options but the alert ids as a SimilarRequest, or OptionError naming the option; runs before any
    call."""
    return SimilarRequest(params["scenario"], params["lang"],
                          check_positive("wait_timeout", params["wait_timeout"]),
                          check_positive("poll_interval", params["poll_interval"]),
                          check_concurrency(params["concurrency"]))


def asked_ids(params: dict) -> List[int]:
    """The alerts asked, checked: those of alert_ids, or alert_id alone; OptionError naming the option."""
    if params["alert_ids"] is not None:
        return check_alert_ids(params["alert_ids"])
    return check_alert_ids([params["alert_id"]], "alert_id")


def main():
    module = SasModule(
        argument_spec=dict(
            alert_id=dict(type="int"),
            alert_ids=dict(type="list", elements="int"),
            scenario=dict(type="str", choices=list(SCENARIOS), default="default"),
            lang=dict(type="str", choices=list(LANGUAGES), default="en"),
            wait_timeout=dict(type="float", default=10),
            poll_interval=dict(type="float", default=2),
            concurrency=dict(type="int", default=8),
        ),
        mutually_exclusive=[("alert_id", "alert_ids")],
        required_one_of=[("alert_id", "alert_ids")],
        supports_check_mode=True,
    )
    try:
        alert_ids, request = asked_ids(module.params), similar_request(module.params)
    except OptionError as error:
        module.fail_json(msg=str(error))
    if module.params["alert_ids"] is not None and not alert_ids:  # nothing to look up: no call, not even a connection
        module.exit_json(changed=False, scenario=request.scenario, groups=[], alerts=[], total_count=0)
    try:
        if module.params["alert_ids"] is not None:
            result = read_similar_groups(module.connection, alert_ids, request, module.warn)
        else:
            result = read_similar_alerts(module.connection, alert_ids[0], request, module.warn)
    except AlertNotFound as error:
        module.fail_json(msg=str(error), changed=False)
    except SasApiError as error:
        module.fail_api(error, changed=False)
    module.exit_json(changed=False, **result)


if __name__ == "__main__":
    main()
