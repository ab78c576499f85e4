"""Secrets at -vvvv: runs that know an AccessKey secret and an STS token, with failures on purpose (a wrong
secret, a wrong token, an unreachable endpoint, throttling that passes and throttling that does not, refused
writes), through three paths: a plain ansible-playbook play, the triage playbook, and an ansible-runner job laid
out as AWX lays it out. No output of theirs, nor the emulator's request log or stderr, may hold a secret value
or a signed request; positive controls show the same scanner finds both where they are on purpose."""

from __future__ import annotations

import json
import re
import socket
import subprocess
from pathlib import Path
from typing import NamedTuple

import pytest
import yaml
from conftest import base_env
from sas_data import ACCESS_KEY_ID, QUOTA, Data, handle, module_task
from test_awx_runner import injected_env
from triage_run import Triage, TriageRunner

from sas_emulator.testing import start_emulator

SECRET = "Rel-Secret-9f8e7d6c5b4a"
TOKEN = "Rel-STS-Token-1a2b3c4d5e6f7a8b"
WRONG_SECRET = "Rel-Wrong-Secret-3c2b1a0f9e8d"
WRONG_TOKEN = "Rel-Wrong-STS-Token-7f6e5d4c3b2a"
SECRET_VALUES = {"secret": SECRET, "token": TOKEN, "wrong secret": WRONG_SECRET, "wrong token": WRONG_TOKEN}

# What a dumped signed request holds: the SDK (alibabacloud_tea_openapi Utils.get_authorization) sends
# "Authorization: ACS3-HMAC-SHA256 Credential=<id>,SignedHeaders=<names>,Signature=<64 hex>" and the x-acs-*
# headers it signs, the STS token among them. The bare "ACS3-HMAC-SHA256" is no marker: the service's
# SignatureDoesNotMatch message shows its string to sign, which starts with it and holds no secret.
SIGNED_REQUEST_MARKERS = {
    "ACS3 Authorization value": re.compile(r"ACS3-HMAC-SHA256 Credential="),
    "SignedHeaders=": re.compile(r"SignedHeaders="),
    "Signature= value": re.compile(r"Signature=[^,&\s\"']{8,}"),  # the ACS3 hex one and a legacy RPC one
    "Authorization header": re.compile(r"(?i)[\"']?authorization[\"']?\s*[:=]\s*[\"']?(?:ACS3-|acs\s)"),
    "x-acs-security-token header": re.compile(r"(?i)x-acs-security-token"),
    "x-acs-signature-nonce header": re.compile(r"(?i)x-acs-signature-nonce"),
}

TRIAGE_POLICY = [
    {"name": "ignore-reminders", "match": {"level": "remind"}, "action": "ignore"},
    {"name": "block-unusual-logons", "match": {"alarm_event_type": "Unusual logon", "level": ["serious", "suspicious"]},
     "action": "block_ip", "params": {"block_duration": "1d"}},
]
# The vars every module play reads its deliberate credentials from (-e @file, env/extravars under AWX).
SECRET_VARS = {"sas_access_key": ACCESS_KEY_ID, "sas_secret_key": SECRET, "sas_security_token": TOKEN,
               "sas_wrong_secret": WRONG_SECRET, "sas_wrong_token": WRONG_TOKEN}
HANDLE_ATTEMPTS = 3  # sas_alert_handle sends a write at most 3 times (handling.MAX_SEND_ROUNDS)


class Output(NamedTuple):
    name: str
    text: str
    may_be_empty: bool = False  # a stderr stream; everything else must hold text, or the scan proves nothing


def findings(text: str) -> list[str]:
    """What text leaks: the names of the secret values and signed-request markers found in it."""
    found = [name for name, value in SECRET_VALUES.items() if value in text]
    return found + [name for name, marker in SIGNED_REQUEST_MARKERS.items() if marker.search(text)]


def file_output(path: Path, name: str | None = None) -> Output:
    return Output(name or str(path), path.read_text(encoding="utf-8", errors="replace"))


