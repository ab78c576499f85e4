# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""sas_alert_task_info refuses bad input before any call, naming the option: its main() run in process
with the arguments a play gives it; building a connection fails the test (module_runner). One
end-to-end case proves the same through ansible-playbook and the emulator's request log."""

from __future__ import annotations

import pytest
from module_runner import run_module

from ansible_collections.alibabacloud.sas.plugins.modules import sas_alert_task_info

# What the play's module_defaults gave every task.
CONNECTION = {"endpoint": "http://127.0.0.1:9", "access_key": "unitAccessKeyId", "secret_key": "unit-Secret-value"}


@pytest.mark.parametrize("options, expected", [
    # check_task_id
    pytest.param({"task_id": 0, "alert_ids": [1]}, "task_id must be a task id (an integer from 1 to 2^63-1), got 0",
                 id="task_id-0"),
    # an empty alert_ids makes no call, but task_id is still checked
    pytest.param({"task_id": 0, "alert_ids": []}, "task_id must be a task id (an integer from 1 to 2^63-1), got 0",
                 id="task_id-0-no-alert"),
    # argument_spec: required
    pytest.param({"alert_ids": [1]}, "missing required arguments: task_id", id="no-task_id"),
])
def test_bad_input_fails_before_any_call(module_env, options, expected):
    result = run_module(sas_alert_task_info, dict(CONNECTION, **options))
    assert result["failed"] is True
    assert expected in result["msg"]
