"""A warning's clock, read from its events: it lapses after the lapse period without incidents."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

from pydantic import BaseModel
from temporalio import activity

from domain.application import CaseService
from domain.case import Case
from domain.clocks import warning_lapses_at
from domain.settings import PolicyValues
from workflows.firing import ClockFiring, OpenClock
from workflows.schedule import Schedule


class WarningInput(BaseModel):
    case_id: UUID
    warning_id: UUID
    history_limit: int = 2000


def warning_clocks(case: Case, warning_id: UUID,
                   organisation: PolicyValues) -> Sequence[OpenClock]:
    if case.warnings[warning_id].lapsed:
        return []

    def fire(stamp: Any) -> None:
        case.lapse_warning(warning_id, stamp, organisation)

    # A later incident moves the date: the launcher signals on every incident of the case.
    return [OpenClock(warning_lapses_at(case, warning_id, organisation), "WarningLapsed", fire)]


def warning_closed(case: Case, warning_id: UUID) -> str | None:
    return "lapsed" if case.warnings[warning_id].lapsed else None


class WarningActivities:
    def __init__(self, app: CaseService) -> None:
        self.firing = ClockFiring(app)

    @activity.defn(name="advance_warning")
    def advance_warning(self, clock: WarningInput) -> Schedule:
        wid = clock.warning_id
        return self.firing.advance(
            clock.case_id, f"warning-{wid}",
            lambda case, org: warning_clocks(case, wid, org),
            lambda case: warning_closed(case, wid))


def activities(app: CaseService) -> list[Callable[..., Any]]:
    return [WarningActivities(app).advance_warning]
