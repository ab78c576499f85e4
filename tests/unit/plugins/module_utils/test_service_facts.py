# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.alibabacloud.sas.plugins.module_utils import service_facts


@pytest.mark.parametrize("value, name", [
    (1, "pending"),
    ("32", "handled"),
    (2, "ignored"),
    ("64", "expired"),
    (513, "auto_blocked"),
    (999, "unknown_999"),
    ("999", "unknown_999"),
    (None, "unknown"),
    ("", "unknown"),
    ("abc", "unknown"),
])
def test_status_name(value, name):
    assert service_facts.status_name(value) == name


def test_alert_fields_are_the_sdk_models_keys_in_snake_case_plus_status():
    import inspect

    from alibabacloud_sas20181203 import models

    from ansible_collections.alibabacloud.sas.plugins.module_utils.transformation import snake_key

    model = models.DescribeSuspEventsResponseBodySuspEvents
    # every attribute set (lists empty) so that to_map() shows every wire key
    params = [param for param in inspect.signature(model.__init__).parameters.values() if param.name != "self"]
    values = {param.name: ([] if str(param.annotation).startswith("List") else "x") for param in params}
    wire = model(**values).to_map()
    assert len(wire) == len(params)
    assert model().from_map(wire).to_map() == wire  # from_map reads the same keys
    expected = {snake_key(key) for key in wire} | {"status"}
    assert set(service_facts.ALERT_FIELDS) == expected, (
        "missing: %s; not in the SDK: %s" % (sorted(expected - service_facts.ALERT_FIELDS),
                                             sorted(service_facts.ALERT_FIELDS - expected)))
