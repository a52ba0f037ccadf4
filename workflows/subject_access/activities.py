"""A subject access request's clock, read from its events: answered by its due date (the
extended one, if extended), or escalated as overdue."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

from pydantic import BaseModel
from temporalio import activity

from domain.application import CaseService
from domain.case import Case
from domain.clocks import subject_access_overdue_at
from domain.settings import PolicyValues
from workflows.firing import ClockFiring, OpenClock
from workflows.schedule import Schedule


class SubjectAccessInput(BaseModel):
    case_id: UUID
    request_id: UUID
    history_limit: int = 2000


def subject_access_clocks(case: Case, request_id: UUID,
                          organisation: PolicyValues) -> Sequence[OpenClock]:
    if subject_access_closed(case, request_id) is not None:
        return []

    def fire(stamp: Any) -> None:
        case.escalate_subject_access_overdue(request_id, stamp)

    return [OpenClock(subject_access_overdue_at(case, request_id), "SubjectAccessOverdue",
                      fire)]


def subject_access_closed(case: Case, request_id: UUID) -> str | None:
    """Answered, or escalated: the subject access work list takes it from there."""
    if request_id in case.sar_fulfilled:
        return "fulfilled"
    return "overdue" if request_id in case.sar_overdue else None


class SubjectAccessActivities:
    def __init__(self, app: CaseService) -> None:
        self.firing = ClockFiring(app)

    @activity.defn(name="advance_subject_access")
    def advance_subject_access(self, clock: SubjectAccessInput) -> Schedule:
        rid = clock.request_id
        return self.firing.advance(
            clock.case_id, f"sar-{rid}",
            lambda case, org: subject_access_clocks(case, rid, org),
            lambda case: subject_access_closed(case, rid))


def activities(app: CaseService) -> list[Callable[..., Any]]:
    return [SubjectAccessActivities(app).advance_subject_access]
