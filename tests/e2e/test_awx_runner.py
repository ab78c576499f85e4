"""The AWX path: ansible-runner runs the play with credentials injected as environment variables,
the way an AWX custom credential type injects them; nothing secret may reach the job's artifacts."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import yaml
from conftest import REPO, base_env
from sas_data import ACCESS_KEY_ID, ACCESS_KEY_SECRET, sent_ids, writes

SECURITY_TOKEN_UNUSED = ""  # AWX injects every field of the credential type, empty ones as ""

PLAY = [{
    "name": "triage check", "hosts": "localhost", "gather_facts": False, "connection": "local",
    "tasks": [
        {"name": "pending alerts", "alibabacloud.sas.sas_alert_info": {"levels": ["serious"]}, "register": "pending"},
        {"name": "what they allow", "alibabacloud.sas.sas_alert_operations_info": {
            "alert_ids": "{{ pending.alerts | map(attribute='id') | list }}"}, "register": "operations"},
        {"name": "report", "ansible.builtin.debug": {
            "msg": "{{ pending.total_count }} serious, {{ operations.alerts | length }} looked up"}},
    ],
}]


def test_ansible_runner_job_with_injected_credentials(tmp_path, emulator, collections_path):
    job = tmp_path / "job"
    (job / "project").mkdir(parents=True)
    (job / "env").mkdir()
    (job / "inventory").mkdir()
    (job / "project" / "triage.yml").write_text(yaml.safe_dump(PLAY, sort_keys=False))
    # As AWX's own localhost inventory host: a local connection with the playbook's interpreter.
    (job / "inventory" / "hosts").write_text(
        'localhost ansible_connection=local ansible_python_interpreter="{{ ansible_playbook_python }}"\n')
    (job / "env" / "envvars").write_text(yaml.safe_dump({
        "ALIBABA_CLOUD_ACCESS_KEY_ID": ACCESS_KEY_ID,
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": ACCESS_KEY_SECRET,
        "ALIBABA_CLOUD_SECURITY_TOKEN": SECURITY_TOKEN_UNUSED,
        "ALIBABA_CLOUD_PROFILE": "",
        "ALIBABA_CLOUD_SAS_ENDPOINT": emulator.url,
        "ANSIBLE_COLLECTIONS_PATH": str(collections_path),
    }))
    env = base_env(tmp_path / "home", collections_path)
    (tmp_path / "home").mkdir(exist_ok=True)
    process = subprocess.run(["ansible-runner", "run", str(job), "-p", "triage.yml", "--ident", "job1"],
                             env=env, capture_output=True, text=True, timeout=300, check=False)
    artifacts = job / "artifacts" / "job1"
    assert (artifacts / "rc").read_text().strip() == "0", process.stdout + process.stderr
    assert (artifacts / "status").read_text().strip() == "successful"

    events = [json.loads(path.read_text()) for path in sorted((artifacts / "job_events").glob("*.json"))]
    results = {event["event_data"].get("task"): event["event_data"]["res"] for event in events
               if event.get("event") == "runner_on_ok"}
    pending = results["pending alerts"]
    assert pending["alerts"] and {alert["level"] for alert in pending["alerts"]} == {"serious"}
    assert [alert["id"] for alert in results["what they allow"]["alerts"]] == [
        alert["id"] for alert in pending["alerts"]]
    actions = {entry["action"] for entry in emulator.requests()}
    assert actions == {"DescribeSuspEvents", "DescribeSecurityEventOperations"}

    # What AWX keeps of a job: stdout and the job events. The secret is in neither.
    kept = [artifacts / "stdout", *sorted((artifacts / "job_events").glob("*.json"))]
    for path in kept:
        assert ACCESS_KEY_SECRET not in path.read_text(), path.name
    assert os.path.exists(artifacts / "stdout")


def injected_env(credential: dict) -> dict:
    """The environment AWX's credential type (extensions/awx/credential_type.yml) injects for these inputs."""
    definition = yaml.safe_load((REPO / "extensions" / "awx" / "credential_type.yml").read_text())
    env = {}
    for name, template in definition["injectors"]["env"].items():
        field = template.strip().strip("{}").strip()
        env[name] = credential.get(field, "")  # AWX renders an empty field as ""
    return env


def test_triage_job_template_in_ansible_runner(tmp_path, emulator, collections_path):
    """The triage as an AWX job: a project playbook importing the collection's, credentials injected by
    the credential type, extra vars from the job template; the summary reaches the job's artifacts."""
    job = tmp_path / "job"
    for folder in ("project", "env", "inventory"):
        (job / folder).mkdir(parents=True)
    (job / "project" / "triage.yml").write_text(yaml.safe_dump(
        [{"name": "Triage", "ansible.builtin.import_playbook": "alibabacloud.sas.triage"}], sort_keys=False))
    (job / "inventory" / "hosts").write_text(
        'localhost ansible_connection=local ansible_python_interpreter="{{ ansible_playbook_python }}"\n')
    reports = tmp_path / "reports"
    (job / "env" / "extravars").write_text(yaml.safe_dump({
        "sas_triage_confirm": False,
        "sas_triage_report_dir": str(reports),
        "sas_triage_poll_interval": 0.3,
        "sas_triage_rules": [{"name": "ignore-reminders", "match": {"level": "remind"}, "action": "ignore"}],
    }))
    env = injected_env({"access_key_id": ACCESS_KEY_ID, "access_key_secret": ACCESS_KEY_SECRET})
    env.update({"ALIBABA_CLOUD_SAS_ENDPOINT": emulator.url, "ANSIBLE_COLLECTIONS_PATH": str(collections_path)})
    (job / "env" / "envvars").write_text(yaml.safe_dump(env))
    (tmp_path / "home").mkdir(exist_ok=True)
    process = subprocess.run(["ansible-runner", "run", str(job), "-p", "triage.yml", "--ident", "triage1"],
                             env=base_env(tmp_path / "home", collections_path), capture_output=True, text=True,
                             timeout=600, check=False)
    artifacts = job / "artifacts" / "triage1"
    assert (artifacts / "status").read_text().strip() == "successful", process.stdout + process.stderr

    events = [json.loads(path.read_text()) for path in sorted((artifacts / "job_events").glob("*.json"))]
    stats = [event for event in events if event.get("event") == "playbook_on_stats"]
    published = stats[-1]["event_data"]["artifact_data"]["sas_triage"]["localhost"]
    report = json.loads(Path(published["report_json"]).read_text())
    assert published["by_outcome"] == report["summary"]["by_outcome"]
    assert published["by_outcome"]["handled"] > 0 and published["needs_attention"] == 0
    assert Path(published["report_markdown"]).exists()
    handled = {alert["id"] for alert in report["alerts"] if alert["outcome"] == "handled"}
    assert handled == {alert_id for entry in writes(emulator) for alert_id in sent_ids(entry)}

    # What AWX keeps (stdout, the events with their artifact data) and what the triage wrote hold no
    # secret. (ansible-runner's own `command` file records the env it was given, as its input.)
    kept = [path for path in artifacts.rglob("*") if path.is_file() and path.name != "command"]
    kept += list(reports.rglob("*.*"))
    assert len(kept) > 5
    for path in kept:
        assert ACCESS_KEY_SECRET not in path.read_text(errors="replace"), path
