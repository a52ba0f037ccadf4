"""Concerns, warnings and the pre-decision checks."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid5

from domain.events.base import (
    CaseEvent,
    DecisionEvent,
    _owe_notice,
)
from domain.personal import PersonalData
from domain.records import (
    Check,
    Warning,
)
from domain.vocabulary import (
    NoticeKind,
)


class ConcernRaised(DecisionEvent):
    TOPIC = "upc.case:Case.ConcernRaised"
    concern_id: UUID
    categories: list[str]

    def change(self, case: Any) -> None:
        case.concerns[self.concern_id] = (self.occurred_at, tuple(self.evidence))

class WarningGiven(DecisionEvent):
    TOPIC = "upc.case:Case.WarningGiven"
    warning_id: UUID
    kind: str  # WarningKind
    notice_id: UUID
    behaviour_justification: PersonalData | None

    def change(self, case: Any) -> None:
        case.warnings[self.warning_id] = Warning(self.kind, self.occurred_at, self.notice_id)
        _owe_notice(case, self.notice_id, NoticeKind.WARNING, self.warning_id, self.recorded_at)

class WarningLapsed(CaseEvent):
    TOPIC = "upc.case:Case.WarningLapsed"
    warning_id: UUID

    def change(self, case: Any) -> None:
        case.warnings[self.warning_id].lapsed = True

class CheckRecorded(CaseEvent):
    TOPIC = "upc.case:Case.CheckRecorded"
    class_version = 2  # v2: check_id, so the API can name the check it recorded
    kind: str  # CheckKind
    customer_declined: bool
    written_communication_ok: bool
    legitimate_issue_found: bool
    adjustments: list[str]  # NoticeFormat values the customer needs
    notes: PersonalData
    check_id: UUID | None = None  # last: it has a default (events built directly still do)

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        # The id the case would have given it (``Case.new_id("check")`` at that version).
        state["check_id"] = uuid5(state["originator_id"],
                                  f"check:{state['originator_version']}")

    def change(self, case: Any) -> None:
        case.checks[self.kind] = Check(
            self.kind, self.occurred_at, self.actor_id, self.customer_declined,
            self.written_communication_ok, self.legitimate_issue_found,
            tuple(self.adjustments))

class VulnerabilityInfoRecorded(CaseEvent):
    TOPIC = "upc.case:Case.VulnerabilityInfoRecorded"
    details: PersonalData

    def change(self, case: Any) -> None:
        if case.vulnerability_info_at is None or self.occurred_at > case.vulnerability_info_at:
            case.vulnerability_info_at = self.occurred_at

class LegitimateIssueResolved(DecisionEvent):
    TOPIC = "upc.case:Case.LegitimateIssueResolved"

    def change(self, case: Any) -> None:
        case.legitimate_issue_resolved_at = self.occurred_at
