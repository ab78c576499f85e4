# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""DescribeSecurityEventOperations: which operations one alert allows.

One call per alert, always: the service's rule is never to assume one alert's operations apply
to another ([3P] alert-handler skill, "Strict Constraint").
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional

from ansible_collections.alibabacloud.sas.plugins.module_utils.service_calls import (
    DEFAULT_LANG,
    security_event_operations,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.transformation import model_to_snake

# One operation the service offers for one alert, as returned to users (DescribeSecurityEventOperations).
OfferedOperation = Dict[str, Any]


def parse_operation_params(text: Optional[str]) -> Any:
    """OperationParams is a JSON string on the wire; an unparseable one is returned as it came."""
    if text is None or not str(text).strip():
        return {}
    try:
        return json.loads(text)
    except ValueError:
        return text


def operation_result(model: Any) -> OfferedOperation:
    """One operation as returned to users: snake_case, params parsed, rule lists always present."""
    operation = model_to_snake(model)
    operation["operation_params"] = parse_operation_params(operation.get("operation_params"))
    operation["user_can_operate"] = bool(operation.get("user_can_operate"))
    operation.setdefault("mark_field", [])
    operation.setdefault("mark_fields_source", [])
    return operation


def describe_operations(connection: Any, alert_id: int, lang: str = DEFAULT_LANG) -> Optional[List[OfferedOperation]]:
    """The alert's operations, or None when the service does not know the alert."""
    models = security_event_operations(connection, alert_id, lang)
    return None if models is None else [operation_result(model) for model in models]


def lookup_operations(connection: Any, alert_ids: List[int], concurrency: int,
                      lang: str = DEFAULT_LANG) -> Dict[int, Optional[List[OfferedOperation]]]:
    """describe_operations for each id, a bounded number at a time; the first API error is raised."""
    found = connection.map(lambda alert_id: describe_operations(connection, alert_id, lang), alert_ids, concurrency)
    return dict(zip(alert_ids, found))


def find_operation(operations: List[OfferedOperation], code: str) -> Optional[OfferedOperation]:
    return next((operation for operation in operations if operation.get("operation_code") == code), None)


def allowed_codes(operations: List[OfferedOperation]) -> List[str]:
    """The codes of the operations the service lets the caller run on the alert now (UserCanOperate), in its order."""
    return [str(operation.get("operation_code")) for operation in operations if operation.get("user_can_operate")]
