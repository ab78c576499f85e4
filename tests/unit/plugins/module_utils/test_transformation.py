# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from alibabacloud_sas20181203.models import (
    DescribeSuspEventsResponseBody,
    DescribeSuspEventsResponseBodySuspEvents,
)
from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.alibabacloud.sas.plugins.module_utils.transformation import (
    model_to_snake,
)

EVENT_WIRE = {
    "Id": 123,
    "EventStatus": 1,
    "clusterId": "c1",
    "K8sClusterId": "k",
    "InternetIp": "1.2.3.4",
    "SecurityEventIds": "11,12",
    "CanBeDealOnLine": True,
    "InstanceName": None,
    "Details": [
        {"NameDisplay": "File path", "Type": "text", "Value": "/tmp/x", "ValueDisplay": "/tmp/x"},
        {"NameDisplay": "MD5", "Type": "text", "Value": None},
    ],
    "TacticItems": [{"TacticId": "TA0001", "TacticDisplayName": "Initial Access"}],
}


def test_sdk_model_to_snake():
    model = DescribeSuspEventsResponseBodySuspEvents().from_map(EVENT_WIRE)
    assert model_to_snake(model) == {
        "id": 123,
        "event_status": 1,
        "cluster_id": "c1",
        "k8s_cluster_id": "k",
        "internet_ip": "1.2.3.4",
        "security_event_ids": "11,12",
        "can_be_deal_on_line": True,
        "details": [
            {"name_display": "File path", "type": "text", "value": "/tmp/x", "value_display": "/tmp/x"},
            {"name_display": "MD5", "type": "text"},
        ],
        "tactic_items": [{"tactic_id": "TA0001", "tactic_display_name": "Initial Access"}],
        "event_notes": [],
    }


def test_response_body_model_nests_lists_of_models():
    body = DescribeSuspEventsResponseBody().from_map(
        {"RequestId": "r-1", "TotalCount": 1, "CurrentPage": 1, "PageSize": 20, "SuspEvents": [EVENT_WIRE]})
    result = model_to_snake(body)
    assert result["request_id"] == "r-1"
    assert result["total_count"] == 1
    assert result["susp_events"][0]["cluster_id"] == "c1"
    assert result["susp_events"][0]["details"][1] == {"name_display": "MD5", "type": "text"}


def test_wire_dict_drops_none_at_every_depth():
    wire = {"RequestId": None, "TaskId": 7, "Nested": {"KeepMe": "x", "DropMe": None,
                                                       "Deeper": [{"A": None, "BValue": 2}]}}
    assert model_to_snake(wire) == {"task_id": 7, "nested": {"keep_me": "x", "deeper": [{"b_value": 2}]}}


def test_falsy_values_other_than_none_are_kept():
    assert model_to_snake({"Count": 0, "Flag": False, "Name": "", "Items": []}) == {
        "count": 0, "flag": False, "name": "", "items": []}


def test_cached_keys_name_fields_exactly_as_ansible_does():
    wire = {"K8sClusterId": "k", "clusterId": "c", "AlarmEventNameDisplay": "x", "HTTPStatus": 1,
            "Details": [{"NameDisplay": "n", "ValueDisplay": "v"}], "TacticItems": [{"TacticId": "TA0001"}],
            "SecurityEventIds": "1,2", "IsIPv6": False}
    assert model_to_snake(wire) == camel_dict_to_snake_dict(wire)
    assert model_to_snake(wire) == model_to_snake(dict(wire))  # a second pass, from the cache
