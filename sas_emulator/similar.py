"""Similar alerts: what the scenario codes of DescribeSimilarEventScenarios mean, and the query tasks of
CreateSimilarSecurityEventsQueryTask that DescribeSimilarSecurityEvents pages and HandleSimilarSecurityEvents acts on.

Every scenario groups alerts "of the same type" [SDK comment, DescribeSimilarEventScenariosResponseBody]: the emulator
reads it as the same alert name (hence the same type), since HandleSimilarSecurityEvents applies one OperationCode to
the group and only alerts of one name offer the same operations [GUESS]. The scenarios other than default narrow it
to the alerts that also share one detail with the alert asked about:

| code              | what the alerts share besides their name               | the alert's detail keys          |
|-------------------|--------------------------------------------------------|----------------------------------|
| default           | nothing                                                | (offered for every alert)        |
| same_ip           | the IP the alert names (a logon's or a call's source,  | login_source_ip, call_source_ip, |
|                   | a connection's remote end)                             | remote_ip                        |
| same_file_content | the file content: its MD5                              | md5                              |
| same_url          | the requested URL                                      | url                              |

A scenario is offered for an alert only when the alert holds one of its detail keys [GUESS]. The group holds the
pending alerts of the alert's account, the alert itself among them while it is pending [GUESS: a query about an
alert lists the alerts its handling would act on].
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from . import constants as C

# Scenario code -> the detail keys whose value the similar alerts share (none for default).
SCENARIO_DETAIL_KEYS: dict[str, tuple[str, ...]] = {
    C.SCENARIO_DEFAULT: (),
    C.SCENARIO_SAME_IP: ("login_source_ip", "call_source_ip", "remote_ip"),
    C.SCENARIO_SAME_FILE_CONTENT: ("md5",),
    C.SCENARIO_SAME_URL: ("url",),
}


class _Alert(Protocol):
    status: int
    account: int

    @property
    def name(self) -> object: ...

    def detail(self, key: str) -> str | None: ...


@dataclass
class SimilarQuery:
    """A CreateSimilarSecurityEventsQueryTask task: its group, found when it was created, and how many reads of it
    are still answered empty (the reading similar_empty_reads: the task still retrieving its data)."""

    id: int
    account: int
    alert_id: int
    scenario: str
    alert_ids: tuple[int, ...]
    empty_reads_left: int

    @property
    def status(self) -> str:
        """CreateSimilarSecurityEventsQueryTask's Status: New until its results show, then Success [SDK values]."""
        return C.SIMILAR_TASK_NEW if self.empty_reads_left else C.SIMILAR_TASK_SUCCESS


def shared_value(alert: _Alert, scenario: str) -> str | None:
    """The value of the first detail of the scenario the alert holds (None: the scenario does not apply)."""
    return next((value for key in SCENARIO_DETAIL_KEYS[scenario] if (value := alert.detail(key))), None)


def scenarios(alert: _Alert) -> list[str]:
    """The scenario codes offered for the alert, default first."""
    return [code for code, keys in SCENARIO_DETAIL_KEYS.items() if not keys or shared_value(alert, code)]


def is_similar(alert: _Alert, other: _Alert, scenario: str) -> bool:
    """Whether ``other`` belongs to the group of ``alert`` under ``scenario``: a pending alert of its account and
    name that shares the scenario's detail value."""
    if other.status != C.STATUS_PENDING or other.account != alert.account or other.name != alert.name:
        return False
    return not SCENARIO_DETAIL_KEYS[scenario] or shared_value(other, scenario) == shared_value(alert, scenario)