def closed_port_url() -> str:
    """An endpoint nobody listens on: a port the kernel just handed out and that is closed again."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return "http://127.0.0.1:%d" % probe.getsockname()[1]


def named(name: str, task: dict) -> dict:
    return {"name": name, **task}


def arm(emulator_url: str, action: str, fault: str, times: int, **extra) -> dict:
    """A play task: the emulator's next `times` calls of action fail as fault (its unsigned control plane)."""
    rule = {"action": action, "fault": fault, "times": times, **extra}
    return {"name": "arm %d %s on %s" % (times, fault, action),
            "ansible.builtin.uri": {"url": emulator_url + "/_emulator/faults", "method": "POST", "body_format": "json",
                                    "body": {"rules": [rule]}, "use_proxy": False}}


def disarm(emulator_url: str) -> dict:
    return {"name": "clear the faults left", "ansible.builtin.uri": {
        "url": emulator_url + "/_emulator/faults", "method": "DELETE", "use_proxy": False}}


def failures_on_purpose(emulator_url: str, alert_id: int, audit_log: Path, write_fault: str,
                        write_fault_times: int) -> list[dict]:
    """The tasks every module play runs: throttled calls that pass, then each failure (ignored) in turn."""
    return [
        arm(emulator_url, "DescribeSuspEvents", "throttle", 2, retry_after_ms=100),
        named("throttled, then listed", module_task("sas_alert_info", "listed", levels=["serious"])),
        # The right token, so the refusal is the secret's (SignatureDoesNotMatch).
        named("wrong secret", module_task(
            "sas_alert_info", "wrong_secret", True, access_key="{{ sas_access_key }}",
            secret_key="{{ sas_wrong_secret }}", security_token="{{ sas_security_token }}")),
        named("unreachable endpoint", module_task("sas_alert_info", "unreachable", True, endpoint=closed_port_url())),
        arm(emulator_url, "HandleSecurityEvents", write_fault, write_fault_times),
        named("refused write", handle("refused_write", True, alert_ids=[alert_id], operation="ignore",
                                      audit_log=str(audit_log))),
        disarm(emulator_url),
    ]


def module_plays(emulator_url: str, alert_id: int, work: Path) -> list[dict]:
    """Play 1: credentials through module_defaults of the action group. Play 2: none in the play at all, so
    the modules read ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET/SECURITY_TOKEN (and the endpoint) from the environment."""
    local = {"hosts": "localhost", "gather_facts": False, "connection": "local"}
    through_defaults = {
        "name": "credentials through module_defaults", **local,
        "module_defaults": {"group/alibabacloud.sas.sas": {
            "endpoint": emulator_url, "access_key": "{{ sas_access_key }}", "secret_key": "{{ sas_secret_key }}",
            "security_token": "{{ sas_security_token }}"}},
        "tasks": failures_on_purpose(emulator_url, alert_id, work / "audit-defaults.jsonl", "no_permission", 1) + [
            # The emulator checks the token it is given: a wrong one is refused, so the right one was sent.
            named("wrong token", module_task("sas_alert_info", "wrong_token", True,
                                             security_token="{{ sas_wrong_token }}")),
            # More throttles than the module tries: it gives up and says so.
            arm(emulator_url, "DescribeSecurityEventOperations", "throttle", 50),
            named("throttled until retries run out", module_task(
                "sas_alert_operations_info", "exhausted", True, alert_ids=[alert_id])),
            disarm(emulator_url),
        ],
    }
    through_environment = {
        "name": "credentials through the environment", **local,
        "tasks": failures_on_purpose(emulator_url, alert_id, work / "audit-environment.jsonl", "internal_error",
                                     HANDLE_ATTEMPTS),
    }
    return [through_defaults, through_environment]


def credential_env(emulator) -> dict:
    """The credentials as the environment carries them (AWX's credential type injects these names)."""
    env = injected_env({"access_key_id": ACCESS_KEY_ID, "access_key_secret": SECRET, "security_token": TOKEN})
    assert set(env) == {"ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
                        "ALIBABA_CLOUD_SECURITY_TOKEN"}
    return {**env, "ALIBABA_CLOUD_SAS_ENDPOINT": emulator.url}


