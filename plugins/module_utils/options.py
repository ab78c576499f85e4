# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks of module options that argument_spec cannot express, shared by the modules.

Each check runs before any call and raises OptionError with a message that names the option and
says what is valid; each module catches OptionError once and fails with that message. Checks that
belong to one subject live beside it (listing, operation_params, whitelist) and raise OptionError too.
"""

from __future__ import annotations

import math
import os
import unicodedata
from typing import Any, Callable, Collection, Dict, Iterable, List, Mapping, NamedTuple, Optional, Tuple

from ansible.module_utils.basic import AnsibleFallbackNotFound

from ansible_collections.alibabacloud.sas.plugins.module_utils import credentials
from ansible_collections.alibabacloud.sas.plugins.module_utils.pacing import AUTO, DEFAULT_CALLS_PER_SECOND, Rate

MAX_CONCURRENCY = 32
# Alert and task ids are int64 on the wire [SDK]: a larger number cannot name one.
MAX_ID = 2 ** 63 - 1
# The longest text this collection sends in one value. [GUESS] No source gives the service's limits;
# these keep every request far below the URL lengths servers take (a 100,000-character value is
# refused here, not answered HTTP 414 by the server).
MAX_TEXT_LENGTH = 1000
MAX_REMARK_LENGTH = 500
# The connection timeouts, in seconds. The SDK takes them in whole milliseconds and reads 0 as unset (its own
# default then applies), so a timeout below 1 ms would silently be the SDK's. [GUESS] A call to the service over
# TLS takes longer than 0.1 s, and one that takes over 10 minutes is better retried than waited for.
TIMEOUT_BOUNDS = (0.1, 600.0)
SECONDS_BOUNDS = {"connect_timeout": TIMEOUT_BOUNDS, "read_timeout": TIMEOUT_BOUNDS}
# Unicode categories that are not printable text: control (NUL, tab, newline, ESC...), format (bidi overrides,
# zero-width characters), surrogates, private use, unassigned, line and paragraph separators.
NOT_PRINTABLE = ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")


class OptionError(ValueError):
    """A module option the service would refuse; the message names the option and what is valid."""


def check_alert_ids(alert_ids: Optional[Iterable[int]], option: str = "alert_ids") -> List[int]:
    """The ids in input order without duplicates; an id below 1 is refused.

    An empty list is valid and comes back empty: a module given no alert has nothing to do, makes no
    call and returns its empty result, so a pipeline whose filter left nothing does not fail.
    """
    ids = list(alert_ids or [])
    bad = [alert_id for alert_id in ids if not 1 <= alert_id <= MAX_ID]
    if bad:
        raise OptionError("%s must hold alert ids (integers from 1 to 2^63-1), got %s"
                          % (option, ", ".join(map(str, bad[:5])) + (", ..." if len(bad) > 5 else "")))
    return list(dict.fromkeys(ids))


def check_concurrency(concurrency: int) -> int:
    if not 1 <= concurrency <= MAX_CONCURRENCY:
        raise OptionError("concurrency must be between 1 and %d, got %d" % (MAX_CONCURRENCY, concurrency))
    return concurrency


def check_positive(option: str, value: float, bounds: Optional[Tuple[float, float]] = None) -> float:
    """A number of seconds above 0; NaN and infinity are refused (type=float accepts them). Within bounds (lowest,
    highest) if given, else within the option's SECONDS_BOUNDS if it has some."""
    if not math.isfinite(value):
        raise OptionError("%s must be a finite number of seconds above 0, got %s" % (option, value))
    if value <= 0:
        raise OptionError("%s must be a positive number of seconds, got %s" % (option, value))
    lowest, highest = bounds or SECONDS_BOUNDS.get(option, (0, math.inf))
    if not lowest <= value <= highest:
        raise OptionError("%s must be from %g to %g seconds, got %s" % (option, lowest, highest, value))
    return value


def check_max_results(max_results: Optional[int]) -> Optional[int]:
    """None (no limit) or at least 1."""
    if max_results is not None and max_results < 1:
        raise OptionError("max_results must be at least 1, got %d (leave it out to read every alert)" % max_results)
    return max_results


