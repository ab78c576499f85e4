# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""resource_directory_account_id (issue 20): the member account a connection's calls are about, sent as
ResourceDirectoryAccountId on each API whose SDK request takes it, and on no other."""

from __future__ import annotations

import pytest

from ansible_collections.alibabacloud.sas.plugins.module_utils import connection, service_calls
from ansible_collections.alibabacloud.sas.plugins.module_utils.options import OptionError, check_account_id
from ansible_collections.alibabacloud.sas.plugins.module_utils.sdk import load_client_and_models

MEMBER = 1234567890123456
# The APIs this collection calls (service_calls names each) and whether their SDK request takes the member account
# (alibabacloud-sas20181203 10.3.2): what the issue read in the API reference.
TAKES_ACCOUNT = {
    service_calls.DESCRIBE_SUSP_EVENTS: True,
    service_calls.DESCRIBE_SUSP_EVENT_DETAIL: True,
    service_calls.HANDLE_SECURITY_EVENTS: True,
    service_calls.CREATE_SUSP_EVENT_NOTE: True,
    service_calls.DESCRIBE_SECURITY_EVENT_OPERATIONS: False,
    service_calls.DESCRIBE_SECURITY_EVENT_OPERATION_STATUS: False,
    service_calls.CREATE_SIMILAR_SECURITY_EVENTS_QUERY_TASK: True,
    service_calls.DESCRIBE_SIMILAR_EVENT_SCENARIOS: False,
    service_calls.DESCRIBE_SIMILAR_SECURITY_EVENTS: False,
}


def test_the_sdk_s_request_models_say_which_of_the_collection_s_apis_take_the_member_account():
    _client, models = load_client_and_models()
    actions = {value for name, value in vars(service_calls).items()
               if name.isupper() and isinstance(value, str) and hasattr(models, value + "Request")}
    assert actions == set(TAKES_ACCOUNT)  # every API the collection calls is in the table
    assert {action: connection.takes_account(getattr(models, action + "Request")())
            for action in TAKES_ACCOUNT} == TAKES_ACCOUNT


class RecordingClient:
    """An SDK client that keeps each request it is given and answers an empty body."""

    def __init__(self):
        self.requests = []

    def __getattr__(self, method):
        def call(request, runtime):
            self.requests.append(request)
            return type("Response", (), {"body": "body"})()

        return call


@pytest.mark.parametrize("account", [MEMBER, None], ids=["member", "own-account"])
def test_a_connection_sets_the_member_account_on_the_requests_that_take_it_only(account):
    _client, models = load_client_and_models()
    client = RecordingClient()
    conn = connection.SasConnection(client, None, models, connection.RetryPolicy(),
                                    resource_directory_account_id=account)
    for action in TAKES_ACCOUNT:
        conn.call(action)
    sent = {type(request).__name__[:-len("Request")]: getattr(request, "resource_directory_account_id", "absent")
            for request in client.requests}
    assert sent == {action: (account if takes else "absent") for action, takes in TAKES_ACCOUNT.items()}


@pytest.mark.parametrize("account", [None, 1, MEMBER, 2 ** 63 - 1])
def test_an_account_id_is_a_positive_int64_or_none(account):
    assert check_account_id("resource_directory_account_id", account) == account


@pytest.mark.parametrize("account", [0, -5, 2 ** 63])
def test_another_number_is_refused_by_name(account):
    with pytest.raises(OptionError, match=r"^resource_directory_account_id must be an account id \(an integer from "
                                          r"1 to 2\^63-1\), got %d$" % account):
        check_account_id("resource_directory_account_id", account)
