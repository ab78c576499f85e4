#!/usr/bin/python
# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: sas_alert_handle
short_description: Handle Alibaba Cloud Security Center (SAS) alerts - ignore, whitelist, block, quarantine
version_added: 0.1.0
description:
  - Handles Security Center alerts with one operation (HandleSecurityEvents) and, by default, waits
    until the service has finished with each of them.
  - Before any write it reads each alert's status (DescribeSuspEvents) and the operations the service
    allows for it (DescribeSecurityEventOperations, one call per alert). Only alerts that are pending
    and for which the service allows I(operation) (C(UserCanOperate)) are sent, at most 20 ids per call.
  - The steps run side by side - 20 alerts are sent as soon as they are looked up, while the lookups of the others
    go on, and each task is read soon after it was sent, while later ones are sent - so a run takes about the time
    of its busiest API (one call per alert for the lookups) plus one task, not their sum.
  - With I(groups), one run handles several operations, each for its own alerts, through the same connection and
    its pacing.
  - What the listing already says costs no operations lookup - an expired alert (the service offers it no
    operation) ends C(expired); a pending alert whose C(CanBeDealOnLine) is false (the service lets nobody handle
    it) ends C(unsupported).
  - Every alert ends in exactly one RV(results[].outcome). C(changed) is true when an alert was handled
    or sent (C(handled), C(submitted), C(timed_out)), or in check mode would be (C(would_handle)).
    A second run of the same task sends nothing and reports C(changed=false).
  - A call whose answer is lost (timeout, connection reset) is never sent blindly again. After
    I(poll_interval) its alerts are read again (DescribeSuspEvents). An alert on which nothing happened
    since the first read (the same status, no newer C(OperateTime) or C(OperateErrorCode)) is sent again
    only when I(operation) acts on the alert alone (C(ignore), the whitelist operations, C(manual_handled),
    ...). An operation that acts on the server or container (C(block_ip), C(kill_and_quara), C(quara),
    C(kill_process), ...) is never sent twice, since the lost call may sit in a queued task that has not
    touched the alert yet; such an alert that shows no result within I(wait_timeout) ends C(timed_out),
    saying that it was not sent again.
  - The alerts of a lost call have no task id, so their result is read from the alerts themselves
    (DescribeSuspEvents) until it is final or I(wait_timeout) passes - a newer C(*.Success) code or another
    status is C(handled), the same status with a newer error code is C(failed). The task status API is
    asked only with a task id and the alert ids together.
  - A call the service refused (an error answer, not a lost one) is read again the same way and its
    alerts still pending are sent again, since one alert handled or gone meanwhile refuses the whole call.
  - A finished task (C(Success) or C(Failure)) that does not hold an alert sent in it has left it out (the
    service may accept a call with an unknown or refused id and drop that id); that alert ends C(failed)
    at once.
  - With I(note), each alert that ended C(handled) then gets that note in the console (C(CreateSuspEventNote)).
  - The module fails when an alert ended C(failed) or C(timed_out); the failure still carries
    RV(results), RV(summary) and RV(task_ids), so C(register) with C(ignore_errors) sees every alert.
  - A SIGKILL to C(ansible-playbook) ends its main process only - the worker that runs the module leads a
    session of its own and outlives it. On Linux the module notices (it reads its ancestors in C(/proc)) before
    any call and before each C(HandleSecurityEvents) call, and stops - the call in flight may still complete.
    The alerts not sent end C(failed), those sent end C(submitted) (nobody waits for them), and I(audit_log)
    gets a C(handle_stopped) line. Without C(/proc), or when no C(ansible-playbook) worker is found above the
    module, nothing is checked. SIGTERM and SIGINT need no check - C(ansible-playbook) passes them on to its
    worker, which ends the module at once.
author:
  - alibabacloud.sas maintainers (@alibabacloud)
extends_documentation_fragment:
  - alibabacloud.sas.sas
attributes:
  check_mode:
    support: full
    description:
      - Reads statuses and operations as usual and predicts each outcome (C(would_handle) instead of
        C(handled)) and RV(results[].status_after) (predicted, not read); makes no write call, no note
        included (with I(note), RV(results[].note) is C(would_add)).
  diff_mode:
    support: full
    description: Shows each alert's status before and after.
