"""A notice's clock, read from its events: sent within the dispatch window, or escalated."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

from pydantic import BaseModel
from temporalio import activity

from domain.application import CaseService
from domain.case import Case
from domain.clocks import notice_overdue_at
from domain.settings import PolicyValues
from workflows.firing import ClockFiring, OpenClock
from workflows.schedule import Schedule


class NoticeInput(BaseModel):
    case_id: UUID
    notice_id: UUID
    history_limit: int = 2000


def notice_clocks(case: Case, notice_id: UUID,
                  organisation: PolicyValues) -> Sequence[OpenClock]:
    notice = case.notices[notice_id]
    if notice.sent_at is not None or notice.overdue:
        return []

    def fire(stamp: Any) -> None:
        case.escalate_notice_overdue(notice_id, stamp, organisation)

    return [OpenClock(notice_overdue_at(case, notice_id, organisation), "NoticeOverdue", fire)]


def notice_closed(case: Case, notice_id: UUID) -> str | None:
    """Sent, or escalated: the work queue of notices not yet sent takes it from there. Not
    while an email of it waits to be sent: this workflow sends it."""
    notice = case.notices[notice_id]
    if notice.sent_at is not None:
        return "sent"
    if notice.email_pending:
        return None
    return "overdue" if notice.overdue else None


class NoticeActivities:
    def __init__(self, app: CaseService) -> None:
        self.firing = ClockFiring(app)

    @activity.defn(name="advance_notice")
    def advance_notice(self, clock: NoticeInput) -> Schedule:
        nid = clock.notice_id
        schedule = self.firing.advance(
            clock.case_id, f"notice-{nid}",
            lambda case, org: notice_clocks(case, nid, org),
            lambda case: notice_closed(case, nid))
        if not schedule.closed and self.firing.app.get_case(
                clock.case_id).notices[nid].email_pending:
            schedule.deliver = True
        return schedule


def activities(app: CaseService) -> list[Callable[..., Any]]:
    return [NoticeActivities(app).advance_notice]
