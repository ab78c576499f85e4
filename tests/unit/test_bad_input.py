# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every row of the bad-input table (bad_input_table.py) against the in-process emulator, and
docs/bad-input.md generated from the rows and the messages they get.

A module row runs the module's main() with a real SDK connection to the emulator, so a bad input
that got past the checks would really be written: the emulator's request log must show no write,
and no call at all unless the row reads. Refresh the document with `make bad-input-doc`.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest
import yaml
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from bad_input_table import (
    AUDIT_0644,
    AUDIT_DANGLING,
    AUDIT_FIFO,
    AUDIT_HARDLINK,
    AUDIT_PATHS,
    AUDIT_SYMLINK,
    CASES,
    CLASSES,
    EMULATOR,
    EMULATOR_REQUESTS,
    FALSE_POSITIVE,
    HANDLED,
    HOSTILE_TEXT,
    MANY_UNKNOWN,
    PENDING,
    POLICY,
    ROLE,
    UNKNOWN,
    UNKNOWN_TASK,
    WHITELISTABLE,
    Case,
    Ref,
)
from emulated_sas import ACCESS_KEY_ID, ACCESS_KEY_SECRET
from emulated_sas import FALSE_POSITIVE as FALSE_POSITIVE_STATUS
from emulated_sas import HANDLED as HANDLED_STATUS
from module_runner import run_module

from ansible_collections.alibabacloud.sas.plugins.module_utils.connection import connect
from ansible_collections.alibabacloud.sas.plugins.module_utils.shown import shown
from ansible_collections.alibabacloud.sas.plugins.modules import (
    sas_alert_handle,
    sas_alert_info,
    sas_alert_operations_info,
    sas_alert_task_info,
)
from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_policy import PolicyError, check_policy
from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_settings import SETTINGS, check_settings

REPO_ROOT = Path(__file__).resolve().parents[2]
DOC = REPO_ROOT / "docs" / "bad-input.md"
ROLE_SPEC = REPO_ROOT / "roles" / "triage" / "meta" / "argument_specs.yml"
# The role's variables a row does not set: its defaults, and a valid policy unless the row gives a file.
ROLE_DEFAULTS = {"sas_triage_policy_file": "", "sas_triage_max_actions": 100, "sas_triage_report_dir": "reports",
                 "sas_triage_audit_log": "reports/triage-audit.jsonl", "sas_triage_retry_failed_after": "6h",
                 "sas_triage_rules": [{"name": "ignore-reminders", "match": {"level": "remind"}, "action": "ignore"}]}
MODULES = {module.__name__.rsplit(".", 1)[1]: module
           for module in (sas_alert_handle, sas_alert_info, sas_alert_operations_info, sas_alert_task_info)}
MANY = 10000
# The secrets the rows use: none may appear in a result, whatever went wrong.
SECRETS = (ACCESS_KEY_SECRET, "not-the-secret", "hunter22", "token-value", "unit-Secret")


def resolve(value: Any, sas: Any) -> Any:
    """value with every Ref replaced by ids of the emulator's data (a list holding MANY_UNKNOWN grows)."""
    if isinstance(value, dict):
        return {key: resolve(item, sas) for key, item in value.items()}
    if isinstance(value, list):
        items: List[Any] = []
        for item in value:
            if item == MANY_UNKNOWN:
                items.extend(range(sas.unknown_id(), sas.unknown_id() + MANY))
            else:
                items.append(resolve(item, sas))
        return items
    if not isinstance(value, Ref):
        return value
    if value == EMULATOR:
        return sas.url
    if value == UNKNOWN:
        return sas.unknown_id()
    if value == UNKNOWN_TASK:
        return 987654321
    if value == PENDING:
        return sas.pick(op="ignore")[0]
    if value == WHITELISTABLE:
        return sas.pick(op="advance_mark_mis_info", name="login_unusual_location")[0]
    if value == HANDLED:
        return sas.pick(status=HANDLED_STATUS)[0]
    if value == FALSE_POSITIVE:
        return sas.pick(status=FALSE_POSITIVE_STATUS, op="rm_mark_mis_info")[0]
    raise AssertionError("no alert for %r" % (value,))


