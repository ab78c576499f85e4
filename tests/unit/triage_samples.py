# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Sample alerts and a sample policy for the triage unit tests (plugin_utils and filter).

This directory is on sys.path (pytest puts the directory of its conftest.py there), so a test
module imports this one as `from triage_samples import make_alert`.
"""

from __future__ import annotations

from ansible_collections.alibabacloud.sas.plugins.module_utils.operation_params import friendly_options

NOW_MS = 1_800_000_000_000  # 2027-01-15T08:00:00Z

# (alarm_event_type, alarm_event_name) of some alert kinds, as sas_alert_info returns them
LOGON = ("Unusual logon", "ECS login from unusual location")
WEBSHELL = ("Web shell", "Web shell file detected")
MINER = ("Malicious process (cloud scan)", "Mining program")
REVERSE_SHELL = ("Abnormal process behavior", "Reverse shell")
CONTAINER = ("Container cluster anomalies", "Privileged container started")
API_CALL = ("Cloud service threat detection", "Suspicious API call")

# the details of an unusual logon as sas_alert_info returns them (DescribeSuspEvents Details, English)
LOGON_DETAILS = [
    {"name_display": "Logon source IP", "type": "text", "value": "198.51.100.179", "value_display": "198.51.100.179"},
    {"name_display": "Logon user", "type": "text", "value": "deploy", "value_display": "deploy"},
    {"name_display": "Logon location", "type": "text", "value": "Moscow", "value_display": "Moscow"},
]

# leave jump hosts alone, block logons, quarantine web shells, ignore reminders
POLICY = [
    {"name": "leave-jump-hosts", "match": {"instance_name_regex": "^jump-"}, "action": "none"},
    {"name": "block-logons", "match": {"alarm_event_type": "Unusual logon"}, "action": "block_ip",
     "params": {"block_duration": "7d"}},
    {"name": "quarantine-webshells", "match": {"alarm_event_type": "Web shell"}, "action": "quara"},
    {"name": "ignore-reminders", "match": {"level": "remind"}, "action": "ignore"},
]


def make_alert(alert_id=101, kind=LOGON, level="suspicious", host="web-prod-01", ip="203.0.113.10", **extra):
    """One alert as sas_alert_info returns it (snake_case keys), built by hand.

    kind is (alarm_event_type, alarm_event_name); extra keys are set on the alert as given.
    """
    alert_type, name = kind
    alert = {
        "id": alert_id,
        "level": level,
        "alarm_event_type": alert_type,
        "alarm_event_type_display": alert_type,
        "alarm_event_name": name,
        "alarm_event_name_display": name,
        "name": "%s-%s" % (alert_type, name),
        "instance_name": host,
        "instance_id": "i-%s" % host,
        "internet_ip": ip,
        "intranet_ip": "172.16.0.10",
        "uuid": "uuid-%s" % host,
        "status": "pending",
        "event_status": 1,
        "last_time": "2027-01-15 07:55:00",
    }
    alert.update(extra)
    return alert


def needed_params(action):
    """The params a rule with action needs to be accepted, and no more (from the operation table)."""
    options = friendly_options(action)
    if "block_duration" in options:
        return {"block_duration": "7d"}
    # sub_operation defaults to the service's suggestion and whitelist_rules to the alert's own (issue 9)
    return {}
