# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connection timeouts the modules and the event source share: from 0.1 to 600 seconds. The SDK takes whole
milliseconds and reads 0 as its own default, so a smaller timeout would be silently replaced."""

from __future__ import annotations

import pytest
from module_runner import ConnectionBuilt, run_module

from ansible_collections.alibabacloud.sas.plugins.module_utils.options import OptionError, check_positive
from ansible_collections.alibabacloud.sas.plugins.modules import sas_alert_handle, sas_alert_info

CONNECTION = {"endpoint": "http://127.0.0.1:9", "access_key": "unitAccessKeyId", "secret_key": "unit-Secret-value"}


@pytest.mark.parametrize("option", ["connect_timeout", "read_timeout"])
@pytest.mark.parametrize("value, shown", [(1e-9, "1e-09"), (0.0999, "0.0999"), (600.5, "600.5"), (1e300, "1e+300")])
def test_a_timeout_outside_its_bounds_is_refused(option, value, shown):
    with pytest.raises(OptionError) as raised:
        check_positive(option, value)
    assert str(raised.value) == "%s must be from 0.1 to 600 seconds, got %s" % (option, shown)


@pytest.mark.parametrize("option", ["connect_timeout", "read_timeout"])
@pytest.mark.parametrize("value", [0.1, 5, 600])
def test_a_timeout_within_its_bounds_is_taken(option, value):
    assert check_positive(option, value) == value


def test_other_seconds_have_no_bound_but_the_ones_given():
    assert check_positive("wait_timeout", 86400 * 7) == 86400 * 7
    with pytest.raises(OptionError, match="^interval must be from 1 to 86400 seconds, got 0.5$"):
        check_positive("interval", 0.5, (1, 86400))


@pytest.mark.parametrize("module, options", [
    pytest.param(sas_alert_info, {}, id="sas_alert_info"),
    pytest.param(sas_alert_handle, {"alert_ids": [1], "operation": "ignore"}, id="sas_alert_handle"),
])
@pytest.mark.parametrize("timeouts, message", [
    ({"read_timeout": 1e-9}, "read_timeout must be from 0.1 to 600 seconds, got 1e-09"),
    ({"connect_timeout": "0.0001"}, "connect_timeout must be from 0.1 to 600 seconds, got 0.0001"),
    ({"read_timeout": 3600}, "read_timeout must be from 0.1 to 600 seconds, got 3600.0"),
])
def test_modules_refuse_a_timeout_outside_its_bounds_before_any_call(module_env, module, options, timeouts, message):
    result = run_module(module, dict(CONNECTION, **options, **timeouts))
    assert result["failed"] is True and result["msg"] == message


def test_modules_take_the_bounds(module_env):
    with pytest.raises(ConnectionBuilt):
        run_module(sas_alert_info, dict(CONNECTION, connect_timeout=0.1, read_timeout=600))