options:
  alert_ids:
    description:
      - Ids of the alerts to handle (the C(id) that M(alibabacloud.sas.sas_alert_info) returns).
      - A duplicate id is handled once and reported once.
      - An empty list does nothing - no call is made, RV(results) and RV(task_ids) are empty and
        C(changed) is false - so a list filtered down to nothing needs no C(when) guard. The other
        options are still checked, I(audit_log) included, but nothing is written to it.
      - Required, with I(operation), unless I(groups) is given.
    type: list
    elements: int
  operation:
    description:
      - The operation code, as the service names it. Whatever the code, the service decides per alert; an
        alert that does not allow it ends C(unsupported).
      - "On the server or container: C(block_ip) blocks the source IP (needs I(block_duration) or
        I(expire_time)); C(kill_and_quara) kills the process and quarantines its file (see I(sub_operation));
        C(virus_quara) and C(virus_quara_bin) quarantine the file, C(virus_quara_bin) when the process is
        already gone; C(quara) quarantines the process's file; C(kill_process) kills the process; C(cleanup) runs
        a deep virus removal; C(stop_container), C(kill_container_process); C(disable_malicious_defense) turns
        off the malicious-behaviour defense."
      - "On the alert only: C(ignore), C(manual_handled), C(offline_handled), C(mark_mis_info);
        C(advance_mark_mis_info) whitelists it, with I(whitelist_rules) if given; C(defense_mark_mis_info) whitelists a
        precise-defense alert, keeping the defense."
      - "Undoing handling, on alerts no longer pending, so with I(force=true): C(rm_mark_mis_info),
        C(rm_defense_mark_mis_info), C(cancle_manual) (the API's spelling)."
      - "Refused: C(client_problem_check) - it starts a troubleshooting session that a person runs from the
        console."
      - Required, with I(alert_ids), unless I(groups) is given.
    type: str
    choices: [block_ip, kill_and_quara, virus_quara, virus_quara_bin, quara, kill_process, cleanup, ignore,
              manual_handled, cancle_manual, advance_mark_mis_info, mark_mis_info, rm_mark_mis_info,
              defense_mark_mis_info, rm_defense_mark_mis_info, disable_malicious_defense, offline_handled,
              stop_container, kill_container_process, client_problem_check]
  operation_params:
    description:
      - The C(OperationParams) of the call, as a dictionary; sent as a JSON string, C({}) when empty.
      - Prefer the friendly forms I(block_duration), I(expire_time) and I(sub_operation), which build it.
      - Only the keys the operation takes are accepted - C(expireTime) for C(block_ip) (epoch milliseconds
        within the next 30 days), C(subOperation) for C(kill_and_quara), C(virus_quara) and C(virus_quara_bin);
        any other key is refused before any call.
    type: dict
  block_duration:
    description:
      - For C(block_ip), how long the IP stays blocked, from now - C(<n>m), C(<n>h) or C(<n>d), for
        example C(6h), C(1d), C(7d) or C(30d).
      - At most 30 days, so that a typo such as C(99999d) never blocks for ever; a longer block belongs in an IP
        blocking policy.
    type: str
  expire_time:
    description:
      - For C(block_ip), when the block ends, an ISO 8601 time in the future such as
        C(2026-12-31T23:00:00+08:00). Without an offset the time is UTC.
      - At most 30 days from now.
    type: str
  sub_operation:
    description:
      - For C(kill_and_quara) - C(killAndQuaraFileByMd5andPath) (kill the process and quarantine its file),
        C(killByMd5andPath) (kill only), C(killAndQuaraFileByPidAndMd5andPath), C(quaraFileByMd5andPath)
        (quarantine only), C(killProcessByPidandPathandCmdline) or C(killContainerProcessByMd5AndPath).
      - For C(virus_quara) and C(virus_quara_bin) - C(quaraFileByMd5andPath), the default.
      - Left out for C(kill_and_quara), each alert gets the C(subOperation) the service suggests for it
        (the C(operation_params) of M(alibabacloud.sas.sas_alert_operations_info)). Where it suggests none (no
        document says it always does), C(killAndQuaraFileByMd5andPath), the default, is sent, with a warning that
        names it and the alerts. A suggestion this collection does not know ends the alert C(unsupported).
        The sources disagree on which values the service takes (two or six), so a value given that differs from
        the one suggested for an alert is sent as given, with a warning.
    type: str
  whitelist_rules:
    description:
      - For C(advance_mark_mis_info), the whitelist rules to add. Left out, the alerts are whitelisted with
        the rules they already have, sent unchanged (C(MarkMissParam) is always sent, as one reading of the
        service requires it).
      - An empty rule list is never sent - the service may refuse it or take it as "remove every rule". So, with
        I(whitelist_rules) left out, an alert that has no rule ends C(failed) with nothing sent, its reason
        saying to give I(whitelist_rules); the other alerts are whitelisted.
      - The service replaces an alert's rules with what is sent, so the module sends the alert's existing
        rules first, then the new ones that are not already there; nothing set before is lost.
      - Each rule's I(field) must be one of the alert's whitelist fields and I(operate) one the field
        supports (M(alibabacloud.sas.sas_alert_operations_info) lists them under C(mark_fields_source));
        otherwise nothing is sent at all.
    type: list
    elements: dict
    suboptions:
      field:
        description:
          - The field to match, a C(filed_name) of the alert's C(mark_fields_source), for example C(loginSourceIp).
        type: str
        required: true
      operate:
        description:
          - How to match. C(regex) values must compile; C(inIpSegment), for IP fields only, takes a CIDR such
            as C(192.0.2.0/24) or one address.
        type: str
        required: true
        choices: [contains, notContains, regex, strEqual, strNotEqual, inIpSegment]
      value:
        description: The value to match, printable text of at most 1000 characters.
        type: str
        required: true
      scope:
        description: C(part) applies the rule to the alert's own server, C(all) to every server.
        type: str
        choices: [all, part]
        default: part
  remark:
    description:
      - A note stored with the handling (C(Remark)), printable text of at most 500 characters (no control,
        bidi-override or zero-width characters - the service shows it to people).
    type: str
  note:
    description:
      - A note to add in the console (C(CreateSuspEventNote)) to each alert this task handled, once the handling
        has settled, so that whoever looks at the alert there sees who handled it and why - for example the
        playbook, the rule, the operation and the time of the run.
      - Only alerts that end C(handled) get it (none with I(wait=false), whose result is not known); each
        alert's RV(results[].note) says what happened to its note.
      - A note is not the handling. A note the service refuses for permission (the RAM policy lacks
        C(yundun-sas:CreateSuspEventNote)) is a warning that names that action, and any other failed note is a
        warning too - neither fails the module nor changes an alert's outcome.
      - Sent one call per alert, with at most I(concurrency) at once, paced by I(rate_limit) and sent again when
        throttled; a note whose answer was lost is not sent again (it may have been added). None is sent once the
        run was killed. In check mode nothing is sent.
      - Printable text of at most 500 characters (no control, bidi-override or zero-width characters - the
        service shows it to people); an empty or blank note is refused before any call.
    type: str
  groups:
    description:
      - Several operations in one run, each for its own alerts with its own parameters - one entry per operation
        and parameters, as a triage plans them. All groups go through the one connection, so their calls share the
        pacing of each API (I(rate_limit)), and they are handled side by side - the alerts of one group are sent
        and waited for while those of another are looked up - instead of one run per group, each waiting in turn.
      - Each entry takes I(operation) and I(alert_ids), the options of the same name that say what is sent for
        them (I(operation_params), I(block_duration), I(expire_time), I(sub_operation), I(whitelist_rules),
        I(remark), I(note)), and its own I(audit_context), added to the audit trail's lines of its alerts before
        the task's own I(audit_context).
      - An alert may be in one group only; an alert in two fails the task before any call. Whitelist rules that
        do not fit an alert refuse every group before any write. A group with an empty I(alert_ids) does nothing.
      - RV(results) holds the alerts of every group, group by group in input order, each naming its group's
        operation (RV(results[].operation)); RV(summary) and RV(task_ids) count them all.
      - Mutually exclusive with I(alert_ids), I(operation) and the options each entry takes.
    type: list
    elements: dict
    version_added: 0.2.0
    suboptions:
      operation:
        description: The operation code, as for I(operation).
        type: str
        required: true
        choices: [block_ip, kill_and_quara, virus_quara, virus_quara_bin, quara, kill_process, cleanup, ignore,
                  manual_handled, cancle_manual, advance_mark_mis_info, mark_mis_info, rm_mark_mis_info,
                  defense_mark_mis_info, rm_defense_mark_mis_info, disable_malicious_defense, offline_handled,
                  stop_container, kill_container_process, client_problem_check]
      alert_ids:
        description: The ids of the group's alerts, as for I(alert_ids).
        type: list
        elements: int
        required: true
      operation_params:
        description: As I(operation_params).
        type: dict
      block_duration:
        description: As I(block_duration).
        type: str
      expire_time:
        description: As I(expire_time).
        type: str
      sub_operation:
        description: As I(sub_operation).
        type: str
      whitelist_rules:
        description: As I(whitelist_rules), with the same keys (C(field), C(operate), C(value), C(scope)).
        type: list
        elements: dict
      remark:
        description: As I(remark).
        type: str
      note:
        description: As I(note), for the group's alerts that end C(handled).
        type: str
      audit_context:
        description:
          - Fields added to the I(audit_log) lines of the group's alerts (its writes, notes and stop lines), for
            example the rules that chose the operation. The same keys are refused as in I(audit_context).
          - Needs I(audit_log).
        type: dict
  force:
    description:
      - Also act on alerts that are no longer pending (ignored, whitelisted, handled, ...). The service
        still decides which operations it allows on them. An alert with a running handling task is never sent.
      - Required by the operations that undo handling (C(rm_mark_mis_info), C(rm_defense_mark_mis_info),
        C(cancle_manual)) - they act only on alerts no longer pending, so without I(force) they are refused.
    type: bool
    default: false
  wait:
    description:
      - Wait until the service has finished with every alert sent.
      - With C(false), sent alerts end C(submitted) and RV(task_ids) come back at once; check them later
        with M(alibabacloud.sas.sas_alert_task_info).
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait, after the last call is sent, for every alert to get a final status. Alerts
        without one then end C(timed_out) with their task id (null when the answer of their call was lost).
    type: float
    default: 60
  poll_interval:
    description:
      - The longest wait, in seconds, between two reads of a task's status (or of its alerts, when the answer of the
        call was lost).
      - The first read comes soon after the call (0.25 seconds, or I(poll_interval) if less), for a task may be done
        in a fraction of a second; each later wait doubles, up to I(poll_interval). Tasks are read while later
        alerts are still being looked up and sent.
    type: float
    default: 2
  concurrency:
    description: How many read calls (statuses, operations, task statuses) and notes run at once.
    type: int
    default: 8
  audit_log:
    description:
      - A file the module appends an audit trail of its writes to, one JSON object a line (JSON lines). Every
        character that ends a line for some reader (U+0085, U+2028 and U+2029 too) is written as its JSON
        escape (for example C(\u2028)), so each record is exactly one line; other non-ASCII text is written as
        it is (UTF-8).
      - One line with C(event=handle_request) is written immediately before each C(HandleSecurityEvents) call,
        and one with C(event=handle_response) immediately after it, whatever its result. A run killed at any
        moment thus leaves a trail that names every alert it may have written; a request line without its
        response line is a call whose answer nobody saw. If the request line cannot be written, that call
        is not made and its alerts end C(failed).
      - "Every line has C(time) (UTC, ISO 8601 with milliseconds and C(Z), for example
        C(2026-05-04T09:12:33.250Z)), C(event), C(operation), C(alert_ids) (the ids sent in that call),
        C(operation_params) (the dictionary sent), C(remark) (or null), C(whitelist_rules) (the C(MarkMissParam)
        rules sent, existing ones included, or null) and C(attempt) (1 for the first send of a batch, 2 or more
        for a re-send of its alerts still pending after a lost or refused answer)."
      - "A C(handle_response) line adds C(result) (C(accepted) or C(error)), C(task_id) (or null),
        C(error_code) (the service's code, or null), C(error_kind), C(message) (the error in words, or null)
        and C(request_id) (when known)."
      - "C(error_kind) is null when accepted, else C(api) (the service refused the call), C(ambiguous) (sent,
        but the answer was lost - the service may have acted), C(bad_response), C(not_sent), C(credentials),
        or C(unexpected) (the module itself stopped during the call; the service may have acted)."
      - With I(resource_directory_account_id), every line then has C(resource_directory_account_id), the member
        account the calls were about, so one trail can hold the writes of many accounts.
      - Then come the I(audit_context) fields. No line holds a credential (AccessKey, secret, token, signature).
      - The path is on the host that runs the module (with C(localhost), the controller). A relative path, such
        as a bare file name, is resolved against the module's working directory (with a C(local) connection,
        the directory C(ansible-playbook) was started in; over SSH, usually the remote user's home).
      - The file is created with mode C(0600) if missing; an existing file is set to mode C(0600). Each line is
        appended in one write under an exclusive C(flock) lock, so several runs of the same user can share the
        file.
      - The file is opened before any call, without following a symbolic link and without waiting on a FIFO.
        The task fails before any call, naming the path and the reason, if the directory does not exist, or if
        the path is a symbolic link (even to a regular file), a directory, a FIFO, a socket or a device, a file
        owned by another user than the one running the module, a file with more than one hard link, or a file
        that cannot be opened for appending. In check mode nothing is written, the file is not created and its
        mode is not changed, but the same checks are made (without opening it).
      - The trail is a record for people, never read back - the next run reads the alerts' statuses from the
        service, not from this file.
      - "With I(note), each C(CreateSuspEventNote) call gets a line with C(event=note_request) immediately before
        it - C(time), C(event), C(operation) (the handling), C(alert_ids) (the one alert) and C(note_text) (the note
        sent) - and one with C(event=note_response) immediately after it, which adds C(result), C(error_code),
        C(error_kind), C(message) and C(request_id) as for C(handle_response). If the request line cannot be
        written, that note is not sent (RV(results[].note) C(failed))."
      - "When the module stops because its run was killed, it writes one line with C(event=handle_stopped),
        C(operation), C(alert_ids) (the alerts it did not send) and C(message) (why), then the I(audit_context)
        fields."
    type: path
  audit_context:
    description:
      - Fields copied into every line of I(audit_log), for example the account and the job that ran.
      - A key may not be one of the module's own fields (C(time), C(event), C(alert_ids), C(task_id), ...);
        such a key fails the task before any call.
      - Needs I(audit_log).
    type: dict
