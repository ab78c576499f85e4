# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Turn SDK response models into the snake_case dicts modules return."""

from __future__ import annotations

from typing import Any

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict


def model_to_snake(model: Any) -> dict:
    """An SDK model (or its wire map) as a snake_case dict, None values dropped."""
    wire = model.to_map() if hasattr(model, "to_map") else dict(model)
    return camel_dict_to_snake_dict(_drop_none(wire))


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _drop_none(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_drop_none(item) for item in value]
    return value
