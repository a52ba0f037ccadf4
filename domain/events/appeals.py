"""Notices overdue, and appeals against a restriction (notices sent: ``domain.events.notices``)."""

from __future__ import annotations

from dataclasses import field
from datetime import date
from typing import Any
from uuid import UUID

from domain.events.base import (
    CaseEvent,
    DecisionEvent,
    _owe_notice,
    _seal_v1_text,
    _split_v1_terms,
)
from domain.personal import PersonalData
from domain.records import (
    Appeal,
)
from domain.terms import join_terms
from domain.vocabulary import (
    AppealStatus,
    NoticeKind,
)


class NoticeOverdue(CaseEvent):
    TOPIC = "upc.case:Case.NoticeOverdue"
    notice_id: UUID

    def change(self, case: Any) -> None:
        case.notices[self.notice_id].overdue = True

class AppealLodged(CaseEvent):
    """The customer appealed. From v2 it names the notice whose decision it answers (the
    restriction's own or a variation's), whose appeal window said whether it was late; v1
    appeals answered the restriction's own notice (``notice_id`` None)."""

    TOPIC = "upc.case:Case.AppealLodged"
    class_version = 2  # v2: notice_id
    appeal_id: UUID
    restriction_id: UUID
    late: bool
    grounds: PersonalData
    notice_id: UUID | None = None  # last, as it has a default

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state.setdefault("notice_id", None)

    def change(self, case: Any) -> None:
        status = AppealStatus.LATE_AWAITING_DECISION if self.late else AppealStatus.LODGED
        case.appeals[self.appeal_id] = Appeal(
            self.appeal_id, self.restriction_id, self.occurred_at, status.value, self.late,
            None if self.late else self.occurred_at, notice_id=self.notice_id)

class LateAppealRejected(DecisionEvent):
    TOPIC = "upc.case:Case.LateAppealRejected"
    appeal_id: UUID

    def change(self, case: Any) -> None:
        appeal = case.appeals[self.appeal_id]
        appeal.status = AppealStatus.REJECTED_AS_LATE.value
        appeal.decider_id = self.actor_id

class LateAppealAccepted(DecisionEvent):
    TOPIC = "upc.case:Case.LateAppealAccepted"
    appeal_id: UUID

    def change(self, case: Any) -> None:
        appeal = case.appeals[self.appeal_id]
        appeal.status = AppealStatus.LODGED.value
        appeal.clock_from = self.occurred_at

class AppealOverdue(CaseEvent):
    TOPIC = "upc.case:Case.AppealOverdue"
    appeal_id: UUID

    def change(self, case: Any) -> None:
        case.appeals[self.appeal_id].overdue = True

class AppealDecisionReminded(CaseEvent):
    """The decision is due soon: a reminder a set number of working days before it is due."""

    TOPIC = "upc.case:Case.AppealDecisionReminded"
    appeal_id: UUID
    due_on: date  # the last day for the decision

    def change(self, case: Any) -> None:
        case.appeals[self.appeal_id].reminded = True

class AppealWindowClosed(CaseEvent):
    """The appeal window of a notice of the restriction (its decision's, or a variation's)
    closed with no appeal lodged against it.

    A fact for the record and the work queues: a late appeal can still be lodged (and
    accepted by a senior manager with reasons).
    """

    TOPIC = "upc.case:Case.AppealWindowClosed"
    restriction_id: UUID
    notice_id: UUID

    def change(self, case: Any) -> None:
        restriction = case.restrictions[self.restriction_id]
        if self.notice_id == restriction.notice_id:
            restriction.appeal_window_closed = True
        case.closed_appeal_windows.add(self.notice_id)

class AppealDecided(DecisionEvent):
    TOPIC = "upc.case:Case.AppealDecided"
    appeal_id: UUID
    outcome: str  # AppealOutcome
    new_terms: dict[str, Any] | None  # varied: the structured terms, without free text
    notice_id: UUID

    # v2: the free-text terms (named matters, scope justification), sealed; last, as it
    # has a default (events built before v2 by other code still construct)
    personal_terms: dict[str, PersonalData] = field(default_factory=dict)

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        _seal_v1_text(state)
        _split_v1_terms(state, "new_terms")

    def change(self, case: Any) -> None:
        appeal = case.appeals[self.appeal_id]
        appeal.status = AppealStatus.DECIDED.value
        appeal.outcome = self.outcome
        appeal.decider_id = self.actor_id
        if self.new_terms is not None:
            case.restrictions[appeal.restriction_id].terms = join_terms(
                self.new_terms, self.personal_terms)
        _owe_notice(case, self.notice_id, NoticeKind.APPEAL_OUTCOME, self.appeal_id,
                    self.recorded_at)
