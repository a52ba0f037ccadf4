"""Events that open or close an ordered remedy's clock."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from domain import events as ev
from domain.case import Case
from workflows.launch import LaunchAction, StartWorkflow, changed
from workflows.remedy.activities import RemedyInput
from workflows.remedy.workflows import CLOCK


def determined(event: Any) -> Sequence[LaunchAction]:
    """One clock per remedy the determination ordered."""
    return [StartWorkflow(CLOCK.workflow, CLOCK.workflow_id(remedy["remedy_id"]),
                          RemedyInput(case_id=event.originator_id,
                                      remedy_id=UUID(remedy["remedy_id"])),
                          event.originator_id, CLOCK.kind)
            for remedy in event.remedies]


ROUTES = {
    ev.OmbudsmanDetermined.TOPIC: determined,
    **dict.fromkeys([ev.RemedyCompleted.TOPIC, ev.RemedyOverdue.TOPIC], changed(CLOCK)),
}


def open_workflow_ids(case: Case) -> list[str]:
    return [CLOCK.workflow_id(rid) for rid, r in case.remedies.items()
            if r.completed_at is None and not r.overdue]
