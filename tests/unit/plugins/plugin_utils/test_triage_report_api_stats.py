# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The triage report's api_stats (issue 19): the calls, retries and throttles per API of the handling's
sas_alert_handle runs, added up, and the rate the last run's pace settled at."""

from __future__ import annotations

from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_report import api_stats


def stats(calls, retries=0, throttles=0, rate=8.0):
    return {"calls": calls, "retries": retries, "throttles": throttles, "rate": rate}


def test_a_loop_s_runs_and_the_fallback_s_are_added_up_per_api():
    loop = [{"item": {"alert_ids": [1]}, "api_stats": {"DescribeSecurityEventOperations": stats(10, 2, 2, 9.5),
                                                       "HandleSecurityEvents": stats(1)}},
            {"item": {"alert_ids": [2]}, "skipped": True},
            {"item": {"alert_ids": [3]}, "api_stats": {"DescribeSecurityEventOperations": stats(5, rate=12.3)}}]
    fallback = [{"item": {"alert_ids": [3]}, "api_stats": {"HandleSecurityEvents": stats(2, 1, 1, 6.4)}}]
    assert api_stats(loop, fallback) == {
        "DescribeSecurityEventOperations": stats(15, 2, 2, 12.3),
        "HandleSecurityEvents": stats(3, 1, 1, 6.4),
    }


def test_one_call_s_result_counts_as_it_is_and_no_handling_counts_nothing():
    one_call = {"results": [], "api_stats": {"DescribeSuspEvents": stats(4, rate=20.0)}}
    assert api_stats(one_call, None) == {"DescribeSuspEvents": stats(4, rate=20.0)}
    assert api_stats(None, None) == api_stats([], []) == {}