notes:
  - The RAM policy needs C(yundun-sas:DescribeSuspEvents), C(yundun-sas:DescribeSecurityEventOperations),
    C(yundun-sas:HandleSecurityEvents) and C(yundun-sas:DescribeSecurityEventOperationStatus); with I(note), also
    C(yundun-sas:CreateSuspEventNote).
  - "API calls for N alerts, all pending: about one C(DescribeSuspEvents) page per 100 of them, N
    C(DescribeSecurityEventOperations) (none for an expired alert, nor for one whose C(can_be_deal_on_line) is
    false), one C(HandleSecurityEvents) per 20, one
    C(DescribeSecurityEventOperationStatus) per call sent and per read until done (0.25 seconds after the call, then
    at waits doubling up to I(poll_interval)), and after
    the wait about two C(DescribeSuspEvents) pages per 100 alerts handled or failed (one call each for
    one or two alerts) to read RV(results[].status_after). A call whose answer was lost costs one more
    read of its alerts, then one per read as above instead of the task status. With I(note), one
    C(CreateSuspEventNote) per alert handled."
seealso:
  - module: alibabacloud.sas.sas_alert_info
  - module: alibabacloud.sas.sas_alert_operations_info
  - module: alibabacloud.sas.sas_alert_task_info
"""

EXAMPLES = r"""
- name: Ignore two alerts and wait for the result
  alibabacloud.sas.sas_alert_handle:
    alert_ids: [702173474, 702173475]
    operation: ignore
    remark: known scanner
  register: ignored

