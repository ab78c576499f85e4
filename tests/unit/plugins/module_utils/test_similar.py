# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""similar: sas_alert_similar_info's reading against the in-process emulator - the scenarios, the query task read
again while it lists nothing, its pages, and the similar alerts still pending as sas_alert_info returns them."""

from __future__ import annotations

import threading

import pytest

from ansible_collections.alibabacloud.sas.plugins.module_utils import similar
from sas_emulator import dataset as emulator_dataset

PENDING = 1


class FakeTime:
    """A clock that sleeping moves on; the waits it was asked for."""

    def __init__(self):
        self.now = 0.0
        self.waits = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.waits.append(seconds)
        self.now += seconds


def md5_groups(sas):
    """The ids of the groups of pending alerts of one name sharing a file MD5, each lowest first, largest first."""
    groups = {}
    for alert_id in sas.alert_ids():
        view = sas.alert(alert_id)
        if view["status"] == PENDING and view["details"].get("md5"):
            groups.setdefault((view["name_key"], view["details"]["md5"]), []).append(alert_id)
    return sorted(groups.values(), key=len, reverse=True)


def md5_group(sas):
    return md5_groups(sas)[0]


def read(sas, alert_id, scenario="default", warnings=None, **options):
    fake = FakeTime()
    request = similar.SimilarRequest(scenario, **options)
    warn = warnings.append if warnings is not None else pytest.fail
    return similar.read_similar_alerts(sas.connection, alert_id, request, warn, fake.clock, fake.sleep), fake


def test_lists_the_other_pending_alerts_of_the_group_as_sas_alert_info_does(sas):
    first, *others = md5_group(sas)
    assert others
    result, fake = read(sas, first, "same_file_content")
    assert result["scenarios"][0] == "default" and "same_file_content" in result["scenarios"]
    assert result["complete"] is True and result["similar_ids"] == others == [a["id"] for a in result["alerts"]]
    assert result["total_count"] == len(others) and result["not_pending_ids"] == []
    assert {a["status"] for a in result["alerts"]} == {"pending"}
    assert all("alarm_event_type" in a for a in result["alerts"])  # as sas_alert_info returns alerts
    reads = sas.calls("DescribeSimilarSecurityEvents")
    assert [r["params"]["TaskId"] for r in reads] == [str(result["task_id"])] * 2  # the first read is empty
    assert fake.waits == [similar.FIRST_WAIT]
    assert [r["params"]["SimilarEventScenarioCode"] for r in sas.calls("CreateSimilarSecurityEventsQueryTask")] \
        == ["same_file_content"]


def test_an_alert_handled_meanwhile_is_named_not_listed(sas):
    first, second, *others = md5_group(sas)
    sas.on_request("DescribeSuspEvents", lambda params: sas.patch_alert(second, status=32))  # after the task's read
    result, dummy_time = read(sas, first, "same_file_content")
    assert result["similar_ids"] == [second, *others] and result["not_pending_ids"] == [second]
    assert [a["id"] for a in result["alerts"]] == others and result["total_count"] == len(others)


def test_a_scenario_not_offered_creates_no_task(sas):
    alert_id = next(i for i in sas.alert_ids() if sas.status(i) == PENDING and not sas.alert(i)["details"].get("url"))
    result, dummy_time = read(sas, alert_id, "same_url")
    assert "same_url" not in result["scenarios"] and result["task_id"] is None and result["alerts"] == []
    assert sas.calls("CreateSimilarSecurityEventsQueryTask") == []


def test_a_task_that_lists_nothing_is_read_until_wait_timeout(start_sas):
    sas = start_sas(similar_empty_reads=1000)
    warnings = []
    result, fake = read(sas, md5_group(sas)[0], warnings=warnings, wait_timeout=5, poll_interval=2)
    assert result["complete"] is False and result["alerts"] == [] and result["task_id"]
    assert fake.waits == [0.25, 0.5, 1, 2] and fake.now <= 5  # one more wait would pass wait_timeout
    assert len(sas.calls("DescribeSimilarSecurityEvents")) == 5
    [warning] = warnings
    assert "listed no alert within 5 seconds" in warning and "raise wait_timeout" in warning


def test_an_unknown_alert_is_named(sas):
    with pytest.raises(similar.AlertNotFound) as caught:
        read(sas, sas.unknown_id())
    assert str(caught.value) == "Security Center does not know alert %d" % sas.unknown_id()


def test_a_members_alert_not_found_by_id_says_why(start_sas):
    sas = start_sas(dataset=emulator_dataset.generate(seed=7, alerts=10, members=1, member_alerts=20))
    [member] = [m.uid for m in sas.backend.monitor_accounts()]
    alert_id = next(a.id for a in sas.backend.alerts.values() if a.account == member)
    sas.connection.resource_directory_account_id = member
    with pytest.raises(similar.AlertNotFound) as caught:
        read(sas, alert_id)
    assert "DescribeSimilarEventScenarios takes no ResourceDirectoryAccountId" in str(caught.value)
    sas.configure(member_alert_by_id="found")
    result, dummy_time = read(sas, alert_id)
    assert result["complete"] is True
    assert all(call["params"]["ResourceDirectoryAccountId"] == str(member)
               for call in sas.calls("CreateSimilarSecurityEventsQueryTask") + sas.calls("DescribeSuspEvents"))


def test_several_alerts_are_looked_up_side_by_side_and_their_pending_alerts_listed_once(sas, monkeypatch):
    (a0, a1, a2), (b0, b1) = md5_groups(sas)[:2]
    listings = []

    def read_alerts(connection, request):
        listings.append(request.alert_ids)
        return similar_read_alerts(connection, request)

    similar_read_alerts = similar.read_alerts
    monkeypatch.setattr(similar, "read_alerts", read_alerts)
    # Each known alert's first read is empty and waits once: the three waits meet only if the lookups run at once.
    together = threading.Barrier(3, timeout=10)
    request = similar.SimilarRequest("same_file_content")
    result = similar.read_similar_groups(sas.connection, [a0, b0, a1, sas.unknown_id()], request, pytest.fail,
                                         sleep=lambda seconds: together.wait())
    assert [(g["alert_id"], g["similar_ids"], g["not_pending_ids"], g["complete"]) for g in result["groups"]] == [
        (a0, [a1, a2], [], True), (b0, [b1], [], True), (a1, [a0, a2], [], True),
        (sas.unknown_id(), [], [], False)]
    assert result["groups"][3]["reason"] == "Security Center does not know alert %d" % sas.unknown_id()
    assert not any("reason" in group for group in result["groups"][:3])
    assert all("same_file_content" in group["scenarios"] and group["task_id"] for group in result["groups"][:3])
    # One listing of every similar id; the asked alerts (a0, a1) are left out of alerts: the caller has them.
    assert listings == [[a1, a2, b1, a0]]
    assert [alert["id"] for alert in result["alerts"]] == [a2, b1] and result["total_count"] == 2
    assert {alert["status"] for alert in result["alerts"]} == {"pending"}
    assert result["scenario"] == "same_file_content"
    actions = sas.actions()
    creates = [i for i, action in enumerate(actions) if action == "CreateSimilarSecurityEventsQueryTask"]
    reads = [i for i, action in enumerate(actions) if action == "DescribeSimilarSecurityEvents"]
    assert len(creates) == 3 and len(reads) == 6 and max(creates) < reads[3]  # every task created, then read again


def test_a_group_lists_the_alerts_handled_meanwhile_as_not_pending(sas):
    (a0, a1, a2), (b0, b1) = md5_groups(sas)[:2]
    sas.on_request("DescribeSuspEvents", lambda params: sas.patch_alert(a2, status=32))  # after the tasks' reads
    request = similar.SimilarRequest("same_file_content", concurrency=1)
    fake = FakeTime()
    result = similar.read_similar_groups(sas.connection, [a0, b0], request, pytest.fail, fake.clock, fake.sleep)
    assert [(g["similar_ids"], g["not_pending_ids"]) for g in result["groups"]] == [([a1, a2], [a2]), ([b1], [])]
    assert [alert["id"] for alert in result["alerts"]] == [a1, b1]


def test_no_alert_makes_no_call(sas):
    result = similar.read_similar_groups(sas.connection, [], similar.SimilarRequest(), pytest.fail)
    assert result == {"scenario": "default", "groups": [], "alerts": [], "total_count": 0}
    assert sas.requests() == []
