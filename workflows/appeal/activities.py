"""The appeal's clocks, read from its events: the reminder before the decision is due, and
the decision falling overdue."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

from pydantic import BaseModel
from temporalio import activity

from domain.application import CaseService
from domain.case import Case
from domain.clocks import appeal_decision_overdue_at, appeal_decision_reminder_at
from domain.settings import PolicyValues
from domain.vocabulary import AppealStatus
from workflows.firing import ClockFiring, OpenClock
from workflows.schedule import Schedule


class AppealInput(BaseModel):
    case_id: UUID
    appeal_id: UUID
    restriction_id: UUID  # whose workflow hears the decision
    history_limit: int = 2000


def appeal_clocks(case: Case, appeal_id: UUID,
                  organisation: PolicyValues) -> Sequence[OpenClock]:
    """A late appeal has no clock until a senior manager accepts it."""
    appeal = case.appeals[appeal_id]
    if appeal.status != AppealStatus.LODGED or appeal.overdue:
        return []
    due = appeal_decision_overdue_at(case, appeal_id, organisation)
    remind_at = appeal_decision_reminder_at(case, appeal_id, organisation)
    if due is None or remind_at is None:
        return []

    def remind(stamp: Any) -> None:
        case.remind_appeal_decision(appeal_id, stamp, organisation)

    def fire(stamp: Any) -> None:
        case.mark_appeal_overdue(appeal_id, stamp, organisation)

    clocks = [] if appeal.reminded else [OpenClock(remind_at, "AppealDecisionReminded", remind)]
    return [*clocks, OpenClock(due, "AppealOverdue", fire)]


def appeal_closed(case: Case, appeal_id: UUID) -> str | None:
    appeal = case.appeals[appeal_id]
    if appeal.status == AppealStatus.DECIDED:
        return appeal.outcome or AppealStatus.DECIDED.value
    if appeal.status == AppealStatus.REJECTED_AS_LATE:
        return appeal.status
    return None


class AppealActivities:
    def __init__(self, app: CaseService) -> None:
        self.firing = ClockFiring(app)

    @activity.defn(name="advance_appeal")
    def advance_appeal(self, clock: AppealInput) -> Schedule:
        aid = clock.appeal_id
        return self.firing.advance(
            clock.case_id, f"appeal-{aid}",
            lambda case, org: appeal_clocks(case, aid, org),
            lambda case: appeal_closed(case, aid))


def activities(app: CaseService) -> list[Callable[..., Any]]:
    return [AppealActivities(app).advance_appeal]
