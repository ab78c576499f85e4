"""The alerts of each scenario: the emulator's own generated data, cut to the pending alerts wanted.

Every host's agent is online, every process alive and no operation is restricted by edition: the benchmark
measures speed, and an operation failing for a reason the data holds would measure the failure instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from sas_emulator import catalog, dataset
from sas_emulator.constants import STATUS_PENDING

SEED = 19
# The triage's five groups: (action, params, the alert names it takes; None: every other name).
GROUPS = (
    ("block_ip", {"block_duration": "1d"}, ("login_unusual_location", "login_unusual_ip", "brute_force_success")),
    ("quara", {}, ("webshell_file", "sensitive_file_tampered")),
    ("kill_and_quara", {}, ("mining_program", "trojan_program", "ddos_trojan", "self_mutating_trojan",
                            "suspicious_program")),
    ("kill_process", {}, ("reverse_shell", "mining_pool")),
    ("ignore", {}, None),
)


def pending(count: int, seed: int = SEED) -> dict:
    """A data set of exactly count pending alerts."""
    data, found = _generated(lambda alerts: len(alerts) >= count, count, seed)
    return _runnable(data, found[:count])


def grouped(per_group: int, seed: int = SEED) -> dict:
    """A data set of per_group pending alerts for each of GROUPS."""
    data, found = _generated(lambda alerts: all(len(taken) >= per_group for taken in _by_group(alerts).values()),
                             per_group * 20, seed)
    return _runnable(data, [alert for taken in _by_group(found).values() for alert in taken[:per_group]])


def organisation(members: int, member_alerts: int, seed: int = SEED) -> dict:
    """A data set of a Resource Directory administrator with members member accounts of member_alerts pending
    alerts each, and no alert of its own (the organisation's triage leaves the administrator out)."""
    data = dataset.generate(seed=seed, alerts=0, members=members, member_alerts=member_alerts)
    return dict(data, members=[_runnable(member, member["alerts"]) for member in data["members"]])


def accounts_of_alerts(data: dict) -> dict:
    """Alert id (as the service's parameters carry it) -> the member account (id string) that holds it."""
    return {str(alert["id"]): str(member["ali_uid"]) for member in data["members"] for alert in member["alerts"]}


def policy() -> list:
    """The triage rules that send each group's alerts to its action (the last rule takes every other alert)."""
    rules = []
    for action, params, names in GROUPS:
        match = {"level": ["serious", "suspicious", "remind"]}
        if names is not None:
            match = {"alarm_event_name_display": [catalog.ALERT_NAMES[name].en for name in names]}
        rules.append({"name": "bench-" + action.replace("_", "-"), "match": match, "action": action,
                      "params": params})
    return rules


def groups_of(data: dict) -> list:
    """(action, params, alert ids) of each of GROUPS in data."""
    taken = _by_group(data["alerts"])
    return [(action, params, alert_ids({"alerts": taken[action]})) for action, params, _names in GROUPS]


def alert_ids(data: dict) -> list:
    return [alert["id"] for alert in data["alerts"]]


def write(data: dict, path: Path) -> Path:
    dataset.save_dataset(data, path)
    return path


def _by_group(alerts: list) -> dict:
    taken = {action: [] for action, _params, _names in GROUPS}
    named = {name: action for action, _params, names in GROUPS for name in names or ()}
    for alert in alerts:
        taken[named.get(alert["name_key"], "ignore")].append(alert)
    return taken


def _generated(enough: Callable[[list], bool], alerts: int, seed: int) -> tuple:
    """(data set, its pending alerts) of the smallest doubling of alerts whose pending alerts are enough."""
    while True:
        data = dataset.generate(seed=seed, alerts=alerts)
        found = [alert for alert in data["alerts"] if alert["status"] == STATUS_PENDING]
        if enough(found):
            return data, found
        alerts *= 2


def _runnable(data: dict, alerts: list) -> dict:
    """data (a data set, or one member account of it) with alerts alone, each one that can be handled."""
    for host in data["hosts"]:
        host["agent_online"] = True
    for alert in alerts:
        alert.update(process_alive=True, restricted_ops=[], sale_version="1")
    return dict(data, alerts=alerts)
