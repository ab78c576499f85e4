# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""sas_alert_operations_info refuses bad input before any call, naming the option: its main() run in
process with the arguments a play gives it; building a connection fails the test (module_runner). One
end-to-end case proves the same through ansible-playbook and the emulator's request log."""

from __future__ import annotations

import pytest
from module_runner import run_module

from ansible_collections.alibabacloud.sas.plugins.modules import sas_alert_operations_info

# What the play's module_defaults gave every task.
CONNECTION = {"endpoint": "http://127.0.0.1:9", "access_key": "unitAccessKeyId", "secret_key": "unit-Secret-value"}


@pytest.mark.parametrize("options, expected", [
    # argument_spec: element type, choices
    pytest.param({"alert_ids": ["seven"]}, ["alert_ids", "int"], id="alert_ids-not-int"),
    pytest.param({"alert_ids": [1], "lang": "fr"}, ["lang", "en, zh"], id="lang-choices"),
    # check_alert_ids, check_concurrency
    pytest.param({"alert_ids": [-1]}, ["alert_ids must hold alert ids (integers from 1 to 2^63-1), got -1"],
                 id="alert_ids-negative"),
    pytest.param({"alert_ids": [1], "concurrency": 100}, ["concurrency must be between 1 and 32, got 100"],
                 id="concurrency-100"),
])
def test_bad_input_fails_before_any_call(module_env, options, expected):
    result = run_module(sas_alert_operations_info, dict(CONNECTION, **options))
    assert result["failed"] is True
    for part in expected:
        assert part in result["msg"], (part, result["msg"])
