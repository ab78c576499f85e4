# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How many DescribeSuspEvents calls a status lookup costs, and what it finds."""

from __future__ import annotations

from fake_sas import IGNORED, PENDING, FakeSas

from ansible_collections.alibabacloud.sas.plugins.module_utils.alert_status import lookup_statuses


def listing_calls(service):
    return [("id" if "id" in params else params.get("dealed"), params.get("current_page"))
            for action, params in service.log if action == "DescribeSuspEvents"]


def service_with(pending, handled):
    alerts = {alert_id: {"status": PENDING, "ops": []} for alert_id in pending}
    alerts.update({alert_id: {"status": IGNORED, "ops": []} for alert_id in handled})
    return FakeSas(alerts)


def test_few_ids_are_looked_up_one_by_one():
    service = service_with(range(1, 500), [])
    states = lookup_statuses(service, [7, 9999], concurrency=4)
    assert states[7].pending and states[9999] is None
    assert listing_calls(service) == [("id", "1"), ("id", "1")]


def test_clustered_pending_alerts_cost_one_page_per_hundred():
    service = service_with(range(1, 251), [])
    states = lookup_statuses(service, list(range(1, 201)), concurrency=4)
    assert all(state.pending for state in states.values())
    assert listing_calls(service) == [("N", "1"), ("N", "2")]


def test_handled_alerts_are_found_in_the_handled_listing():
    service = service_with(range(1, 51), range(100, 150))
    states = lookup_statuses(service, [1, 2, 120, 121, 148], concurrency=4)
    assert [states[alert_id].status for alert_id in (1, 120)] == ["pending", "ignored"]
    assert listing_calls(service) == [("N", "1"), ("Y", "1")]


def test_scattered_alerts_stop_the_listing_and_fall_back_to_ids():
    # 1000 pending alerts; the wanted ones sit on page 7 and beyond: page 1 finds none of them.
    service = service_with(range(1, 1001), [])
    wanted = [650, 651, 652, 5000]
    states = lookup_statuses(service, wanted, concurrency=4)
    assert [states[alert_id].pending for alert_id in wanted[:3]] == [True] * 3 and states[5000] is None
    # one wasted page per listing at most, then one call per id: never more than ids + 2
    assert listing_calls(service) == [("N", "1"), ("Y", "1")] + [("id", "1")] * 4