class PlayRun(NamedTuple):
    process: subprocess.CompletedProcess
    audit_logs: list[Path]
    secrets_file: Path


def run_plain_playbook(work: Path, env: dict, emulator, alert_id: int) -> PlayRun:
    work.mkdir()
    secrets_file = work / "secrets.yml"
    secrets_file.write_text(yaml.safe_dump(SECRET_VARS))
    playbook = work / "play.yml"
    playbook.write_text(yaml.safe_dump(module_plays(emulator.url, alert_id, work), sort_keys=False))
    process = subprocess.run(["ansible-playbook", str(playbook), "-e", "@%s" % secrets_file, "-vvvv"],
                             env={**env, **credential_env(emulator)}, capture_output=True, text=True,
                             timeout=300, check=False)
    return PlayRun(process, sorted(work.glob("audit-*.jsonl")), secrets_file)


class AwxJob(NamedTuple):
    process: subprocess.CompletedProcess
    artifacts: Path
    extravars: Path
    audit_log: Path


def run_awx_job(work: Path, env: dict, emulator, alert_id: int, collections: Path) -> AwxJob:
    """As AWX runs a job: a private data dir, the credential injected in env/envvars, the vars in
    env/extravars, ansible-runner at verbosity 4."""
    job = work / "job"
    for folder in ("project", "env", "inventory"):
        (job / folder).mkdir(parents=True)
    play = module_plays(emulator.url, alert_id, work)[1]  # the environment play: AWX injects env vars
    (job / "project" / "play.yml").write_text(yaml.safe_dump([play], sort_keys=False))
    (job / "inventory" / "hosts").write_text(
        'localhost ansible_connection=local ansible_python_interpreter="{{ ansible_playbook_python }}"\n')
    (job / "env" / "envvars").write_text(yaml.safe_dump(
        {**credential_env(emulator), "ANSIBLE_COLLECTIONS_PATH": str(collections)}))
    (job / "env" / "extravars").write_text(yaml.safe_dump(SECRET_VARS))
    process = subprocess.run(["ansible-runner", "run", str(job), "-p", "play.yml", "--ident", "secrets", "-vvvv"],
                             env=env, capture_output=True, text=True, timeout=300, check=False)
    return AwxJob(process, job / "artifacts" / "secrets", job / "env" / "extravars", work / "audit-environment.jsonl")


class Runs(NamedTuple):
    outputs: list[Output]       # everything that must hold no secret
    controls: list[tuple[Output, set]]  # files that hold secrets on purpose, and what the scan must find there
    plain: PlayRun
    awx: AwxJob
    triage: Triage
    requests: dict              # path -> the emulator's request-log entries during it


