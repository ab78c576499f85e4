"""The manual workflow as a plain script on the official SDK, one alert after another - what the benchmark compares
one sas_alert_handle call with.

It lists the pending alerts, then for each alert in turn asks which operations it allows
(DescribeSecurityEventOperations), handles it (HandleSecurityEvents) and reads its task's status
(DescribeSecurityEventOperationStatus) until the task is final. It prints one JSON line: the alerts listed and
the outcome of each, counted.

    python -m bench.sequential --endpoint http://127.0.0.1:18080 --access-key-id ID --access-key-secret SECRET
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter

from alibabacloud_sas20181203 import models
from alibabacloud_sas20181203.client import Client
from alibabacloud_tea_openapi.models import Config

PAGE_SIZE = 100
FINAL_TASK_STATUSES = ("Success", "Failure")


def connect(endpoint: str, access_key_id: str, access_key_secret: str) -> Client:
    protocol, host = endpoint.split("://", 1)
    return Client(Config(access_key_id=access_key_id, access_key_secret=access_key_secret, endpoint=host,
                         protocol=protocol, region_id="cn-shanghai"))


def pending_alert_ids(client: Client) -> list:
    """Every pending alert, page after page."""
    ids: list = []
    page = 1
    while True:
        body = client.describe_susp_events(models.DescribeSuspEventsRequest(
            dealed="N", current_page=str(page), page_size=str(PAGE_SIZE), from_="sas", lang="en")).body
        events = body.susp_events or []
        ids += [event.id for event in events]
        if not events or len(ids) >= (body.total_count or 0):
            return ids
        page += 1


def allows(client: Client, alert_id: int, operation: str) -> bool:
    body = client.describe_security_event_operations(
        models.DescribeSecurityEventOperationsRequest(security_event_id=alert_id)).body
    return any(offered.operation_code == operation and offered.user_can_operate
               for offered in body.security_event_operations_response or [])


def handle(client: Client, alert_id: int, operation: str, poll_interval: float) -> str:
    """The alert's outcome: unsupported, or its task's final status."""
    if not allows(client, alert_id, operation):
        return "unsupported"
    ids = [str(alert_id)]
    sent = client.handle_security_events(models.HandleSecurityEventsRequest(
        operation_code=operation, security_event_ids=ids, operation_params="{}")).body
    task_id = sent.handle_security_events_response.task_id
    while True:
        status = client.describe_security_event_operation_status(models.DescribeSecurityEventOperationStatusRequest(
            task_id=task_id, security_event_ids=ids)).body.security_event_operation_status_response
        if status.task_status in FINAL_TASK_STATUSES:
            return status.task_status
        time.sleep(poll_interval)


def main(argv: list | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--access-key-id", required=True)
    parser.add_argument("--access-key-secret", required=True)
    parser.add_argument("--operation", default="ignore")
    parser.add_argument("--poll-interval", type=float, default=1.0, help="seconds between two reads of a task")
    args = parser.parse_args(argv)
    client = connect(args.endpoint, args.access_key_id, args.access_key_secret)
    ids = pending_alert_ids(client)
    outcomes = Counter(handle(client, alert_id, args.operation, args.poll_interval) for alert_id in ids)
    print(json.dumps({"alerts": len(ids), "outcomes": outcomes}))


if __name__ == "__main__":
    main()