def run_case(case: Case, sas: Any, home: Path) -> Dict[str, Any]:
    """The row's result, {failed, msg, ...}, from the module, the policy check or the role's argument spec."""
    for relative, content in case.home:
        path = home / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    args = resolve(plant_audit_log(case.args, home), sas)
    if case.target == POLICY:
        try:
            check_policy(args["sas_triage_rules"])
        except PolicyError as error:
            return {"failed": True, "msg": str(error)}
        return {"failed": False}
    if case.target == ROLE:
        return run_role_checks(args, home)
    if case.connection:
        args = dict({"endpoint": sas.url, "access_key": ACCESS_KEY_ID, "secret_key": ACCESS_KEY_SECRET}, **args)
    if case.target == "sas_alert_handle":
        args.setdefault("poll_interval", 0.05)  # the emulator's tasks finish at once: no need to wait 2 s
    return run_module(MODULES[case.target], args, connect=connect)


def plant_audit_log(args: Dict[str, Any], home: Path) -> Dict[str, Any]:
    """args, with what the row's audit_log stands for planted at $HOME/audit.jsonl."""
    planted = args.get("audit_log")
    if planted not in AUDIT_PATHS:
        return args
    path, victim = home / "audit.jsonl", home / "victim"
    victim.write_text("someone else's file\n")
    if planted == AUDIT_FIFO:
        os.mkfifo(path)
    elif planted == AUDIT_SYMLINK:
        path.symlink_to(victim)
    elif planted == AUDIT_DANGLING:
        path.symlink_to(home / "nowhere")
    elif planted == AUDIT_HARDLINK:
        os.link(victim, path)
    elif planted == AUDIT_0644:
        path.write_text("")
        path.chmod(0o644)
    return dict(args, audit_log=str(path))


def run_role_checks(args: Dict[str, Any], home: Path) -> Dict[str, Any]:
    """The role's two checks in its order: Ansible's of meta/argument_specs.yml, then triage_settings, run from home."""
    spec = yaml.safe_load(ROLE_SPEC.read_text())["argument_specs"]["main"]["options"]
    errors = ArgumentSpecValidator(spec).validate(args).error_messages
    if not errors:
        variables = dict(ROLE_DEFAULTS, **args)
        if "sas_triage_policy_file" in args and "sas_triage_rules" not in args:
            variables["sas_triage_rules"] = None
        settings = {name: variables[variable] for name, variable in SETTINGS.items()}
        errors = check_settings(settings, cwd=str(home))["problems"]
    return {"failed": bool(errors), "msg": " ".join(errors)}


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input_is_refused_before_any_write(module_env, tmp_path, sas, case):
    sas.clear_requests()
    result = run_case(case, sas, tmp_path)
    assert "Traceback" not in str(result.get("msg")) and "exception" not in result
    assert not [secret for secret in SECRETS if secret in json.dumps(result)], "a secret in the result"
    assert sas.writes() == [] or case.expect is None, "a bad input was written"
    if case.expect is None:
        assert result["failed"] is False, result.get("msg")
        check_control(case, result)
        return
    assert result["failed"] is True, "accepted: %s" % (result,)
    assert case.expect in result["msg"], result["msg"]
    assert result.get("changed") in (None, False)
    if not case.reads:
        assert sas.requests() == [], "a call was made before the input was refused"


def check_control(case: Case, result: Dict[str, Any]) -> None:
    """A valid control did what it asked: the harness does not refuse everything."""
    if case.outcome == "none":
        assert result["results"] == [] and result["changed"] is False
    elif case.outcome is not None:
        assert {alert["outcome"] for alert in result["results"]} == {case.outcome}, result["results"]


