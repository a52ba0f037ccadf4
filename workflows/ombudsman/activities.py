"""An Ombudsman enquiry's or order's clock, read from its events: closed by its due date, or
escalated. The Ombudsman's date is its own: no policy setting moves it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

from pydantic import BaseModel
from temporalio import activity

from domain.application import CaseService
from domain.case import Case
from domain.clocks import ombudsman_overdue_at
from domain.settings import PolicyValues
from workflows.firing import ClockFiring, OpenClock
from workflows.schedule import Schedule


class OmbudsmanInput(BaseModel):
    case_id: UUID
    matter_id: UUID
    history_limit: int = 2000


def ombudsman_clocks(case: Case, matter_id: UUID,
                     organisation: PolicyValues) -> Sequence[OpenClock]:
    due = ombudsman_overdue_at(case, matter_id)
    if due is None or ombudsman_closed(case, matter_id) is not None:
        return []

    def fire(stamp: Any) -> None:
        case.escalate_ombudsman_overdue(matter_id, stamp)

    return [OpenClock(due, "OmbudsmanMatterOverdue", fire)]


def ombudsman_closed(case: Case, matter_id: UUID) -> str | None:
    """Closed, escalated, determined, or with no due date to keep."""
    if matter_id in case.closed_ombudsman:
        return "closed"
    matter = case.ombudsman[matter_id]
    if matter.overdue:
        return "overdue"
    if matter.determined_at is not None:  # the remedies it ordered have their own clocks
        return "determined"
    return "no_due_date" if matter.due_on is None else None


class OmbudsmanActivities:
    def __init__(self, app: CaseService) -> None:
        self.firing = ClockFiring(app)

    @activity.defn(name="advance_ombudsman")
    def advance_ombudsman(self, clock: OmbudsmanInput) -> Schedule:
        mid = clock.matter_id
        return self.firing.advance(
            clock.case_id, f"ombudsman-{mid}",
            lambda case, org: ombudsman_clocks(case, mid, org),
            lambda case: ombudsman_closed(case, mid))


def activities(app: CaseService) -> list[Callable[..., Any]]:
    return [OmbudsmanActivities(app).advance_ombudsman]
