"""An ordered remedy's clock, read from its events: done by its due date, or escalated. The
Ombudsman's date is its own: no policy setting moves it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

from pydantic import BaseModel
from temporalio import activity

from domain.application import CaseService
from domain.case import Case
from domain.clocks import remedy_overdue_at
from domain.settings import PolicyValues
from workflows.firing import ClockFiring, OpenClock
from workflows.schedule import Schedule


class RemedyInput(BaseModel):
    case_id: UUID
    remedy_id: UUID
    history_limit: int = 2000


def remedy_clocks(case: Case, remedy_id: UUID,
                  organisation: PolicyValues) -> Sequence[OpenClock]:
    if remedy_closed(case, remedy_id) is not None:
        return []

    def fire(stamp: Any) -> None:
        case.escalate_remedy_overdue(remedy_id, stamp)

    return [OpenClock(remedy_overdue_at(case, remedy_id), "RemedyOverdue", fire)]


def remedy_closed(case: Case, remedy_id: UUID) -> str | None:
    """Done, or escalated once."""
    remedy = case.remedies[remedy_id]
    if remedy.completed_at is not None:
        return "completed"
    return "overdue" if remedy.overdue else None


class RemedyActivities:
    def __init__(self, app: CaseService) -> None:
        self.firing = ClockFiring(app)

    @activity.defn(name="advance_remedy")
    def advance_remedy(self, clock: RemedyInput) -> Schedule:
        rid = clock.remedy_id
        return self.firing.advance(
            clock.case_id, f"remedy-{rid}",
            lambda case, org: remedy_clocks(case, rid, org),
            lambda case: remedy_closed(case, rid))


def activities(app: CaseService) -> list[Callable[..., Any]]:
    return [RemedyActivities(app).advance_remedy]