def check_task_id(task_id: int) -> int:
    if not 1 <= task_id <= MAX_ID:
        raise OptionError("task_id must be a task id (an integer from 1 to 2^63-1), got %d" % task_id)
    return task_id


def check_account_id(option: str, account_id: Optional[int]) -> Optional[int]:
    """None (the caller's own account) or an account id, a positive int64 [SDK]."""
    if account_id is not None and not 1 <= account_id <= MAX_ID:
        raise OptionError("%s must be an account id (an integer from 1 to 2^63-1), got %d" % (option, account_id))
    return account_id


def check_rate_limit(option: str, rate_limit: Any) -> Rate:
    """auto, or 0 (no pacing) or a positive number of calls a second, as a number or its text; NaN would turn pacing
    off, so it is refused."""
    if rate_limit == AUTO:
        return AUTO
    if isinstance(rate_limit, bool):  # float() reads true as 1
        raise OptionError("%s must be auto or a number of calls a second, got the boolean %s"
                          % (option, str(rate_limit).lower()))
    try:
        rate = float(rate_limit)
    except (TypeError, ValueError):
        raise OptionError("%s must be auto or a number of calls a second (0: no pacing), got %r"
                          % (option, rate_limit)) from None
    if not math.isfinite(rate):
        raise OptionError("%s must be a finite number of calls a second: 0 (no pacing) or above, got %s"
                          % (option, rate))
    if rate < 0:
        raise OptionError("%s must be 0 (no pacing) or a positive number of calls a second, got %s"
                          % (option, rate))
    return rate


def check_filter(option: str, value: Any) -> Any:
    """A filter option's value: None (left out, no filter) or a value that filters.

    An empty list, a list holding an empty or blank string, or an empty or blank string is refused: the
    service reads an empty filter as no filter, so a template that rendered empty would select every alert.
    """
    if value is None:
        return value
    values = value if isinstance(value, list) else [value]
    if not values or any(not str(item).strip() for item in values):
        raise OptionError("%s=%r is empty, which would select every alert: give a value, or leave the option "
                          "out to not filter" % (option, value))
    for index, item in enumerate(values):
        check_text(option if values is not value else "%s[%d]" % (option, index), item)
    return value


def check_text(option: str, value: Optional[str], max_length: int = MAX_TEXT_LENGTH) -> Optional[str]:
    """Text that reaches the service or a person's screen: printable characters, at most max_length.

    A NUL or a right-to-left override in a whitelist value or a remark would be stored by the service
    and shown to the next person, looking like something it is not.
    """
    if value is None:
        return value
    text = str(value)
    if len(text) > max_length:
        raise OptionError("%s is %d characters long: at most %d are allowed" % (option, len(text), max_length))
    for position, char in enumerate(text):
        if unicodedata.category(char) in NOT_PRINTABLE:
            raise OptionError("%s holds the character U+%04X (%s) at position %d: only printable text is "
                              "allowed" % (option, ord(char), unicodedata.name(char, "a control character"),
                                           position + 1))
    return text


def check_region(endpoint: Optional[str], region: Optional[str]) -> None:
    """A region or an endpoint is needed to know where to call; checked when the first call is due. A region must
    look like a region id (lowercase words and numbers joined by hyphens): its first word picks the Security Center
    site (connection.site_for_region), so CN-Shanghai or cnshanghai would silently pick the other site."""
    if not endpoint and not region:
        raise OptionError("region is required (or endpoint): set the region option, or "
                          "ALIBABA_CLOUD_REGION_ID, e.g. cn-shanghai or ap-southeast-1")
    if not region:
        return
    words = region.split("-")
    if len(words) < 2 or not all(word.isascii() and word.isalnum() and word == word.lower() for word in words):
        raise OptionError("region %r is not a region id: give lowercase words and numbers joined by hyphens, "
                          "e.g. cn-shanghai or ap-southeast-1" % region)