- name: Ignore an alert and say so in the console, where analysts look; a note refused for permission only warns
  alibabacloud.sas.sas_alert_handle:
    alert_ids: [702173476]
    operation: ignore
    note: "ignored by alibabacloud.sas, play {{ ansible_play_name }}, {{ now(utc=true).isoformat() }}Z"
  register: noted

- name: Whitelist logons from the office network; the alerts' existing rules are kept
  alibabacloud.sas.sas_alert_handle:
    alert_ids: [702173480]
    operation: advance_mark_mis_info
    whitelist_rules:
      - field: loginSourceIp
        operate: inIpSegment
        value: 198.51.100.0/24
        scope: all

# time_start is in UTC+8, the service's time zone. now() is the controller's local time, so now().timestamp()
# is the epoch on any controller; strftime with utc=true prints that epoch plus 8 hours as UTC+8.
- name: List the unusual logons of the last 24 hours
  alibabacloud.sas.sas_alert_info:
    alert_types: [Unusual logon]
    time_start: "{{ '%Y-%m-%d %H:%M:%S' | strftime(now().timestamp() + 8 * 3600 - 86400, utc=true) }}"
  register: logons

# failed_when replaces the module's own rule (fail on failed or timed_out): here unsupported fails too.
# No summary means the module failed before any alert had an outcome (a bad option, an API error).
- name: Block their source IPs for 7 days; fail if any alert could not be handled
  alibabacloud.sas.sas_alert_handle:
    alert_ids: "{{ logons.alerts | map(attribute='id') | list }}"
    operation: block_ip
    block_duration: 7d
  register: blocked
  failed_when: >-
    blocked.summary is not defined
    or blocked.summary.failed + blocked.summary.timed_out + blocked.summary.unsupported > 0

