"""Events that open, move or close an appeal's clock."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domain import events as ev
from domain.case import Case
from domain.vocabulary import AppealStatus
from workflows.appeal.activities import AppealInput
from workflows.appeal.workflows import CLOCK
from workflows.launch import LaunchAction, changed, start


def lodged(event: Any) -> Sequence[LaunchAction]:
    """Late or not: a late appeal's workflow waits for a senior manager's acceptance."""
    return start(CLOCK, event, AppealInput(case_id=event.originator_id,
                                           appeal_id=event.appeal_id,
                                           restriction_id=event.restriction_id))


ROUTES = {
    ev.AppealLodged.TOPIC: lodged,
    **dict.fromkeys([ev.LateAppealAccepted.TOPIC, ev.LateAppealRejected.TOPIC,
                     ev.AppealDecisionReminded.TOPIC, ev.AppealOverdue.TOPIC,
                     ev.AppealDecided.TOPIC], changed(CLOCK)),
}

OPEN = (AppealStatus.LODGED, AppealStatus.LATE_AWAITING_DECISION)


def open_workflow_ids(case: Case) -> list[str]:
    return [CLOCK.workflow_id(aid) for aid, a in case.appeals.items() if a.status in OPEN]
