#!/usr/bin/python
# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: sas_alert_info
short_description: List Alibaba Cloud Security Center (SAS) host alerts
version_added: 0.1.0
description:
  - Lists Security Center alerts (DescribeSuspEvents), reading every page, with the service's filters.
  - Returns every field of each alert in snake_case, with its status as a name beside the numeric
    C(event_status).
  - With I(include_details), also reads each alert's detail (DescribeSuspEventDetail), a bounded
    number of calls at a time.
  - A filter option left out does not filter. A filter given but empty (I(levels), I(alert_types), I(uuids)
    as an empty list or holding an empty string; I(name), I(time_start), I(time_end) as an empty or blank
    string) is refused before any call, so a template that renders empty never selects every alert.
    Text filters take printable text only, at most 1000 characters a value.
author:
  - alibabacloud.sas maintainers (@alibabacloud)
extends_documentation_fragment:
  - alibabacloud.sas.sas
  - alibabacloud.sas.attributes.info_module
options:
  alert_ids:
    description:
      - Read only these alerts, whatever their status (unless I(status) is given too).
      - Ids the service does not know are listed in RV(missing_ids).
      - An empty list selects no alert - no call is made and RV(alerts) is empty (it does not list every
        alert; leave the option out for that).
    type: list
    elements: int
  status:
    description:
      - C(pending) lists the alerts still to handle, C(handled) those already handled (ignored,
        whitelisted, handled, expired, ...), C(all) both.
      - Defaults to C(pending), or to C(all) when I(alert_ids) is given.
    type: str
    choices: [pending, handled, all]
  levels:
    description:
      - Only alerts of these severity levels.
    type: list
    elements: str
    choices: [serious, suspicious, remind]
  alert_types:
    description:
      - Only alerts of these types (the service's C(AlarmEventType)), for example C(Unusual logon)
        or C(Web shell).
      - A type may be given by its English name (C(Unusual logon)), its Chinese name (C(异常登录)) or, for the
        two known, its code (C(WEBSHELL), C(other)), whatever I(lang); case, spaces and full-width brackets
        do not matter. A type the collection does not know is compared as written.
      - Which names the service's own type filter (C(ParentEventTypes)) takes is not settled, and a name it
        does not take would select no alert without an error. So the filter is not sent - the listing is read
        with the other filters, and each alert's C(alarm_event_type) and C(alarm_event_type_display) are compared
        with the types here. This reads every alert the other filters select (one call per 100), not only
        those of these types.
      - A type that no alert read has is named in a warning, in case the name is wrong.
    type: list
    elements: str
  name:
    description:
      - Only alerts whose name, or whose asset's name or IP address, contains this text
        (the service's C(Remark) filter).
    type: str
  uuids:
    description:
      - Only alerts on the servers with these Security Center UUIDs.
    type: list
    elements: str
  time_start:
    description:
      - Only alerts last seen at or after this time, C(YYYY-MM-DD HH:MM:SS) (or C(YYYY-MM-DD),
        or with a C(T) between date and time).
      - The time is in UTC+8 (China Standard Time), the service's time zone, whatever the time zone of the
        host that runs the module. RV(alerts[].last_time) is in the same time zone.
      - A time in ISO 8601 with an offset or C(Z) is also taken, and sent as the UTC+8 wall time of the same
        instant - C(2026-12-01T00:00:00Z) is sent as C(2026-12-01 08:00:00) (fractions of a second dropped).
      - The EXAMPLES compute the start of the last 24 hours in UTC+8 on any controller.
    type: str
  time_end:
    description:
      - Only alerts last seen at or before this time (its whole second); same format and time zone (UTC+8,
        the service's) as I(time_start).
      - A date alone means the end of that day, C(23:59:59), so C(time_end=2026-05-01) includes the alerts of
        1 May (a date alone in I(time_start) means the start of its day).
    type: str
  check_other_site:
    description:
      - Also count the alerts pending at the other data site, in one call (RV(other_site)).
      - Security Center keeps the alerts of servers in mainland China at one site and those of every other region
        at another (see I(region)); an account with servers at both has alerts behind both endpoints, and a
        listing reads one of them.
      - The other site is the official one I(region) does not select, or I(other_site_endpoint). When I(endpoint)
        is set and I(other_site_endpoint) is not, nothing is counted - only you know which site your endpoint is.
      - A refusal at the other site (no instance there, no permission) does not fail the module - RV(other_site)
        says why nothing was counted.
    type: bool
    default: false
  other_site_endpoint:
    description:
      - The endpoint of the other data site to count the pending alerts of, as a URL such as
        C(https://tds.ap-southeast-1.aliyuncs.com); by default the official site I(region) does not select.
      - Needs I(check_other_site).
    type: str
  lang:
    description:
      - Language of the names and descriptions the service returns.
    type: str
    choices: [en, zh]
    default: en
  max_results:
    description:
      - Stop after this many alerts. RV(truncated) tells whether more were left.
      - By default every page is read.
      - With I(alert_types), the listing stops at the page that brings the matching alerts to I(max_results).
    type: int
  include_details:
    description:
      - Also read each alert's detail and return it under C(detail).
    type: bool
    default: false
  concurrency:
    description:
      - How many detail or per-id lookups run at once.
    type: int
    default: 8
"""

EXAMPLES = r"""
- name: Set credentials once for every alibabacloud.sas task
  module_defaults:
    group/alibabacloud.sas.sas:
      region: cn-shanghai
      profile: security-ops
  block:
    - name: List pending serious and suspicious alerts
      alibabacloud.sas.sas_alert_info:
        levels: [serious, suspicious]
      register: pending

    - name: Show how many
      ansible.builtin.debug:
        msg: "{{ pending.total_count }} pending alerts"

- name: Read two alerts by id, with their details
  alibabacloud.sas.sas_alert_info:
    alert_ids: [702173474, 702173475]
    include_details: true
  register: two

- name: Say which of the ids the service does not know
  ansible.builtin.debug:
    msg: "Unknown alert ids: {{ two.missing_ids | join(', ') }}"
  when: two.missing_ids | length > 0

# Times are in UTC+8, the service's time zone. now() is the controller's local time, so its timestamp()
# is the epoch on any controller; strftime with utc=true prints that epoch plus 8 hours as UTC+8.
- name: Unusual logons of the last 24 hours on two servers
  alibabacloud.sas.sas_alert_info:
    alert_types: [Unusual logon]
    uuids: [4b3c8a57-0c5a-4bf4-8c1b-0f5e7a7c1d2e, 9c1f3d2a-6e4b-4f0a-9d7e-2b8c5a1e3f40]
    time_start: "{{ '%Y-%m-%d %H:%M:%S' | strftime(now().timestamp() + 8 * 3600 - 86400, utc=true) }}"
  register: logons

- name: Show when each was last seen
  ansible.builtin.debug:
    msg: "{{ item.id }} on {{ item.instance_name }}: last seen {{ item.last_time }} (UTC+8)"
  loop: "{{ logons.alerts }}"

- name: Pending alerts, and how many wait at the other data site (an account with servers in and outside mainland China)
  alibabacloud.sas.sas_alert_info:
    check_other_site: true
  register: here

- name: Say when the other site holds some
  ansible.builtin.debug:
    msg: "{{ here.other_site.pending }} alerts are pending at {{ here.other_site.endpoint }}: triage that site too"
  when: here.other_site.pending

- name: Alerts last seen on 1 May 2026, a day in UTC+8, at most 500 of them
  alibabacloud.sas.sas_alert_info:
    status: all
    time_start: "2026-05-01 00:00:00"
    time_end: "2026-05-01 23:59:59"
    max_results: 500
  register: may_day

- name: Warn when there were more
  ansible.builtin.debug:
    msg: "{{ may_day.total_count }} alerts match, only the first {{ may_day.alerts | length }} were read"
  when: may_day.truncated
"""

RETURN = r"""
alerts:
  description:
    - The alerts, every field the service returns in snake_case.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The alert id, used by the other modules of this collection.
      type: int
      sample: 702173474
    status:
      description:
        - The status as a name - C(pending), C(ignored), C(confirmed), C(false_positive), C(processing),
          C(handled), C(expired), C(deleted), C(auto_blocking), C(auto_blocked), C(system_false_positive).
      type: str
      sample: pending
    event_status:
      description: The status code as the service gives it.
      type: int
      sample: 1
    level:
      description: C(serious), C(suspicious) or C(remind).
      type: str
      sample: serious
    alarm_event_type:
      description: The alert type.
      type: str
      sample: Unusual logon
    alarm_event_name_display:
      description: The alert name, in I(lang).
      type: str
      sample: ECS login from unusual location
    uuid:
      description: The Security Center UUID of the server.
      type: str
    instance_name:
      description: The name of the server.
      type: str
    internet_ip:
      description: The public IP address of the server.
      type: str
    intranet_ip:
      description: The private IP address of the server.
      type: str
    last_time:
      description:
        - When the alert was last seen, C(YYYY-MM-DD HH:MM:SS) in UTC+8 (China Standard Time), the service's
          time zone, as the service gives it - the time zone of I(time_start) and I(time_end).
        - RV(alerts[].last_time_stamp) is the same moment in epoch milliseconds.
      type: str
      sample: "2026-05-04 17:12:33"
    last_time_stamp:
      description: When the alert was last seen, in epoch milliseconds.
      type: int
      sample: 1777885953000
    occurrence_time:
      description:
        - When the alert was first seen, C(YYYY-MM-DD HH:MM:SS) in UTC+8 (China Standard Time), the service's
          time zone, as the service gives it.
        - RV(alerts[].occurrence_time_stamp) is the same moment in epoch milliseconds.
      type: str
      sample: "2026-05-04 09:40:02"
    occurrence_time_stamp:
      description: When the alert was first seen, in epoch milliseconds.
      type: int
      sample: 1777858802000
    alarm_unique_info:
      description:
        - The unique id of the alert event the alert belongs to. The service gathers the repeats of one detection
          on one server into one alert event (DescribeAlarmEventDetail takes this id), so alerts that share it are
          the same threat seen again; group by it to read each threat once.
      type: str
      sample: 4b1b5d9e2c6a8f3e1d7c9b0a5e4f3d2c
    can_be_deal_on_line:
      description:
        - Whether the service lets the alert be handled at all - blocked, quarantined, whitelisted or ignored; false
          for an expired alert. An alert can be handled only when it is true.
        - When false, M(alibabacloud.sas.sas_alert_handle) sends nothing for a pending alert, and does not even ask
          which operations it allows; it ends C(unsupported) (C(expired) when its status is C(expired)).
      type: bool
      sample: true
    details:
      description: What the service says about the alert (source IP, file path, ...).
      type: list
      elements: dict
    detail:
      description: The alert's detail (DescribeSuspEventDetail), in snake_case.
      type: dict
      returned: when I(include_details=true)
total_count:
  description:
    - How many alerts match, as the service counts them (its C(TotalCount)).
    - For I(alert_ids), how many were found.
    - With I(alert_types), how many alerts of those types the module counted among the alerts it read, since
      the service is not asked to filter by type. That is every match when RV(truncated) is false; when
      I(max_results) stopped the listing, it is a lower bound (at least the number of RV(alerts)).
  returned: always
  type: int
  sample: 42
truncated:
  description:
    - Whether I(max_results) stopped the listing before every match was read.
    - With I(alert_types), also true when the listing was stopped before its last page, where more alerts of
      those types may be.
  returned: always
  type: bool
  sample: false
other_site:
  description: The alerts pending at the other data site, or why they were not counted.
  returned: when I(check_other_site=true)
  type: dict
  contains:
    checked:
      description: Whether the other site was asked.
      type: bool
      sample: true
    endpoint:
      description: The other site's endpoint, or C(null) when it is not known (I(endpoint) set).
      type: str
      sample: https://tds.ap-southeast-1.aliyuncs.com
    pending:
      description: How many alerts are pending there, as the service counts them; C(null) when not checked.
      type: int
      sample: 3
    reason:
      description: Why the other site was not checked (the service's refusal, or no endpoint for it), else C(null).
      type: str
missing_ids:
  description: Ids from I(alert_ids) that the service does not know (or that the filters exclude).
  returned: when I(alert_ids) is given
  type: list
  elements: int
  sample: []
api_stats:
  description: Per API called, its calls, retries, throttled answers and pace, as I(rate_limit) describes them.
  returned: when the module made a call
  type: dict
"""

from ansible_collections.alibabacloud.sas.plugins.module_utils.errors import SasApiError
from ansible_collections.alibabacloud.sas.plugins.module_utils.listing import listing_request, read_alerts
from ansible_collections.alibabacloud.sas.plugins.module_utils.module import SasModule
from ansible_collections.alibabacloud.sas.plugins.module_utils.options import OptionError
from ansible_collections.alibabacloud.sas.plugins.module_utils.other_site import check_other_site
from ansible_collections.alibabacloud.sas.plugins.module_utils.service_facts import LANGUAGES, LEVELS


def main():
    module = SasModule(
        argument_spec=dict(
            alert_ids=dict(type="list", elements="int"),
            status=dict(type="str", choices=["pending", "handled", "all"]),
            levels=dict(type="list", elements="str", choices=list(LEVELS)),
            alert_types=dict(type="list", elements="str"),
            name=dict(type="str"),
            uuids=dict(type="list", elements="str"),
            time_start=dict(type="str"),
            time_end=dict(type="str"),
            lang=dict(type="str", choices=list(LANGUAGES), default="en"),
            max_results=dict(type="int"),
            include_details=dict(type="bool", default=False),
            concurrency=dict(type="int", default=8),
            check_other_site=dict(type="bool", default=False),
            other_site_endpoint=dict(type="str"),
        ),
        mutually_exclusive=[("alert_ids", "alert_types"), ("alert_ids", "max_results")],
        supports_check_mode=True,
    )
    if module.params["other_site_endpoint"] and not module.params["check_other_site"]:
        module.fail_json(msg="other_site_endpoint is the site check_other_site counts: set check_other_site=true")
    try:
        request = listing_request(module.params)
    except OptionError as error:
        module.fail_json(msg=str(error))
    if request.selects_nothing:  # alert_ids given, but empty: no call, not even a connection
        module.exit_json(changed=False, alerts=[], total_count=0, missing_ids=[], truncated=False)
    try:
        result = read_alerts(module.connection, request, warn=module.warn)
    except SasApiError as error:
        module.fail_api(error, changed=False, truncated=False)
    if module.params["check_other_site"]:
        result["other_site"] = check_other_site(module.connection_to, module.params["endpoint"],
                                                module.params["region"], module.params["other_site_endpoint"])
    module.exit_json(changed=False, **result)


if __name__ == "__main__":
    main()
