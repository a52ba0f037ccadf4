"""Events that open, move or close a restriction's clocks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domain import events as ev
from domain.case import Case
from workflows.launch import LaunchAction, StartWorkflow, signal
from workflows.restriction.activities import RestrictionInput
from workflows.restriction.workflows import KIND, workflow_id


def start(event: Any) -> Sequence[LaunchAction]:
    return [StartWorkflow(
        "RestrictionWorkflow", workflow_id(event.restriction_id),
        RestrictionInput(case_id=event.originator_id, restriction_id=event.restriction_id),
        event.originator_id, KIND)]


def changed(event: Any) -> Sequence[LaunchAction]:
    return [signal(workflow_id(event.restriction_id), event)]


ROUTES = {
    ev.RestrictionApproved.TOPIC: start,
    ev.ImmediateRestrictionImposed.TOPIC: start,
    # Anything that moves a date or ends the restriction; the clock's own events too, since
    # a manager may record them first.
    ev.ImmediateRestrictionRatified.TOPIC: changed,
    ev.RatificationOverdue.TOPIC: changed,
    ev.ReviewDue.TOPIC: changed,
    ev.ReviewOverdue.TOPIC: changed,
    ev.ReviewCompleted.TOPIC: changed,
    ev.RestrictionLifted.TOPIC: changed,
    ev.RestrictionExpired.TOPIC: changed,
}


def open_workflow_ids(case: Case) -> list[str]:
    return [workflow_id(rid) for rid, r in case.restrictions.items() if r.in_force]