def check_aliases(argument_spec: Mapping[str, Mapping], raw_params: Mapping[str, Any]) -> Dict[str, Any]:
    """An option given more than once, under its name and its aliases, must be given one value.

    AnsibleModule lets the last alias win silently, even over a different value or over a real value with an
    empty one. raw_params are the module arguments as given, before alias resolution. Returns the one value
    of each str option given more than once (empty counts as unset); raises if the values differ.
    """
    chosen: Dict[str, Any] = {}
    for option, spec in argument_spec.items():
        names = [option] + list(spec.get("aliases") or ())
        if sum(name in raw_params for name in names) < 2 or spec.get("type", "str") != "str":
            continue
        given = [(name, raw_params[name]) for name in names if raw_params.get(name) not in (None, "")]
        if not given:
            continue
        first_name, first_value = given[0]
        for name, value in given[1:]:
            if str(value) != str(first_value):
                if first_name == option:
                    what = "%s and its alias %s are" % (option, name)
                else:
                    what = "%s and %s, both aliases of %s, are" % (first_name, name, option)
                raise OptionError("%s both set, to different values: set one" % what)
        chosen[option] = str(first_value)
    return chosen


# --- the connection options -------------------------------------------------------------------
def env_fallback_non_empty(*names: str) -> str:
    """Like env_fallback, but an empty variable counts as unset (AWX injects empty fields)."""
    value = credentials.first_set(os.environ, names)
    if value is None:
        raise AnsibleFallbackNotFound
    return value


class ConnectionOption(NamedTuple):
    spec: Dict[str, Any]  # its argument_spec entry
    check: Optional[Callable[[str, Any], Any]] = None  # check(name, value): what argument_spec cannot express


# Every module's and the event source's connection options, the one definition of each: the modules' and the
# source's argument_spec and checks come from here, connection.ConnectionSettings reads them, and a unit test
# (test_connection_options.py) holds the doc fragment alibabacloud.sas.sas, the source's DOCUMENTATION and the
# triage role's sas_connection spec to them.
CONNECTION_OPTIONS: Dict[str, ConnectionOption] = {
    "access_key": ConnectionOption(dict(type="str", aliases=["alicloud_access_key", "access_key_id"], no_log=False)),
    "secret_key": ConnectionOption(dict(type="str", aliases=["alicloud_secret_key", "access_key_secret"],
                                        no_log=True)),
    "security_token": ConnectionOption(dict(type="str", no_log=True)),
    "region": ConnectionOption(dict(type="str", aliases=["region_id"],
                                    fallback=(env_fallback_non_empty, list(credentials.REGION_ENV)))),
    "profile": ConnectionOption(dict(type="str")),
    "endpoint": ConnectionOption(dict(type="str", fallback=(env_fallback_non_empty, list(credentials.ENDPOINT_ENV)))),
    "validate_certs": ConnectionOption(dict(type="bool", default=True)),
    "connect_timeout": ConnectionOption(dict(type="float", default=5.0), check_positive),
    "read_timeout": ConnectionOption(dict(type="float", default=10.0), check_positive),
    "rate_limit": ConnectionOption(dict(type="raw", default=DEFAULT_CALLS_PER_SECOND), check_rate_limit),
    # The Resource Directory member account the calls are about. No environment fallback: neither the aliyun CLI
    # nor the SDK names a variable for it, and one set for a job would silently turn every host's calls, the
    # administrator's own too, to that member.
    "resource_directory_account_id": ConnectionOption(dict(type="int"), check_account_id),
}


def sas_argument_spec() -> dict:
    """The argument_spec of the connection options, which every module and the event source take."""
    return {name: dict(option.spec) for name, option in CONNECTION_OPTIONS.items()}


def connection_option_errors(params: Mapping[str, Any], skip: Collection[str] = ()) -> List[str]:
    """The message of each connection option whose value cannot work, by its check; the options in skip are not
    checked (a value already refused for its type)."""
    errors = []
    for name, option in CONNECTION_OPTIONS.items():
        if option.check is not None and name not in skip:
            try:
                option.check(name, params[name])
            except OptionError as error:
                errors.append(str(error))
    return errors