@pytest.fixture(scope="module")
def runs(tmp_path_factory, collections_path) -> Runs:
    work = tmp_path_factory.mktemp("secrets")
    (work / "home").mkdir()
    env = base_env(work / "home", collections_path)
    alert_id = Data().one(op="ignore", allowed=True)
    # --verbose: the emulator logs every request on stderr, one more output to scan.
    emulator = start_emulator(*QUOTA, "--alerts", "60", "--seed", "7", "--task-delay-ms", "200",
                              "--access-key-id", ACCESS_KEY_ID, "--access-key-secret", SECRET,
                              "--security-token", TOKEN, "--verbose", request_log=work / "requests.jsonl")
    requests: dict = {}
    try:
        since = 0
        plain = run_plain_playbook(work / "play", env, emulator, alert_id)
        requests["play"], since = emulator.requests()[since:], len(emulator.requests())
        awx = run_awx_job(work / "awx", env, emulator, alert_id, collections_path)
        requests["awx"], since = emulator.requests()[since:], len(emulator.requests())
        emulator.set_faults([{"action": "DescribeSuspEvents", "fault": "throttle", "times": 2},
                             {"action": "HandleSecurityEvents", "fault": "no_permission", "times": 1}])
        (work / "triage").mkdir()
        runner = TriageRunner(work / "triage", env, TRIAGE_POLICY)
        triage = runner(verbosity=4, extra={"sas_connection": {
            "endpoint": emulator.url, "access_key": ACCESS_KEY_ID, "secret_key": SECRET, "security_token": TOKEN}})
        requests["triage"] = emulator.requests()[since:]
        emulator_stderr = emulator.stderr()  # stop() removes the file
    finally:
        emulator.stop()

    artifacts = sorted(path for path in awx.artifacts.rglob("*") if path.is_file())
    # ansible-runner's `command` file records the environment it was given (the injected credential among
    # it) as its input: it is a control here, not an output.
    runner_input = awx.artifacts / "command"
    outputs = [
        Output("ansible-playbook stdout", plain.process.stdout),
        Output("ansible-playbook stderr", plain.process.stderr, may_be_empty=True),
        *[file_output(path) for path in plain.audit_logs],
        Output("triage stdout+stderr", triage.output),
        *[file_output(path) for path in triage.reports(".json") + triage.reports(".md")],
        file_output(triage.audit_log),
        Output("ansible-runner stdout", awx.process.stdout),
        Output("ansible-runner stderr", awx.process.stderr, may_be_empty=True),
        file_output(awx.audit_log),
        *[file_output(path)._replace(may_be_empty=path.name == "stderr") for path in artifacts if path != runner_input],
        file_output(work / "requests.jsonl", "emulator request log"),
        Output("emulator stderr", emulator_stderr),
    ]
    controls = [
        (file_output(plain.secrets_file), set(SECRET_VALUES)),
        (file_output(awx.extravars), set(SECRET_VALUES)),
        (file_output(work / "triage" / ("vars-%d.json" % runner.runs)), {"secret", "token"}),
        (file_output(runner_input), {"secret", "token"}),
    ]
    return Runs(outputs, controls, plain, awx, triage, requests)


def recap(stdout: str) -> dict:
    """The PLAY RECAP counts of localhost."""
    line = re.search(r"^localhost\s+:(.*)$", stdout, re.MULTILINE)
    assert line, stdout[-3000:]
    return {name: int(count) for name, count in re.findall(r"(\w+)=(\d+)", line.group(1))}


def faults_met(entries: list[dict], action: str, fault: str) -> int:
    return sum(1 for entry in entries if entry["action"] == action and entry["fault"] == fault)


def audit_error_codes(path: Path) -> list:
    return [json.loads(line).get("error_code") for line in path.read_text().splitlines()
            if json.loads(line)["event"] == "handle_response"]


def task_sections(stdout: str, name: str) -> list[str]:
    """The -vvvv output of each run of the task called name (its header up to the next header)."""
    parts = re.split(r"^(?=TASK \[|PLAY \[|PLAY RECAP)", stdout, flags=re.MULTILINE)
    return [part for part in parts if part.startswith("TASK [%s]" % name)]


