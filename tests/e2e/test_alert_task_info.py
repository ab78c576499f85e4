"""sas_alert_task_info end to end: send with wait false, check back later."""

from __future__ import annotations

import time

from sas_data import Data, calls, handle, module_task


def task_info(register, ignore_errors=False, **options):
    return module_task("sas_alert_task_info", register, ignore_errors, **options)


def test_wait_false_returns_task_ids_and_task_info_reports_them(emulator, run_play):
    data = Data(seed=7, alerts=60)
    ids = [alert["id"] for alert in data.alerts(op="ignore")][:22]
    offline_kill = data.one(op="kill_and_quara", online=False, allowed=True)
    emulator.set_tasks_stuck(True)
    sent = run_play([handle("sent", alert_ids=ids, operation="ignore", wait=False),
                     handle("kill", alert_ids=[offline_kill], operation="kill_and_quara",
                            sub_operation="killByMd5andPath", wait=False)], emulator=emulator)
    assert sent.rc == 0, sent.stdout
    result = sent["sent"]
    assert result["changed"] is True and result["summary"]["submitted"] == 22
    assert {entry["status_after"] for entry in result["results"]} == {"processing"}
    assert len(result["task_ids"]) == 2 and calls(emulator, "DescribeSecurityEventOperationStatus") == []

    first_task = result["task_ids"][0]
    first_ids = [entry["id"] for entry in result["results"] if entry["task_id"] == first_task]
    busy = run_play([task_info("busy", task_id=first_task, alert_ids=first_ids)], emulator=emulator)
    assert busy["busy"]["finished"] is False and busy["busy"]["task_status"] == "Processing"

    emulator.set_tasks_stuck(False, release=True)
    time.sleep(0.3)
    kill_task = sent["kill"]["task_ids"][0]
    done = run_play([
        task_info("done", task_id=first_task, alert_ids=first_ids + [ids[-1]]),
        task_info("offline", task_id=kill_task, alert_ids=[offline_kill]),
    ], emulator=emulator, check=True)
    assert done.rc == 0, done.stdout
    report = done["done"]
    assert report["changed"] is False and report["finished"] is True and report["task_status"] == "Success"
    assert [alert["id"] for alert in report["alerts"]] == first_ids + [ids[-1]]
    assert {alert["status"] for alert in report["alerts"][:-1]} == {"Success"}
    assert {alert["error_code"] for alert in report["alerts"][:-1]} == {"ignore.Success"}
    assert report["alerts"][-1] == {"id": ids[-1], "in_task": False, "status": None, "final": False,
                                    "error_code": None, "hint": None}
    failed = done["offline"]
    assert failed["task_status"] == "Failure" and failed["finished"] is True
    assert failed["alerts"][0]["error_code"] == "kill_and_quara.AgentOffline"
    assert "offline" in failed["alerts"][0]["hint"]
    polls = calls(emulator, "DescribeSecurityEventOperationStatus")
    sizes = [len([key for key in poll["params"] if key.startswith("SecurityEventIds.")]) for poll in polls]
    assert sizes == [20, 20, 1, 1]
    assert polls[0]["params"]["TaskId"] == str(first_task)


def test_unknown_task_and_bad_input(emulator, run_play):
    # The bad input runs first and the log holds one call only, the unknown task's: the bad task_id
    # failed before any call. Every other bad input is checked in process (unit tests of
    # sas_alert_task_info.main()).
    play = run_play([
        task_info("bad_task", ignore_errors=True, task_id=0, alert_ids=[1]),
        task_info("unknown", ignore_errors=True, task_id=12345, alert_ids=[1]),
    ], emulator=emulator)
    assert play["bad_task"]["failed"] is True
    assert "task_id must be a task id (an integer from 1 to 2^63-1), got 0" in play["bad_task"]["msg"]
    assert play["unknown"]["error"]["code"] == "OperationTaskNotExists"
    assert "check task_id: the service knows no handling task with this id" in play["unknown"]["msg"]
    [call] = emulator.requests()
    assert call["action"] == "DescribeSecurityEventOperationStatus" and call["params"]["TaskId"] == "12345"


def test_an_empty_alert_ids_list_makes_no_call_and_is_finished(emulator, run_play):
    # The loop of the documented check-back idiom ends at once: there is nothing to wait for.
    waiting = dict(task_info("empty", task_id=12345, alert_ids=[]), until="empty.finished", retries=3, delay=5)
    for check in (False, True):
        started = time.monotonic()
        play = run_play([waiting], emulator=emulator, check=check)
        assert play.rc == 0, play.stdout
        assert time.monotonic() - started < 15, "the until loop retried"
        result = play["empty"]
        assert result["changed"] is False and result.get("attempts", 1) == 1, result
        assert {key: result[key] for key in ("task_id", "task_status", "finished", "alerts")} == {
            "task_id": 12345, "task_status": None, "finished": True, "alerts": []}
    assert emulator.requests() == []

    bare = run_play([task_info("empty", task_id=12345, alert_ids=[])])  # no endpoint, region or credentials
    assert bare.rc == 0, bare.stdout
    assert bare["empty"]["finished"] is True
