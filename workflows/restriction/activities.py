"""The restriction's clocks, read from its events: ratification, review, escalation, expiry,
and the close of the appeal window of its notice."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any
from uuid import UUID

from pydantic import BaseModel
from temporalio import activity

from domain.application import CaseService
from domain.case import Case
from domain.clocks import (
    appeal_window_closes,
    appealable_notices,
    expiry_at,
    notice_appeal_window_closes,
    ratification_overdue_at,
    review_due_at,
    review_overdue_at,
)
from domain.settings import PolicyValues
from domain.vocabulary import RestrictionStatus
from workflows.firing import ClockFiring, OpenClock
from workflows.schedule import Schedule


class RestrictionInput(BaseModel):
    case_id: UUID
    restriction_id: UUID
    #: Continue as new once the history holds this many events (tests set it low).
    history_limit: int = 2000


def restriction_clocks(case: Case, restriction_id: UUID,
                       organisation: PolicyValues) -> Sequence[OpenClock]:
    restriction = case.restrictions[restriction_id]
    if not restriction.in_force:
        return []
    clocks: list[OpenClock] = []
    expires = expiry_at(case, restriction_id)
    if expires is not None:
        clocks.append(OpenClock(expires, "RestrictionExpired",
                                partial(case.expire_restriction, restriction_id)))
    if (restriction.status == RestrictionStatus.AWAITING_RATIFICATION
            and not restriction.ratification_overdue):
        clocks.append(OpenClock(
            ratification_overdue_at(case, restriction_id, organisation), "RatificationOverdue",
            _with_policy(case.escalate_ratification_overdue, restriction_id, organisation)))
    if restriction.status == RestrictionStatus.ACTIVE and restriction.review_date is not None:
        if not restriction.review_due:
            due = review_due_at(case, restriction_id)
            assert due is not None
            clocks.append(OpenClock(due, "ReviewDue",
                                    partial(case.mark_review_due, restriction_id)))
        elif not restriction.review_overdue:
            clocks.append(OpenClock(
                review_overdue_at(case, restriction_id, organisation), "ReviewOverdue",
                _with_policy(case.escalate_review_overdue, restriction_id, organisation)))
    if case.appeal_window_pending(restriction_id):
        closes = appeal_window_closes(case, restriction_id, organisation)
        if closes is not None:  # None until the restriction's notice is sent
            clocks.append(OpenClock(
                closes, "AppealWindowClosed",
                _with_policy(case.close_appeal_window, restriction_id, organisation)))
    clocks.extend(_variation_windows(case, restriction_id, organisation))
    # At one instant an expiry goes first: a restriction that has ended needs no review.
    order = {"RestrictionExpired": 0}
    return sorted(clocks, key=lambda c: (c.due_at, order.get(c.fact, 1)))


def _variation_windows(case: Case, restriction_id: UUID,
                       organisation: PolicyValues) -> list[OpenClock]:
    """Each variation notice sent opens a fresh appeal window (POLICY.md: the appeal window
    counts from the notice). Its own fact name, so two windows closing at one instant have
    their own command ids."""
    own = case.restrictions[restriction_id].notice_id
    clocks = []
    for notice_id in appealable_notices(case, restriction_id):
        if notice_id == own or not case.appeal_window_pending(restriction_id, notice_id):
            continue
        closes = notice_appeal_window_closes(case, notice_id, organisation)
        if closes is not None:  # None until the variation's notice is sent
            clocks.append(OpenClock(
                closes, f"AppealWindowClosed:{notice_id}",
                partial(case.close_appeal_window, restriction_id, policy=organisation,
                        notice_id=notice_id)))
    return clocks


def restriction_closed(case: Case, restriction_id: UUID) -> str | None:
    restriction = case.restrictions[restriction_id]
    return None if restriction.in_force else restriction.status


def _with_policy(command: Callable[..., None], restriction_id: UUID,
                 organisation: PolicyValues) -> Callable[[Any], None]:
    return lambda stamp: command(restriction_id, stamp, organisation)


class RestrictionActivities:
    def __init__(self, app: CaseService) -> None:
        self.firing = ClockFiring(app)

    @activity.defn(name="advance_restriction")
    def advance_restriction(self, clock: RestrictionInput) -> Schedule:
        rid = clock.restriction_id
        return self.firing.advance(
            clock.case_id, f"restriction-{rid}",
            lambda case, org: restriction_clocks(case, rid, org),
            lambda case: restriction_closed(case, rid))


def activities(app: CaseService) -> list[Callable[..., Any]]:
    acts = RestrictionActivities(app)
    return [acts.advance_restriction]