def test_each_failure_happened_on_purpose(runs):
    # Without these the clean outputs below would prove little: every path ran verbose (connection and EXEC
    # lines show from -vvv on) and met every failure it was given.
    plain = runs.plain.process.stdout
    for output in (plain, runs.triage.output, (runs.awx.artifacts / "stdout").read_text()):
        assert "ESTABLISH LOCAL CONNECTION FOR USER" in output and "Using module file" in output
    counts = recap(plain)
    assert counts["failed"] == 0 and counts["ignored"] == 5 + 3, plain[-3000:]
    expected = {"wrong secret": ["SignatureDoesNotMatch", "check secret_key"],
                "wrong token": ["InvalidSecurityToken.MismatchWithAccessKey"],
                "unreachable endpoint": ["could not reach the SAS endpoint"],
                "throttled until retries run out": ["Throttling.User"],
                "refused write": ["HandleSecurityEvents failed"],
                "throttled, then listed": ["ok: [localhost]"]}
    for task, texts in expected.items():
        sections = task_sections(plain, task)
        assert sections, task
        for section in sections:
            for text in texts:
                assert text in section, (task, text, section[-2000:])
    play = runs.requests["play"]
    assert faults_met(play, "DescribeSuspEvents", "throttle") == 2 + 2
    assert faults_met(play, "DescribeSecurityEventOperations", "throttle") > 1  # retried before giving up
    assert faults_met(play, "HandleSecurityEvents", "internal_error") == HANDLE_ATTEMPTS
    defaults_audit, environment_audit = runs.plain.audit_logs
    assert audit_error_codes(defaults_audit) == ["NoPermission"]
    assert audit_error_codes(environment_audit) == ["InternalError"] * HANDLE_ATTEMPTS

    awx = runs.awx
    assert (awx.artifacts / "status").read_text().strip() == "successful", awx.process.stdout[-3000:]
    events = [json.loads(path.read_text()) for path in sorted((awx.artifacts / "job_events").glob("*.json"))]
    ignored = {event["event_data"]["task"]: event["event_data"]["res"]["msg"] for event in events
               if event.get("event") == "runner_on_failed" and event["event_data"].get("ignore_errors")}
    assert set(ignored) == {"wrong secret", "unreachable endpoint", "refused write"}, ignored
    assert "SignatureDoesNotMatch" in ignored["wrong secret"]
    assert faults_met(runs.requests["awx"], "DescribeSuspEvents", "throttle") == 2
    assert faults_met(runs.requests["awx"], "HandleSecurityEvents", "internal_error") == HANDLE_ATTEMPTS
    assert audit_error_codes(awx.audit_log) == ["InternalError"] * HANDLE_ATTEMPTS

    triage = runs.triage
    summary = triage.report()["summary"]
    assert summary["by_outcome"].get("handled", 0) > 0 and summary["needs_attention"] > 0, summary
    assert triage.rc != 0
    assert "NoPermission" in audit_error_codes(triage.audit_log)
    assert faults_met(runs.requests["triage"], "DescribeSuspEvents", "throttle") == 2


def test_no_secret_and_no_signed_request_in_any_output(runs, figures):
    empty = [output.name for output in runs.outputs if not output.text.strip() and not output.may_be_empty]
    assert not empty, "outputs that should hold text are empty, so scanning them proves nothing: %s" % empty
    leaks = {output.name: found for output in runs.outputs if (found := findings(output.text))}
    figures("secrets at -vvvv", outputs_scanned=len(runs.outputs),
            bytes_scanned=sum(len(output.text.encode()) for output in runs.outputs),
            leaks=sum(len(found) for found in leaks.values()))
    assert not leaks, leaks


def test_the_scan_finds_secrets_and_signed_requests_where_they_are(runs):
    # The same scanner, pointed at the files that hold the credentials on purpose.
    for control, expected in runs.controls:
        assert expected <= set(findings(control.text)), (control.name, findings(control.text))
    # And at a signed request as the SDK builds it, as a leak would print it: every marker matches, and the
    # token travels in it (the secret does not: it only keys the signature).
    assert set(findings(str(sdk_signed_request_headers()))) == {"token", *SIGNED_REQUEST_MARKERS}


def sdk_signed_request_headers() -> dict:
    """The headers of a request the real SDK signed with the secret and the token (sent nowhere: the port
    is closed), taken from the exception the SDK raises with its last request."""
    from alibabacloud_sas20181203 import models
    from alibabacloud_sas20181203.client import Client
    from alibabacloud_tea_openapi.models import Config
    from darabonba.runtime import RuntimeOptions

    endpoint = closed_port_url().split("://", 1)[1]
    client = Client(Config(access_key_id=ACCESS_KEY_ID, access_key_secret=SECRET, security_token=TOKEN,
                           endpoint=endpoint, protocol="http"))
    with pytest.raises(Exception) as raised:
        client.describe_susp_events_with_options(models.DescribeSuspEventsRequest(), RuntimeOptions())
    return raised.value.last_request.headers