- name: List the pending malicious process alerts
  alibabacloud.sas.sas_alert_info:
    alert_types: [Malicious process (cloud scan)]
  register: malware

# The module fails when an alert ended failed or timed_out, but its result still holds every alert's
# outcome: ignore_errors and register keep the play going to act on it, and a later task fails for it.
- name: Kill the processes and quarantine their files; see every outcome even if some fail
  alibabacloud.sas.sas_alert_handle:
    alert_ids: "{{ malware.alerts | map(attribute='id') | list }}"
    operation: kill_and_quara
    sub_operation: killAndQuaraFileByMd5andPath
  register: quarantine
  ignore_errors: true

- name: Stop if the module failed before any alert had an outcome (a bad option, an API error)
  ansible.builtin.fail:
    msg: "{{ quarantine.msg }}"
  when: quarantine.summary is not defined

- name: Quarantine the file where the process was already gone (an empty list makes no call)
  alibabacloud.sas.sas_alert_handle:
    alert_ids: >-
      {{ quarantine.results | selectattr('error_code', 'equalto', 'kill_and_quara.ProcessNotExist')
         | map(attribute='id') | list }}
    operation: virus_quara_bin
  register: requarantine
  ignore_errors: true

- name: Fail if anything could not be handled (failed, timed out or unsupported)
  ansible.builtin.assert:
    that: not_handled | length == 0
    fail_msg: "Not handled: {{ not_handled | map(attribute='id') | join(', ') }}; see their error_code and hint"
  vars:
    retried: "{{ requarantine.results | default([]) | map(attribute='id') | list }}"
    not_handled: >-
      {{ ((quarantine.results | rejectattr('id', 'in', retried) | list) + requarantine.results | default([]))
         | selectattr('outcome', 'in', ['failed', 'timed_out', 'unsupported']) | list }}

