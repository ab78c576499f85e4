# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a module's main() in process with the arguments a play would give it (the standard
set_module_args pattern), and get back what it returned: exit_json or fail_json, as a dict.

    result = run_module(sas_alert_info, {"max_results": 0})
    assert result["failed"] and "max_results must be at least 1" in result["msg"]

The module's SAS connection is never built: run_module replaces the one function that builds the
SDK client (module_utils.connection.connect) with one that raises ConnectionBuilt, which the module
cannot catch. So a bad-input test that passes has shown that the module failed before it could
make any call. Give ``connect`` to allow a connection (e.g. the in-process emulator's).
"""

from __future__ import annotations

import contextlib
import json
from typing import Any, Callable, Optional
from unittest import mock

from ansible.module_utils import basic
from ansible.module_utils.common.text.converters import to_bytes

from ansible_collections.alibabacloud.sas.plugins.module_utils import connection as sas_connection

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core before 2.19: the classic set_module_args

    @contextlib.contextmanager
    def patch_module_args(args=None):
        with mock.patch.object(basic, "_ANSIBLE_ARGS", to_bytes(json.dumps({"ANSIBLE_MODULE_ARGS": args or {}}))):
            yield


class ModuleReturned(Exception):
    """exit_json or fail_json was called: the module is done."""

    def __init__(self, result: dict):
        super().__init__(result)
        self.result = result


class ConnectionBuilt(BaseException):
    """The module got as far as building its SDK client. A BaseException: the module's own
    `except Exception` around the client constructor must not turn it into a failure message."""


def _exit_json(self, **result: Any):
    raise ModuleReturned(dict(result, failed=False))


def _fail_json(self, msg: Optional[str] = None, **result: Any):
    raise ModuleReturned(dict(result, failed=True, msg=msg))


def _no_connection(*args: Any, **kwargs: Any):
    raise ConnectionBuilt("the module built a SAS connection: a bad input must fail before any call")


def run_module(module: Any, args: dict, connect: Optional[Callable[..., Any]] = None,
               check_mode: bool = False) -> dict:
    """module.main() with args; the dict it exited or failed with, "failed" set either way."""
    args = dict(args)
    if check_mode:
        args["_ansible_check_mode"] = True
    with contextlib.ExitStack() as stack:
        stack.enter_context(patch_module_args(args))
        stack.enter_context(mock.patch.object(basic.AnsibleModule, "exit_json", _exit_json))
        stack.enter_context(mock.patch.object(basic.AnsibleModule, "fail_json", _fail_json))
        stack.enter_context(mock.patch.object(basic.AnsibleModule, "_log_invocation", lambda self: None))
        stack.enter_context(mock.patch.object(sas_connection, "connect", connect or _no_connection))
        try:
            module.main()
        except ModuleReturned as returned:
            return returned.result
    raise AssertionError("%s.main() returned without exit_json or fail_json" % module.__name__)