def test_the_table_covers_every_class_with_a_control_and_fifty_bad_inputs():
    bad = [case for case in CASES if case.expect is not None]
    assert len(bad) >= 50
    assert len({case.id for case in CASES}) == len(CASES)
    for kind, _title in CLASSES:
        rows = [case for case in CASES if case.kind == kind]
        assert any(case.expect is not None for case in rows), kind
    assert {case.target for case in bad} == set(MODULES) | {POLICY, ROLE}
    assert all(case.kind in dict(CLASSES) for case in CASES)


def test_ten_thousand_unknown_ids_cost_a_bounded_listing_not_a_call_each(module_env, tmp_path, sas):
    [case] = [case for case in CASES if case.id == "control-10000-unknown-ids"]
    sas.clear_requests()
    result = run_case(case, sas, tmp_path)
    assert len(result["results"]) == MANY and result["summary"]["not_found"] == MANY
    # 40 alerts: one page of the pending and one of the handled listing, not 10,000 lookups
    assert sas.actions() == ["DescribeSuspEvents"] * 2


# --- docs/bad-input.md ---------------------------------------------------------------------------
def show(value: Any) -> str:
    """An input as the document shows it: JSON, long strings cut, non-printable characters escaped."""
    def shorten(item: Any) -> Any:
        if isinstance(item, dict):
            return {key: shorten(val) for key, val in item.items()}
        if isinstance(item, list):
            return [shorten(val) for val in item]
        if isinstance(item, str) and len(item) > 60:
            return "%s... (%d characters)" % (item[:12], len(item))
        if isinstance(item, Ref):
            return repr(item)
        return item
    return json.dumps(shorten(value), ensure_ascii=True).replace("|", "\\|")


def normalise(message: str, sas: Any, home: Path) -> str:
    """A message without what changes from run to run: the emulator's port, paths, times, request ids."""
    message = message.replace(sas.url, "<emulator>").replace(str(home), "~")
    message = re.sub(r"now is [^)]*\)", "now is <now>)", message)
    message = re.sub(r"request id [0-9A-Fa-f-]{36}", "request id <id>", message)
    message = re.sub(r"\b[0-9a-f]{64}\b", "<hash>", message)  # a string to sign holds the time and a nonce
    message = re.sub(r"in the chain: \[.*", "in the chain: [...]", message)  # the providers' texts hold paths
    message = re.sub(r"(Valid booleans include: )(.*)",  # Ansible lists them from a set, in no fixed order
                     lambda match: match.group(1) + ", ".join(sorted(match.group(2).split(", "))), message)
    return message.replace("|", "\\|").replace("\n", " ")


def render(rows: List[Tuple[Case, str]]) -> str:
    bad = sum(1 for case, _message in rows if case.expect is not None)
    lines = [
        "# Bad input: what each gets",
        "",
        "<!-- Generated from the bad-input table of the unit tests by `make bad-input-doc`; edit the table. -->",
        "",
        "Every input below is refused before any write call, with a message that names the field and what is "
        "valid; the rows marked *control* are valid inputs beside them, which must succeed. A unit test "
        "of the source repository runs each row against the emulator through a real SDK connection and "
        "checks its request log: no `HandleSecurityEvents`, and no call at all unless the row says *reads* "
        "(the input can only be judged from the service's answer: an alert's whitelist fields, a key the "
        "service does not know).",
        "",
        "%d bad inputs, %d controls, across the four modules, the triage policy and the triage role's variables."
        % (bad, len(rows) - bad),
        "",
        "Targets: `handle` = sas_alert_handle, `info` = sas_alert_info, `operations_info` = "
        "sas_alert_operations_info, `task_info` = sas_alert_task_info, `policy` = a rule of `sas_triage_rules`, "
        "`role` = the role's variables (run from a directory holding the files a row names: a policy file is "
        "shown after its variables). `<...>` stands for ids taken from the emulator's data.",
    ]
    for kind, title in CLASSES:
        lines += ["", "## " + title, "", "| Input | Target | Message |", "| --- | --- | --- |"]
        for case, message in rows:
            if case.kind != kind:
                continue
            target = case.target.replace("sas_alert_", "")
            shown = "*control*: " + message if case.expect is None else message
            if case.reads:
                shown += " *(reads)*"
            files = "".join(" + `%s`: `%s`" % (path, show(text)) for path, text in case.home)
            lines.append("| `%s`%s | %s | %s |" % (show(case.args), files, target, shown))
    return "\n".join(lines) + "\n"


