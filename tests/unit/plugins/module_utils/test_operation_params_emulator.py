# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's operation table and the emulator's agree.

The emulator plays the service, so it keeps its own copy of the operation codes on purpose and never
imports the collection's. This test is where the two meet: a code added to one and not the other,
or a status or sub-operation that differs, fails here rather than in an end-to-end run.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[4]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from ansible_collections.alibabacloud.sas.plugins.module_utils import operation_params as op  # noqa: E402
from sas_emulator import backend, catalog, dataset  # noqa: E402
from sas_emulator import constants as emulated  # noqa: E402


def test_the_emulator_knows_exactly_the_codes_of_the_table():
    assert sorted(set(backend.KNOWN_OPERATIONS) - set(op.OPERATIONS_BY_CODE)) == [], \
        "codes the emulated service knows that the table neither accepts nor refuses"
    assert sorted(set(op.OPERATIONS_BY_CODE) - set(backend.KNOWN_OPERATIONS)) == [], \
        "codes of the table the emulated service does not know"


@pytest.mark.parametrize("operation", op.OPERATION_CHOICES)
@pytest.mark.parametrize("status_before", [emulated.STATUS_PENDING, emulated.STATUS_FALSE_POSITIVE])
def test_the_status_an_operation_leaves_agrees(operation, status_before):
    final = backend.OPERATION_FINAL_STATUS[operation]
    assert op.status_after_success(operation, status_before) == (status_before if final is None else final)


def test_the_sub_operations_agree():
    assert {code: set(values) for code, values in op.SUB_OPERATIONS.items()} == \
           {code: set(values) for code, values in emulated.SUB_OPERATIONS.items()}


def test_what_the_emulator_offers_on_pending_alerts_is_accepted_and_no_undo():
    offered = {code for name in catalog.ALERT_NAMES.values() for code in name.operations}
    assert offered <= set(op.OPERATION_CODES) - set(op.UNDO_OPERATIONS)


def test_an_operation_that_needs_the_agent_acts_on_the_host():
    assert set(dataset.AGENT_OPERATIONS) - set(op.REFUSED_OPERATIONS) <= set(op.HOST_OPERATIONS)
