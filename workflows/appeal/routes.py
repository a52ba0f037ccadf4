"""Events that open, move or close an appeal's clock."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domain import events as ev
from domain.case import Case
from domain.vocabulary import AppealStatus
from workflows.appeal.activities import AppealInput
from workflows.appeal.workflows import KIND, workflow_id
from workflows.launch import LaunchAction, StartWorkflow, signal


def start(event: Any) -> Sequence[LaunchAction]:
    """Late or not: a late appeal's workflow waits for a senior manager's acceptance."""
    return [StartWorkflow(
        "AppealWorkflow", workflow_id(event.appeal_id),
        AppealInput(case_id=event.originator_id, appeal_id=event.appeal_id,
                    restriction_id=event.restriction_id),
        event.originator_id, KIND)]


def changed(event: Any) -> Sequence[LaunchAction]:
    return [signal(workflow_id(event.appeal_id), event)]


ROUTES = {
    ev.AppealLodged.TOPIC: start,
    ev.LateAppealAccepted.TOPIC: changed,
    ev.LateAppealRejected.TOPIC: changed,
    ev.AppealOverdue.TOPIC: changed,
    ev.AppealDecided.TOPIC: changed,
}

OPEN = (AppealStatus.LODGED, AppealStatus.LATE_AWAITING_DECISION)


def open_workflow_ids(case: Case) -> list[str]:
    return [workflow_id(aid) for aid, a in case.appeals.items() if a.status in OPEN]
