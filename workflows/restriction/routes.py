"""Events that open, move or close a restriction's clocks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domain import events as ev
from domain.case import Case
from workflows.launch import LaunchAction, changed, start
from workflows.restriction.activities import RestrictionInput
from workflows.restriction.workflows import CLOCK


def decided(event: Any) -> Sequence[LaunchAction]:
    return start(CLOCK, event, RestrictionInput(case_id=event.originator_id,
                                                restriction_id=event.restriction_id))


ROUTES = {
    ev.RestrictionApproved.TOPIC: decided,
    ev.ImmediateRestrictionImposed.TOPIC: decided,
    # Anything that moves a date or ends the restriction; the clock's own events too, since
    # a manager may record them first.
    **dict.fromkeys([ev.ImmediateRestrictionRatified.TOPIC, ev.RatificationOverdue.TOPIC,
                     ev.ReviewDue.TOPIC, ev.ReviewOverdue.TOPIC, ev.ReviewCompleted.TOPIC,
                     ev.RestrictionLifted.TOPIC, ev.RestrictionExpired.TOPIC],
                    changed(CLOCK)),
}


def open_workflow_ids(case: Case) -> list[str]:
    return [CLOCK.workflow_id(rid) for rid, r in case.restrictions.items() if r.in_force]
