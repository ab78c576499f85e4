# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The respond filters as the role calls them: settings -> view -> plan -> summary; what is not their input is
refused by name."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError
from triage_samples import LOGON, WEBSHELL, make_alert

from ansible_collections.alibabacloud.sas.plugins.filter.respond_plan import respond_plan
from ansible_collections.alibabacloud.sas.plugins.filter.respond_settings import respond_settings
from ansible_collections.alibabacloud.sas.plugins.filter.respond_similar import respond_similar
from ansible_collections.alibabacloud.sas.plugins.filter.respond_summary import respond_summary
from ansible_collections.alibabacloud.sas.plugins.filter.respond_view import respond_view

SETTINGS = {"choice": "1", "alert_ids": [1, 2], "filters": None, "report_dir": "reports",
            "audit_log": "reports/respond-audit.jsonl"}


def operations(alert_id, *codes):
    return {"id": alert_id, "found": True,
            "operations": [{"operation_code": code, "user_can_operate": True} for code in codes]}


def test_the_filters_chain_as_the_role_chains_them():
    view = respond_view([make_alert(1, LOGON), make_alert(2, WEBSHELL)],
                        [operations(1, "block_ip", "ignore"), operations(2, "quara", "x\x1bq")])
    assert view["allowed"] == ["block_ip", "ignore", "quara", "x\\x1bq"]  # the prompt shows them: escaped
    plan = respond_plan(view, respond_settings(SETTINGS), started_at="2027-01-15T08:00:00Z")
    assert [group["alert_ids"] for group in plan["groups"]] == [[1], [2]]
    report = respond_summary(plan, {"results": [{"id": 1, "outcome": "handled"}, {"id": 2, "outcome": "handled"}]},
                             check_mode=False, finished_at="2027-01-15T08:01:00Z")
    assert report["summary"]["by_outcome"]["handled"] == 2 and report["lines"][-1] == "Total: 2 items, Success 2"
    assert respond_summary(plan, {"skipped": True})["summary"]["by_outcome"]["error"] == 2


@pytest.mark.parametrize("call, message", [
    (lambda: respond_settings(None), "respond_settings takes a mapping"),
    (lambda: respond_view({"alerts": []}, []), "respond_view takes the alerts of sas_alert_info"),
    (lambda: respond_similar([], [{"alerts": []}]), "respond_similar takes the alerts of sas_alert_info"),
    (lambda: respond_plan([], {}), "respond_plan takes a view"),
    (lambda: respond_plan({"alerts": []}, {"problems": ["x"]}), "without problems"),
    (lambda: respond_summary({"alerts": []}), "respond_summary takes a plan"),
])
def test_what_is_not_their_input_is_refused(call, message):
    with pytest.raises(AnsibleFilterError, match=message):
        call()
