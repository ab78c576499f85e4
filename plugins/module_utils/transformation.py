# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Turn SDK response models into the snake_case dicts modules return."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict


def model_to_snake(model: Any) -> dict:
    """An SDK model (or its wire map) as a snake_case dict, None values dropped."""
    wire = model.to_map() if hasattr(model, "to_map") else dict(model)
    return _snake(wire)


@lru_cache(maxsize=None)
def snake_key(key: str) -> str:
    """Ansible's own camel-to-snake naming, worked out once per key: 10,000 alerts share ~60 keys."""
    return next(iter(camel_dict_to_snake_dict({key: None})))


def _snake(value: Any) -> Any:
    if isinstance(value, dict):
        return {snake_key(key): _snake(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_snake(item) for item in value]
    return value
