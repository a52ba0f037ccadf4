"""Events that open, move or close a restriction's clocks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domain import events as ev
from domain.case import Case
from workflows.launch import LaunchAction, SignalOpenClocks, changed, event_ref, start
from workflows.restriction.activities import RestrictionInput
from workflows.restriction.workflows import CLOCK


def decided(event: Any) -> Sequence[LaunchAction]:
    return start(CLOCK, event, RestrictionInput(case_id=event.originator_id,
                                                restriction_id=event.restriction_id))


def notice_sent(event: Any) -> Sequence[LaunchAction]:
    """A restriction's notice opens its appeal window (which notice it was is read from the
    case when the action runs: every open restriction clock of the case re-reads)."""
    return [SignalOpenClocks(event.originator_id, event_ref(event), frozenset({CLOCK.kind}))]


ROUTES = {
    ev.RestrictionApproved.TOPIC: decided,
    ev.ImmediateRestrictionImposed.TOPIC: decided,
    # Anything that moves a date or ends the restriction; the clock's own events too, since
    # a manager may record them first.
    **dict.fromkeys([ev.ImmediateRestrictionRatified.TOPIC, ev.RatificationOverdue.TOPIC,
                     ev.ReviewDue.TOPIC, ev.ReviewOverdue.TOPIC, ev.ReviewCompleted.TOPIC,
                     ev.RestrictionLifted.TOPIC, ev.RestrictionExpired.TOPIC,
                     ev.RestrictionExtended.TOPIC, ev.AppealWindowClosed.TOPIC,
                     # an appeal lodged in time stops the appeal window's clock
                     ev.AppealLodged.TOPIC],
                    changed(CLOCK)),
    ev.NoticeSent.TOPIC: notice_sent,
}


def open_workflow_ids(case: Case) -> list[str]:
    return [CLOCK.workflow_id(rid) for rid, r in case.restrictions.items() if r.in_force]
