"""Restrictions: proposed, decided, imposed at once and ratified, reviewed, extended,
lifted and expired."""

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
    Restriction,
)
from domain.terms import join_terms
from domain.vocabulary import (
    NoticeKind,
    RestrictionStatus,
)


class RestrictionProposed(DecisionEvent):
    TOPIC = "upc.case:Case.RestrictionProposed"
    restriction_id: UUID
    terms: dict[str, Any]  # the structured terms, without the free-text ones
    review_date: date
    ends_on: date | None

    # v2: the free-text terms (named matters, scope justification), sealed; last, as it
    # has a default (events built before v2 by other code still construct)
    personal_terms: dict[str, PersonalData] = field(default_factory=dict)

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        _seal_v1_text(state)
        _split_v1_terms(state, "terms")

    def change(self, case: Any) -> None:
        case.restrictions[self.restriction_id] = Restriction(
            self.restriction_id, RestrictionStatus.PROPOSED.value,
            join_terms(self.terms, self.personal_terms), False,
            self.actor_id, self.occurred_at, self.review_date, self.ends_on)

class RestrictionApproved(DecisionEvent):
    TOPIC = "upc.case:Case.RestrictionApproved"
    restriction_id: UUID
    review_date: date
    notice_id: UUID
    behaviour_justification: PersonalData | None

    def change(self, case: Any) -> None:
        restriction = case.restrictions[self.restriction_id]
        restriction.status = RestrictionStatus.ACTIVE.value
        restriction.approver_id = self.actor_id
        restriction.decided_at = self.occurred_at
        restriction.review_date = self.review_date
        restriction.notice_id = self.notice_id
        _owe_notice(case, self.notice_id, NoticeKind.RESTRICTION, self.restriction_id,
                    self.recorded_at)

class RestrictionRejected(DecisionEvent):
    TOPIC = "upc.case:Case.RestrictionRejected"
    restriction_id: UUID

    def change(self, case: Any) -> None:
        restriction = case.restrictions[self.restriction_id]
        restriction.status = RestrictionStatus.REJECTED.value
        restriction.approver_id = self.actor_id

class ImmediateRestrictionImposed(DecisionEvent):
    TOPIC = "upc.case:Case.ImmediateRestrictionImposed"
    restriction_id: UUID
    terms: dict[str, Any]  # the structured terms, without the free-text ones
    ends_on: date | None
    notice_id: UUID

    # v2: the free-text terms (named matters, scope justification), sealed; last, as it
    # has a default (events built before v2 by other code still construct)
    personal_terms: dict[str, PersonalData] = field(default_factory=dict)

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        _seal_v1_text(state)
        _split_v1_terms(state, "terms")

    def change(self, case: Any) -> None:
        case.restrictions[self.restriction_id] = Restriction(
            self.restriction_id, RestrictionStatus.AWAITING_RATIFICATION.value,
            join_terms(self.terms, self.personal_terms),
            True, self.actor_id, self.occurred_at, None, self.ends_on,
            decided_at=self.occurred_at, notice_id=self.notice_id)
        _owe_notice(case, self.notice_id, NoticeKind.RESTRICTION, self.restriction_id,
                    self.recorded_at)

class ImmediateRestrictionRatified(DecisionEvent):
    TOPIC = "upc.case:Case.ImmediateRestrictionRatified"
    restriction_id: UUID
    review_date: date

    def change(self, case: Any) -> None:
        restriction = case.restrictions[self.restriction_id]
        restriction.status = RestrictionStatus.ACTIVE.value
        restriction.ratifier_id = self.actor_id
        restriction.review_date = self.review_date
        restriction.ratification_overdue = False

class RatificationOverdue(CaseEvent):
    TOPIC = "upc.case:Case.RatificationOverdue"
    restriction_id: UUID

    def change(self, case: Any) -> None:
        case.restrictions[self.restriction_id].ratification_overdue = True

class ReviewDue(CaseEvent):
    TOPIC = "upc.case:Case.ReviewDue"
    restriction_id: UUID
    review_date: date

    def change(self, case: Any) -> None:
        case.restrictions[self.restriction_id].review_due = True

class ReviewOverdue(CaseEvent):
    TOPIC = "upc.case:Case.ReviewOverdue"
    restriction_id: UUID
    review_date: date

    def change(self, case: Any) -> None:
        restriction = case.restrictions[self.restriction_id]
        restriction.review_due = True
        restriction.review_overdue = True

class ReviewCompleted(DecisionEvent):
    """A review's outcome. From v2 it keeps the behaviour justification given for continuing
    or varying while the legitimate-issue check had found an unresolved service failure."""

    TOPIC = "upc.case:Case.ReviewCompleted"
    restriction_id: UUID
    outcome: str  # ReviewOutcome
    next_review_date: date | None
    new_terms: dict[str, Any] | None  # varied: the structured terms, without free text
    notice_id: UUID

    # v2: the free-text terms (named matters, scope justification), sealed; last, as it
    # has a default (events built before v2 by other code still construct)
    personal_terms: dict[str, PersonalData] = field(default_factory=dict)
    behaviour_justification: PersonalData | None = None

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        _seal_v1_text(state)
        _split_v1_terms(state, "new_terms")
        state.setdefault("behaviour_justification", None)

    def change(self, case: Any) -> None:
        restriction = case.restrictions[self.restriction_id]
        restriction.reviewer_ids.append(self.actor_id)
        restriction.review_due = False
        restriction.review_overdue = False
        if self.next_review_date is not None:
            restriction.review_date = self.next_review_date
        if self.new_terms is not None:
            restriction.terms = join_terms(self.new_terms, self.personal_terms)
        kind = NoticeKind.VARIATION if self.new_terms is not None else NoticeKind.REVIEW_OUTCOME
        _owe_notice(case, self.notice_id, kind, self.restriction_id, self.recorded_at)

class RestrictionLifted(DecisionEvent):
    TOPIC = "upc.case:Case.RestrictionLifted"
    restriction_id: UUID
    cause: str  # LiftCause
    notice_id: UUID

    def change(self, case: Any) -> None:
        restriction = case.restrictions[self.restriction_id]
        restriction.status = RestrictionStatus.LIFTED.value
        restriction.lift_notice_id = self.notice_id
        _owe_notice(case, self.notice_id, NoticeKind.LIFT, self.restriction_id,
                    self.recorded_at)

class RestrictionExtended(DecisionEvent):
    """A manager moved the end date later (or gave an open-ended restriction one); the
    customer is owed a notice of the change, as for a variation."""

    TOPIC = "upc.case:Case.RestrictionExtended"
    restriction_id: UUID
    ends_on: date
    previous_ends_on: date | None
    notice_id: UUID

    def change(self, case: Any) -> None:
        restriction = case.restrictions[self.restriction_id]
        restriction.ends_on = self.ends_on
        restriction.extender_ids.append(self.actor_id)  # took part: may not decide an appeal
        _owe_notice(case, self.notice_id, NoticeKind.VARIATION, self.restriction_id,
                    self.recorded_at)

class RestrictionExpired(CaseEvent):
    TOPIC = "upc.case:Case.RestrictionExpired"
    restriction_id: UUID
    notice_id: UUID

    def change(self, case: Any) -> None:
        restriction = case.restrictions[self.restriction_id]
        restriction.status = RestrictionStatus.EXPIRED.value
        restriction.lift_notice_id = self.notice_id
        _owe_notice(case, self.notice_id, NoticeKind.LIFT, self.restriction_id,
                    self.recorded_at)
