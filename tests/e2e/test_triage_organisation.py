"""The triage across an organisation (issue 20), end to end: with one administrator's keys in the environment,
`ansible-playbook -i org.sas_accounts.yml alibabacloud.sas.triage -e sas_triage_hosts=sas_accounts` triages every
member account and the administrator's own, each write carrying its member's ResourceDirectoryAccountId and only
that member's alerts, a report per account named with its account id, and one summary across the accounts; an
account whose run fails is named in the summary and does not stop the others."""

from __future__ import annotations

import json
import subprocess

import pytest
import yaml
from conftest import base_env
from sas_data import ACCESS_KEY_ID, ACCESS_KEY_SECRET, QUOTA, sent_ids

from sas_emulator.testing import start_emulator

MEMBERS, MEMBER_ALERTS = 3, 6
RULES = [{"name": "ignore-everything", "match": {"level": ["serious", "suspicious", "remind"]}, "action": "ignore"}]


@pytest.fixture
def organisation(tmp_path):
    handle = start_emulator(*QUOTA, "--alerts", "8", "--seed", "11", "--task-delay-ms", "100",
                            "--members", str(MEMBERS), "--member-alerts", str(MEMBER_ALERTS),
                            "--access-key-id", ACCESS_KEY_ID, "--access-key-secret", ACCESS_KEY_SECRET,
                            request_log=tmp_path / "requests.jsonl")
    handle.configure(member_alert_by_id="found")
    yield handle
    handle.stop()


def triage(tmp_path, collections_path, organisation, *inventories, check=False):
    """One triage run over the inventories; (process, report dir)."""
    home, reports = tmp_path / "home", tmp_path / "reports"
    home.mkdir(exist_ok=True)
    env = dict(base_env(home, collections_path), ALIBABA_CLOUD_ACCESS_KEY_ID=ACCESS_KEY_ID,
               ALIBABA_CLOUD_ACCESS_KEY_SECRET=ACCESS_KEY_SECRET, ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED="true")
    org = tmp_path / "org.sas_accounts.yml"
    org.write_text(yaml.safe_dump({"plugin": "alibabacloud.sas.sas_accounts", "endpoint": organisation.url}))
    variables = tmp_path / "vars.json"
    variables.write_text(json.dumps({"sas_triage_rules": RULES, "sas_triage_confirm": False,
                                     "sas_triage_report_dir": str(reports), "sas_triage_poll_interval": 0.3,
                                     "sas_triage_hosts": "sas_accounts", "sas_triage_check_other_site": False}))
    command = ["ansible-playbook", "-i", str(org), "alibabacloud.sas.triage", "-e", "@%s" % variables]
    for inventory in inventories:
        command[1:1] = ["-i", str(inventory)]
    if check:
        command.append("--check")
    process = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900, check=False)
    return process, reports


def accounts_of(organisation, writes):
    """The accounts (the control plane's view) of the alerts the writes carried."""
    return {organisation.alert(alert_id)["account"] for write in writes for alert_id in sent_ids(write)}


def test_every_account_of_the_organisation_is_triaged_with_one_summary(tmp_path, collections_path, organisation):
    accounts = organisation.accounts()
    process, reports = triage(tmp_path, collections_path, organisation)
    output = process.stdout + process.stderr
    assert process.returncode == 0, output

    # A report per account, named with its account id.
    hosts = ["sas_%s" % account for account in [accounts["administrator"], *accounts["members"]]]
    for host in hosts:
        [report] = reports.glob("triage-%s-*.json" % host)
        assert json.loads(report.read_text())["account"] == host

    # Each write carries its member's ResourceDirectoryAccountId and only that member's alerts; the administrator's
    # own carry none. Every pending alert of every account was handled.
    writes = [entry for entry in organisation.requests() if entry["action"] == "HandleSecurityEvents"]
    for member in accounts["members"]:
        mine = [write for write in writes if write["params"].get("ResourceDirectoryAccountId") == str(member)]
        assert mine and accounts_of(organisation, mine) == {member}
    own = [write for write in writes if "ResourceDirectoryAccountId" not in write["params"]]
    assert own and accounts_of(organisation, own) == {accounts["administrator"]}

    # One summary across the accounts, every one triaged.
    [summary_file] = reports.glob("triage-summary-*.json")
    summary = json.loads(summary_file.read_text())
    assert sorted(entry["host"] for entry in summary["accounts"]) == sorted(hosts)
    assert summary["by_state"]["triaged"] and not summary["by_state"]["failed"]
    assert summary["by_outcome"]["handled"] == sum(entry["by_outcome"]["handled"] for entry in summary["accounts"]) > 0
    assert all(entry["report_markdown"].endswith(".md") for entry in summary["accounts"])
    assert summary_file.with_suffix(".md").read_text().startswith("# Security Center triage across 4 accounts")


def test_an_account_that_fails_is_named_and_the_others_are_triaged(tmp_path, collections_path, organisation):
    """A host of the same group whose keys the service refuses: its run fails, the others go on."""
    broken = tmp_path / "broken.yml"
    broken.write_text(yaml.safe_dump({"sas_accounts": {"hosts": {"refused-account": {
        "ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}",
        "sas_connection": {"endpoint": organisation.url, "access_key": "LTAIwrong", "secret_key": "wrong-secret"}}}}}))
    process, reports = triage(tmp_path, collections_path, organisation, broken)
    output = process.stdout + process.stderr
    assert process.returncode == 2, output  # the broken account fails the play, after the summary
    [summary_file] = reports.glob("triage-summary-*.json")
    summary = json.loads(summary_file.read_text())
    states = {entry["host"]: entry["state"] for entry in summary["accounts"]}
    assert states.pop("refused-account") == "failed" and set(states.values()) == {"triaged"}
    assert summary["accounts"][0]["host"] == "refused-account"  # failed accounts first
    assert "InvalidAccessKeyId" in summary["accounts"][0]["stopped"]
    assert "**Failed:** refused-account." in summary_file.with_suffix(".md").read_text()
    assert "wrong-secret" not in output and "wrong-secret" not in summary_file.read_text()


def test_a_dry_run_of_the_organisation_writes_nothing_but_its_reports(tmp_path, collections_path, organisation):
    process, reports = triage(tmp_path, collections_path, organisation, check=True)
    assert process.returncode == 0, process.stdout + process.stderr
    writes = [entry for entry in organisation.requests()
              if entry["action"] in ("HandleSecurityEvents", "CreateSuspEventNote")]
    assert writes == []
    [summary_file] = reports.glob("triage-summary-*-check.json")
    assert json.loads(summary_file.read_text())["check_mode"] is True
