# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""sas_alert_handle's DOCUMENTATION says what the operation table says: the same choices, and every
code described in the group it belongs to. ansible-doc reads the docs as text, so they cannot be
generated from the table; this test keeps them from drifting apart."""

from __future__ import annotations

import re

import yaml

from ansible_collections.alibabacloud.sas.plugins.module_utils import operation_params as op
from ansible_collections.alibabacloud.sas.plugins.module_utils.handling import OUTCOMES
from ansible_collections.alibabacloud.sas.plugins.module_utils.notes import NOTE_STATES
from ansible_collections.alibabacloud.sas.plugins.modules import sas_alert_handle

OPTIONS = yaml.safe_load(sas_alert_handle.DOCUMENTATION)["options"]


def documented_codes(line: str) -> set:
    return set(re.findall(r"C\(([a-z_]+)\)", line))


def group(prefix: str) -> set:
    """The codes named in the description line of the operation option that starts with prefix."""
    lines = [line for line in OPTIONS["operation"]["description"] if line.startswith(prefix)]
    assert len(lines) == 1, "one line of the operation docs starts with %r" % prefix
    return documented_codes(lines[0])


class Built(Exception):
    """Raised by the stand-in for SasModule once it has the argument spec."""


def argument_spec(monkeypatch) -> dict:
    """The argument_spec main() builds the module with."""
    def capture(argument_spec, **_kwargs):
        raise Built(argument_spec)

    monkeypatch.setattr(sas_alert_handle, "SasModule", capture)
    try:
        sas_alert_handle.main()
    except Built as built:
        return built.args[0]
    raise AssertionError("main() did not build the module")


def description(option: str) -> str:
    text = OPTIONS[option]["description"]
    return " ".join(text) if isinstance(text, list) else text


def test_the_choices_are_the_table_codes_in_docs_and_argument_spec(monkeypatch):
    assert OPTIONS["operation"]["choices"] == [entry.code for entry in op.OPERATIONS]
    assert argument_spec(monkeypatch)["operation"]["choices"] == OPTIONS["operation"]["choices"]


def test_every_code_is_described_once_in_its_group():
    described = [code for line in OPTIONS["operation"]["description"] for code in documented_codes(line)
                 if code in op.OPERATIONS_BY_CODE]
    assert sorted(described) == sorted(op.OPERATION_CHOICES)  # each code in exactly one line
    assert group("On the server or container") == set(op.HOST_OPERATIONS)
    assert group("Undoing handling") == set(op.UNDO_OPERATIONS)
    assert group("Refused") == set(op.REFUSED_OPERATIONS)
    others = set(op.OPERATION_CODES) - set(op.HOST_OPERATIONS) - set(op.UNDO_OPERATIONS)
    assert group("On the alert only") == others


def test_every_sub_operation_is_documented():
    text = description("sub_operation")
    for code, values in op.SUB_OPERATIONS.items():
        assert "C(%s)" % code in text
        for value in values:
            assert "C(%s)" % value in text, (code, value)


def test_options_that_only_some_operations_take_name_them():
    for option in ("block_duration", "expire_time", "whitelist_rules"):
        for code in op.operations_taking(option):
            assert "C(%s)" % code in description(option), (option, code)


def test_every_outcome_is_documented_in_the_order_of_the_table():
    # issue 17, point 5: an outcome added to handling.OUTCOMES (expired) reaches the RETURN docs too
    returned = yaml.safe_load(sas_alert_handle.RETURN)
    lines = returned["results"]["contains"]["outcome"]["description"]
    documented = [match.group(1) for line in lines for match in [re.match(r"C\(([a-z_]+)\) - ", line)] if match]
    assert documented == list(OUTCOMES)
    assert list(returned["summary"]["sample"]) == list(OUTCOMES)


def test_every_note_state_is_documented_in_the_order_of_the_table():
    # issue 18, point 7: results[].note takes the states of notes.NOTE_STATES, each described once
    returned = yaml.safe_load(sas_alert_handle.RETURN)
    lines = returned["results"]["contains"]["note"]["description"]
    documented = [match.group(1) for line in lines for match in [re.match(r"C\(([a-z_]+)\) - ", line)] if match]
    assert documented == list(NOTE_STATES)
