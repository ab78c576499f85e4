"""Request log, CLI, data sets (determinism, demo file, dump/load) and connection handling."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from alibabacloud_sas20181203 import models as sas_models
from alibabacloud_tea_openapi.exceptions import ClientException
from sas_emu_helpers import REPO_ROOT, find_pending, handle, list_alerts, make_client, run_cli

from sas_emulator import catalog
from sas_emulator.dataset import DEMO_DATASET, generate, load_dataset

LOG_KEYS = {"ts", "action", "params", "status", "error_code", "request_id", "task_id", "fault"}


def test_request_log_lines(fresh_emulator) -> None:
    client = make_client(fresh_emulator, security_token="STS.secret-token")
    before = len(fresh_emulator.requests())
    alert = find_pending(client)[0]
    task_id = handle(client, "ignore", [alert["Id"]], remark="from the log test")
    with pytest.raises(ClientException):
        client.describe_security_event_operations(sas_models.DescribeSecurityEventOperationsRequest(
            security_event_id=1))
    lines = fresh_emulator.requests()[before:]
    assert all(set(line) == LOG_KEYS for line in lines)
    listing, handling, failing = lines[0], lines[-2], lines[-1]
    assert listing["action"] == "DescribeSuspEvents" and listing["params"]["Dealed"] == "N"
    assert handling["params"] == {"OperationCode": "ignore", "OperationParams": "{}", "Remark": "from the log test",
                                  "SecurityEventIds.1": str(alert["Id"])}
    assert (handling["status"], handling["error_code"], handling["task_id"]) == (200, None, task_id)
    assert (failing["status"], failing["error_code"], failing["task_id"]) == (400, "SecurityEventNotExists", None)
    assert all(isinstance(line["ts"], float) and line["request_id"].isupper() for line in lines)
    text = Path(fresh_emulator.request_log_path).read_text()
    for secret in ("testSecret", "STS.secret-token", "ACS3-HMAC-SHA256", "Authorization"):
        assert secret not in text


def test_stats_count_calls_per_action(fresh_emulator) -> None:
    client = make_client(fresh_emulator)
    list_alerts(client)
    with pytest.raises(ClientException):
        make_client(fresh_emulator, access_key_secret="wrong").describe_susp_events(
            sas_models.DescribeSuspEventsRequest())
    stats = fresh_emulator.stats()
    assert stats["calls"]["DescribeSuspEvents"] == 2
    assert stats["errors"]["DescribeSuspEvents"] == {"SignatureDoesNotMatch": 1}


def test_same_seed_same_data() -> None:
    assert generate(seed=11, alerts=40) == generate(seed=11, alerts=40)
    assert generate(seed=11, alerts=40) != generate(seed=12, alerts=40)


def test_dump_dataset_is_deterministic(tmp_path: Path) -> None:
    first, second, other = tmp_path / "a.json", tmp_path / "b.json", tmp_path / "c.json"
    for path, seed in ((first, "5"), (second, "5"), (other, "6")):
        result = run_cli("--alerts", "30", "--seed", seed, "--dump-dataset", str(path))
        assert result.returncode == 0 and result.stdout == ""
    assert first.read_bytes() == second.read_bytes() != other.read_bytes()
    assert len(json.loads(first.read_text())["alerts"]) == 30


def test_two_emulators_with_one_seed_answer_the_same(sas_emulator) -> None:
    answers = []
    for dummy in range(2):
        emu = sas_emulator("--alerts", "25", "--seed", "9")
        alerts = list_alerts(make_client(emu), lang="en", status="0")
        answers.append([(a["Id"], a["AlarmEventName"], a["Level"], a.get("Uuid"), a["EventStatus"],
                         [d["Value"] for d in a["Details"]]) for a in alerts])
    assert answers[0] == answers[1] and len(answers[0]) == 25


def test_demo_dataset_loads_with_every_type(sas_emulator) -> None:
    data = load_dataset(DEMO_DATASET)
    assert 35 <= len(data["alerts"]) <= 45
    emu = sas_emulator("--dataset", str(DEMO_DATASET))
    alerts = list_alerts(make_client(emu), lang="en", status="0")
    assert len(alerts) == len(data["alerts"])
    assert {a["AlarmEventType"] for a in alerts} == {t.en for t in catalog.ALERT_TYPES.values()}
    assert {a["EventStatus"] for a in alerts} >= {1, 2, 8, 32, 64}
    assert {a["Level"] for a in alerts} == {"serious", "suspicious", "remind"}
    internal = json.dumps(alerts)
    for leak in ("agent_online", "process_alive", "restricted_ops"):
        assert leak not in internal


def test_edited_dataset_is_served(tmp_path: Path, sas_emulator) -> None:
    data = generate(seed=4, alerts=8)
    data["alerts"][0]["level"] = "remind"
    data["alerts"][0]["details"] = [{"key": "login_user", "value": "edited-by-hand"}]
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(data))
    emu = sas_emulator("--dataset", str(path))
    [alert] = list_alerts(make_client(emu), id=data["alerts"][0]["id"])
    assert alert["Level"] == "remind" and alert["Details"][0]["Value"] == "edited-by-hand"


def test_bad_cli_combinations(tmp_path: Path) -> None:
    result = run_cli("--dataset", str(DEMO_DATASET), "--alerts", "3", "--dump-dataset", str(tmp_path / "x"))
    assert result.returncode == 2 and "--dataset cannot be combined" in result.stderr
    (tmp_path / "bad.json").write_text('{"format": "something else"}')
    result = run_cli("--dataset", str(tmp_path / "bad.json"))
    assert result.returncode == 2 and "not a dataset file" in result.stderr


def test_ready_line_and_clean_sigterm() -> None:
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env["PYTHONPATH"] = str(REPO_ROOT)
    process = subprocess.Popen([sys.executable, "-m", "sas_emulator", "--port", "0", "--alerts", "2"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = process.stdout.readline()
        assert line.startswith("SAS emulator listening on http://127.0.0.1:") and line.endswith("\n")
        port = int(line.rsplit(":", 1)[1])
        assert 0 < port < 65536
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
        assert process.stdout.read() == ""  # exactly one line
    finally:
        process.kill()
        process.wait()


def test_latency_is_added(sas_emulator) -> None:
    emu = sas_emulator("--alerts", "2", "--latency-ms", "300")
    client = make_client(emu)
    started = time.monotonic()
    client.describe_susp_events(sas_models.DescribeSuspEventsRequest())
    assert time.monotonic() - started >= 0.3


def test_keep_alive_and_threads(fresh_emulator) -> None:
    clients = [make_client(fresh_emulator) for dummy in range(2)]

    def call(i: int) -> int:
        return clients[i % 2].describe_susp_events(sas_models.DescribeSuspEventsRequest(page_size="5")).body.count

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(call, range(40))) == [5] * 40