- name: List the pending reminders of the staging servers
  alibabacloud.sas.sas_alert_info:
    name: staging-
    levels: [remind]
  register: staging

- name: Ignore them, keeping a trail of every write call in a file shared by the jobs of this controller
  alibabacloud.sas.sas_alert_handle:
    alert_ids: "{{ staging.alerts | map(attribute='id') | list }}"
    operation: ignore
    remark: staging noise
    audit_log: /var/log/sas/alert-handle.jsonl
    audit_context:
      account: prod-cn
      run_id: "{{ awx_job_id | default('by hand') }}"

- name: List the pending reminders
  alibabacloud.sas.sas_alert_info:
    levels: [remind]
  register: reminders

- name: Mark them handled without waiting; they end submitted, with the ids of the tasks they were sent in
  alibabacloud.sas.sas_alert_handle:
    alert_ids: "{{ reminders.alerts | map(attribute='id') | list }}"
    operation: manual_handled
    wait: false
  register: sent

- name: Later, check back on each task until the service has finished with it (at most 5 minutes)
  alibabacloud.sas.sas_alert_task_info:
    task_id: "{{ item }}"
    alert_ids: "{{ sent.results | selectattr('task_id', 'equalto', item) | map(attribute='id') | list }}"
  loop: "{{ sent.task_ids }}"
  register: checks
  until: checks.finished
  retries: 30
  delay: 10

- name: Fail if the service could not handle one of them
  ansible.builtin.assert:
    that: failed_ids | length == 0
    fail_msg: "Not handled: {{ failed_ids | join(', ') }}"
  vars:
    failed_ids: >-
      {{ checks.results | map(attribute='alerts') | flatten | rejectattr('status', 'equalto', 'Success')
         | map(attribute='id') | list }}
