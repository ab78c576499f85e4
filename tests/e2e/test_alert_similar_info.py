"""sas_alert_similar_info end to end: real ansible-playbook, real SDK, the emulator's request log (issue 21)."""

from __future__ import annotations

from sas_data import ACCESS_KEY_ID, ACCESS_KEY_SECRET, QUOTA, calls, module_task

from sas_emulator import dataset
from sas_emulator.testing import start_emulator

SIMILAR_CALLS = ("DescribeSimilarEventScenarios", "CreateSimilarSecurityEventsQueryTask",
                 "DescribeSimilarSecurityEvents")


def md5_groups(data):
    """[(alert id, the other pending alerts of its name sharing its MD5)] of a data set, the largest group first."""
    groups = {}
    for alert in data["alerts"]:
        md5 = next((d["value"] for d in alert["details"] if d["key"] == "md5"), None)
        if alert["status"] == 1 and md5:
            groups.setdefault((alert["name_key"], md5), []).append(alert["id"])
    return [(first, others) for first, *others in sorted((sorted(group) for group in groups.values()), key=len,
                                                         reverse=True)]


def md5_group(data):
    return md5_groups(data)[0]


def similar_task(register="similar", ignore_errors=False, **options):
    return module_task("sas_alert_similar_info", register, ignore_errors, **options)


def test_lists_the_similar_pending_alerts_in_check_mode_and_handles_nothing(emulator, run_play):
    alert_id, others = md5_group(dataset.generate(seed=7, alerts=60))
    play = run_play([similar_task(alert_id=alert_id, scenario="same_file_content", poll_interval=0.2)],
                    emulator=emulator, check=True)
    assert play.rc == 0, play.stdout
    result = play["similar"]
    assert result["changed"] is False and result["complete"] is True
    assert [alert["id"] for alert in result["alerts"]] == others == result["similar_ids"]
    assert {alert["status"] for alert in result["alerts"]} == {"pending"}
    assert all(alert["alarm_event_type"] and alert["instance_name"] for alert in result["alerts"])
    assert "same_file_content" in result["scenarios"] and result["task_id"]
    actions = [entry["action"] for entry in emulator.requests()]
    assert actions[:4] == [*SIMILAR_CALLS, "DescribeSimilarSecurityEvents"]  # its first read empty, read again
    assert not {"HandleSimilarSecurityEvents", "HandleSecurityEvents"} & set(actions)
    assert {entry["status"] for entry in emulator.requests()} == {200}
    assert set(result["api_stats"]) >= set(SIMILAR_CALLS)


def test_several_alerts_in_one_run_their_lookups_side_by_side_their_alerts_read_once(emulator, run_play):
    (first, first_others), (second, second_others) = md5_groups(dataset.generate(seed=7, alerts=60))[:2]
    emulator.configure(similar_empty_reads=3)  # each task read 4 times, 1.75 s apart: time for the others to start
    play = run_play([similar_task(alert_ids=[first, second, 1], scenario="same_file_content")],
                    emulator=emulator, check=True)
    assert play.rc == 0, play.stdout
    result = play["similar"]
    assert "results" not in result and result["changed"] is False  # one module run, not a loop
    assert [(g["alert_id"], g["similar_ids"], g["not_pending_ids"], g["complete"]) for g in result["groups"]] == [
        (first, first_others, [], True), (second, second_others, [], True), (1, [], [], False)]
    assert result["groups"][2]["reason"] == "Security Center does not know alert 1"
    assert [alert["id"] for alert in result["alerts"]] == first_others + second_others
    assert all(alert["alarm_event_type"] and alert["instance_name"] for alert in result["alerts"])
    actions = [entry["action"] for entry in emulator.requests()]
    creates = [i for i, action in enumerate(actions) if action == "CreateSimilarSecurityEventsQueryTask"]
    reads = [i for i, action in enumerate(actions) if action == "DescribeSimilarSecurityEvents"]
    # One after the other, the first task's 4 reads would all come before the second task; side by side, no.
    assert len(creates) == 2 and len(reads) == 8 and max(creates) < reads[3]
    assert max(reads) < actions.index("DescribeSuspEvents")  # the pending alerts read after every group, together
    assert not calls(emulator, "HandleSimilarSecurityEvents")


def test_an_unknown_alert_fails_naming_it(emulator, run_play):
    play = run_play([similar_task(ignore_errors=True, alert_id=1)], emulator=emulator)
    assert play["similar"]["failed"] is True
    assert play["similar"]["msg"] == "Security Center does not know alert 1"


def test_a_members_similar_alerts_through_the_administrator(tmp_path, run_play):
    emulator = start_emulator(*QUOTA, "--alerts", "10", "--seed", "3", "--members", "1", "--member-alerts", "30",
                              "--access-key-id", ACCESS_KEY_ID, "--access-key-secret", ACCESS_KEY_SECRET,
                              request_log=tmp_path / "requests.jsonl")
    try:
        member = dataset.generate(seed=3, alerts=10, members=1, member_alerts=30)["members"][0]
        alert_id, others = md5_group(member)
        defaults = {"endpoint": emulator.url, "access_key": ACCESS_KEY_ID, "secret_key": ACCESS_KEY_SECRET,
                    "resource_directory_account_id": member["ali_uid"]}
        task = similar_task(ignore_errors=True, alert_id=alert_id, scenario="same_file_content", poll_interval=0.2)
        refused = run_play([task], defaults=defaults)["similar"]  # member_alert_by_id=refused, the default
        assert refused["failed"] is True and "takes no ResourceDirectoryAccountId" in refused["msg"]
        emulator.configure(member_alert_by_id="found")
        found = run_play([task], defaults=defaults)["similar"]
        assert [alert["id"] for alert in found["alerts"]] == others
        assert {alert["source_ali_uid"] for alert in found["alerts"]} == {member["ali_uid"]}
    finally:
        emulator.stop()