def render_hostile_text() -> List[str]:
    lines = ["", "## Alert text from compromised hosts", "",
             "A compromised host writes the names of its own processes, files and server. Every value of an alert "
             "reaches a person through one function, in one of two forms: a line of the plan shown before "
             "\"Type yes\", of a log or of the summary, and a cell of the Markdown report. Nothing of it is ever "
             "templated.", "", "| Alert text | In a line | In a Markdown cell |", "| --- | --- | --- |"]
    for what, text in HOSTILE_TEXT:
        cells = (what, show(text)[1:-1], code_span(shown(text)), code_span(shown(text, markdown=True)))
        lines.append("| %s: `%s` | `%s` | `%s` |" % cells)
    return lines


def code_span(text: str) -> str:
    """text inside a table's code span: its pipes escaped, as GitHub's tables need even there."""
    return text.replace("|", "\\|")


def emulator_answer(url: str, method: str, path: str, headers: Dict[str, str]) -> int:
    """The status the emulator answers a raw request with (nothing of an announced body is sent)."""
    host, port = url.split("//")[1].split(":")
    fields = dict({"Host": "%s:%s" % (host, port)}, **headers)
    if fields["Host"] == "evil.example":
        fields["Host"] = "evil.example:%s" % port
    request = "%s %s HTTP/1.1\r\n%s\r\n" % (method, path, "".join("%s: %s\r\n" % item for item in fields.items()))
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(request.encode("latin-1"))
        response = http.client.HTTPResponse(sock)
        response.begin()
        return response.status


def render_emulator_requests(url: str) -> List[str]:
    lines = ["", "## Hostile requests to the shipped emulator", "",
             "Teams run the emulator on their machines to rehearse; a web page in the same browser, or any local "
             "client, can send it requests. Each below is answered at once, without reading a body it announces.",
             "", "| Request | Answer |", "| --- | --- |"]
    for what, method, path, headers, _status in EMULATOR_REQUESTS:
        shown_headers = ", ".join("%s: %s" % item for item in headers.items())
        answer = emulator_answer(url, method, path, headers)
        lines.append("| %s (`%s %s`, %s) | %d |" % (what, method, path, shown_headers, answer))
    return lines


def test_hostile_requests_get_their_answer_at_once(sas):
    for what, method, path, headers, status in EMULATOR_REQUESTS:
        assert emulator_answer(sas.url, method, path, headers) == status, what


def control_summary(case: Case, result: Dict[str, Any]) -> str:
    if "summary" in result:
        counts = ", ".join("%d %s" % (count, outcome) for outcome, count in result["summary"].items() if count)
        return "accepted: %s" % (counts or "nothing to do, no call")
    if "missing_ids" in result and result["missing_ids"]:
        return "accepted: reported in missing_ids"
    if case.target == sas_alert_operations_info.__name__.rsplit(".", 1)[1]:
        return "accepted: %s" % ", ".join("found=%s" % alert["found"] for alert in result["alerts"])
    return "accepted"


def test_the_document_is_the_table(module_env, monkeypatch, tmp_path, sas):
    rows = []
    for case in CASES:
        home = tmp_path / case.id
        home.mkdir()
        monkeypatch.setenv("HOME", str(home))
        result = run_case(case, sas, home)
        message = control_summary(case, result) if case.expect is None else normalise(result["msg"], sas, home)
        rows.append((case, message))
    text = render(rows) + "\n".join(render_hostile_text() + render_emulator_requests(sas.url)) + "\n"
    if os.environ.get("UPDATE_BAD_INPUT_DOC"):
        DOC.write_text(text)
    assert DOC.read_text() == text, "docs/bad-input.md is out of date: run make bad-input-doc"