"""

RETURN = r"""
results:
  description: One entry per alert of I(alert_ids) (duplicates once), in input order; with I(groups), of every group,
    group by group.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The alert id.
      type: int
      sample: 702173474
    outcome:
      description:
        - C(handled) - the service handled it.
        - C(would_handle) - check mode, it would have been sent.
        - C(submitted) - sent with I(wait=false); the result is not known yet. Also sent before the run was
          killed - nobody waited for the result (RV(results[].reason) says so).
        - C(already_handled) - not pending (or handled meanwhile), nothing sent.
        - C(expired) - the service let it expire (status C(expired)) and offers no operation for it; nothing
          sent, with or without I(force). Nobody can act on it any more, so it does not fail the module.
        - C(unsupported) - the service does not allow I(operation) for it; RV(results[].reason) says why. Also
          a pending alert whose C(can_be_deal_on_line) is false, settled from the listing (nothing asked, nothing
          sent).
        - C(not_found) - the service has no such alert.
        - C(failed) - the service could not handle it; see RV(results[].error_code) and RV(results[].hint).
          Also an alert whose allowed operations could not be read, its retries spent (throttled, unavailable,
          unreachable); nothing was sent for it, and the others went on.
          Also an alert that a finished task left out while it is still pending and allowed
          (RV(results[].reason) says so). A left-out alert that is gone, handled meanwhile or no longer
          allowed ends C(not_found), C(already_handled) or C(unsupported), as it would had the service
          refused the whole call for it.
          Also an alert not sent because the run was killed (RV(results[].reason) starts with C(not sent)).
          Also, for C(advance_mark_mis_info) without I(whitelist_rules), an alert that has no whitelist rule - nothing
          sent, since an empty rule list is refused by the service or clears the rules; RV(results[].reason) says
          to give I(whitelist_rules). It fails the module, as the whitelisting asked for did not happen.
        - C(timed_out) - no final status within I(wait_timeout); RV(results[].task_id) to follow up. When the
          answer of its call was lost, the task id is null and RV(results[].reason) says whether it was sent
          again (never for an operation on the host) - check the alert with M(alibabacloud.sas.sas_alert_info).
      type: str
      sample: handled
    operation:
      description: The operation code (with I(groups), that of the alert's group).
      type: str
      sample: ignore
    task_id:
      description: The handling task the alert was sent in, or null (not sent, or its answer was lost).
      type: int
      sample: 29051101
    error_code:
      description:
        - The task's code for the alert, C(<operation>.<result>), for example C(ignore.Success) or
          C(kill_and_quara.AgentOffline); or the service's error code when the call was refused.
      type: str
      sample: kill_and_quara.AgentOffline
    hint:
      description: What to do about RV(results[].error_code), when there is advice.
      type: str
      sample: "the process is gone: quarantine the file with operation virus_quara_bin instead"
    reason:
      description:
        - Why the alert ended as it did, in words (null for a plain C(handled)); for an alert of a call whose
          answer was lost, that its result was read from the alert.
      type: str
    status_before:
      description: The alert's status when the module read it (C(pending), C(ignored), ...); null if not found.
      type: str
      sample: pending
    status_after:
      description:
        - The status the alert is left in. For C(handled) and C(failed) the status the service shows
          after the wait (read again, one lookup for all of them) - an operation on the host may leave
          C(processing). If that read fails, the predicted status stays and a warning names the alerts.
        - For C(would_handle) (check mode) the predicted status the operation puts alerts in (C(ignored) for
          C(ignore), C(false_positive) for the whitelist operations, C(handled) for most others).
        - C(processing) for C(submitted) and for C(timed_out) in a known task; for C(timed_out) after a
          lost answer, the status last read.
      type: str
      sample: ignored
    note:
      description:
        - What happened to the alert's I(note); null when no note was asked for.
        - C(added) - the service stored it (shown in the console and in the alert's C(event_notes)).
        - C(would_add) - check mode, the alert would have been handled and noted; nothing sent.
        - C(refused) - the service refused it for permission (C(NoPermission), C(Forbidden) or HTTP 403) - the RAM
          policy lacks C(yundun-sas:CreateSuspEventNote); a warning says so. The alert's outcome stands.
        - C(failed) - it could not be added (the service refused it otherwise, or the retries were spent, or its
          audit line could not be written); a warning says why. A note whose answer was lost is not sent again,
          so it may have been added.
        - C(skipped) - no note sent - the alert did not end C(handled), or the run was killed before its note.
      type: str
      sample: added
    allowed_operations:
      description:
        - The operation codes the service let you run on the alert when the module looked them up
          (C(DescribeSecurityEventOperations), C(UserCanOperate) true), in the service's order - for an
          C(unsupported) alert, what you could send instead (its RV(results[].reason) names them too).
        - Null when the module did not look them up (the alert was not pending, not found, or settled from the
          listing).
      type: list
      elements: str
      sample: [quara, advance_mark_mis_info, ignore, manual_handled]
summary:
  description: How many alerts ended in each outcome (every outcome is listed, zeros included).
  returned: always
  type: dict
  sample: {handled: 18, would_handle: 0, submitted: 0, already_handled: 2, expired: 0, unsupported: 1,
           not_found: 0, failed: 1, timed_out: 0}
task_ids:
  description: The ids of the handling tasks created, in the order they were sent.
  returned: always
  type: list
  elements: int
  sample: [29051101, 29051102]
api_stats:
  description: Per API called, its calls, retries, throttled answers and pace, as I(rate_limit) describes them.
  returned: when the module made a call
  type: dict
"""

import time

from ansible_collections.alibabacloud.sas.plugins.module_utils.audit import AuditLog, AuditLogError, check_context
from ansible_collections.alibabacloud.sas.plugins.module_utils.errors import SasApiError
from ansible_collections.alibabacloud.sas.plugins.module_utils.handling import (
    HandleGroup,
    Handler,
    HandleReport,
    HandleRequest,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.module import SasModule
from ansible_collections.alibabacloud.sas.plugins.module_utils.notes import check_note
from ansible_collections.alibabacloud.sas.plugins.module_utils.operation_params import (
    ADVANCE_MARK_MIS_INFO,
    OPERATION_CHOICES,
    build_operation_params,
    check_force,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.options import (
    MAX_REMARK_LENGTH,
    OptionError,
    check_alert_ids,
    check_concurrency,
    check_positive,
    check_text,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.whitelist import RULE_OPERATES, check_rules

# Options that only some operations take cannot be given together.
EXCLUSIVE = [("block_duration", "expire_time"), ("operation_params", "block_duration"),
             ("operation_params", "expire_time"), ("operation_params", "sub_operation")]


def operation_options(rule_options=None):
    """The options that say what is sent for one operation: at the top, and in each entry of groups (whose
    whitelist_rules check_rules checks, key by key)."""
    rules = dict(type="list", elements="dict")
    if rule_options is not None:  # validate-modules takes no options key without options
        rules["options"] = rule_options
    return dict(
        operation_params=dict(type="dict"),
        block_duration=dict(type="str"),
        expire_time=dict(type="str"),
        sub_operation=dict(type="str"),
        whitelist_rules=rules,
        remark=dict(type="str"),
        note=dict(type="str"),
    )


WHITELIST_RULE_OPTIONS = dict(
    field=dict(type="str", required=True),
    operate=dict(type="str", required=True, choices=list(RULE_OPERATES)),
    value=dict(type="str", required=True),
    scope=dict(type="str", choices=["all", "part"], default="part"),
)


def handle_group(params, audit_log, context=None):
    """One operation for its alerts, checked (OptionError, AuditLogError); params are the top-level options or one
    entry of groups, context that entry's audit_context."""
    operation = params["operation"]
    alert_ids = check_alert_ids(params["alert_ids"])
    operation_params = build_operation_params(
        operation, params["operation_params"], params["block_duration"], params["expire_time"],
        params["sub_operation"], int(time.time() * 1000))
    rules = None
    if params["whitelist_rules"] is not None and operation != ADVANCE_MARK_MIS_INFO:
        raise OptionError("whitelist_rules is only for operation=advance_mark_mis_info, not operation=%s" % operation)
    if operation == ADVANCE_MARK_MIS_INFO and params["whitelist_rules"] is not None:
        if not params["whitelist_rules"]:
            raise OptionError("whitelist_rules=[] holds no rule: give the rules to add, or leave whitelist_rules out "
                              "to whitelist the alerts with the rules they have")
        rules = check_rules(params["whitelist_rules"])
    if context is not None and audit_log is None:
        raise OptionError("audit_context needs audit_log")
    return HandleGroup(operation, alert_ids, operation_params, whitelist_rules=rules,
                       remark=check_text("remark", params["remark"], MAX_REMARK_LENGTH),
                       note=check_note(params["note"]),
                       audit_context=None if context is None else check_context(context))


def handle_groups(params):
    """The groups of the request: each entry of groups, or the top-level options as one group."""
    if params["groups"] is None:
        return [handle_group(params, params["audit_log"])]
    groups = []
    for index, entry in enumerate(params["groups"]):
        try:
            groups.append(handle_group(entry, params["audit_log"], entry["audit_context"]))
        except (OptionError, AuditLogError) as error:
            raise OptionError("groups[%d] (operation=%s): %s" % (index, entry["operation"], error)) from None
    return groups


def handle_request(params):
    """The checked request, or OptionError; runs before any call."""
    groups = handle_groups(params)
    for group in groups:
        check_force(group.operation, params["force"])
    return HandleRequest(
        groups=groups, force=params["force"], wait=params["wait"],
        wait_timeout=check_positive("wait_timeout", params["wait_timeout"]),
        poll_interval=check_positive("poll_interval", params["poll_interval"]),
        concurrency=check_concurrency(params["concurrency"]))


def main():
    group_options = dict(operation=dict(type="str", required=True, choices=list(OPERATION_CHOICES)),
                         alert_ids=dict(type="list", elements="int", required=True),
                         audit_context=dict(type="dict"), **operation_options())
    module = SasModule(
        argument_spec=dict(
            alert_ids=dict(type="list", elements="int"),
            operation=dict(type="str", choices=list(OPERATION_CHOICES)),
            groups=dict(type="list", elements="dict", options=group_options, mutually_exclusive=EXCLUSIVE),
            force=dict(type="bool", default=False),
            wait=dict(type="bool", default=True),
            wait_timeout=dict(type="float", default=60.0),
            poll_interval=dict(type="float", default=2.0),
            concurrency=dict(type="int", default=8),
            audit_log=dict(type="path"),
            audit_context=dict(type="dict"),
            **operation_options(WHITELIST_RULE_OPTIONS)
        ),
        mutually_exclusive=EXCLUSIVE + [("groups", name) for name in ("alert_ids", "operation", *operation_options())],
        required_one_of=[("alert_ids", "groups")],
        required_together=[("alert_ids", "operation")],
        required_by={"audit_context": "audit_log"},
        supports_check_mode=True,
    )
    audit = None
    handler = None
    try:
        request = handle_request(module.params)
        if module.params["audit_log"] is not None:
            audit = AuditLog(module.params["audit_log"], module.params["audit_context"])
            # before any call: a bad path costs nothing; with no alert there is nothing to write
            audit.open(check_only=module.check_mode or not request.alert_ids)
        if request.alert_ids:
            connection = module.connection
            if audit is not None:
                audit.secrets = module._secrets  # known once connected; cut out of every line as a last guard
                audit.member_account = connection.resource_directory_account_id
            handler = Handler(connection, request, audit=audit)
            report = handler.run(module.check_mode)
        else:  # nothing to handle: no call, not even a connection
            report = HandleReport([], [])
    except (OptionError, AuditLogError) as error:
        module.fail_json(msg=str(error), changed=False)
    except SasApiError as error:  # raised only by the reads before any write
        module.fail_api(error, changed=False)
    finally:
        if audit is not None:
            audit.close()
    if audit is not None:
        for problem in audit.problems:  # a response line that could not be written: the call was made
            module.warn(problem)
    for warning in handler.warnings if handler is not None else ():
        module.warn(warning)

    result = dict(changed=report.changed, results=report.results, summary=report.summary, task_ids=report.task_ids)
    if module._diff:
        result["diff"] = report.diff()
    if report.failed:
        module.fail_json(msg=report.failure_message(), **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
