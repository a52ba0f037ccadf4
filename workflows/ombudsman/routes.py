"""Events that open or close an Ombudsman matter's due-date clock."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domain import events as ev
from domain.case import Case
from workflows.launch import LaunchAction, changed, start
from workflows.ombudsman.activities import OmbudsmanInput
from workflows.ombudsman.workflows import CLOCK


def contacted(event: Any) -> Sequence[LaunchAction]:
    """Only an enquiry or order with a due date has a clock."""
    if event.due_on is None:
        return []
    return start(CLOCK, event, OmbudsmanInput(case_id=event.originator_id,
                                              matter_id=event.matter_id))


ROUTES = {
    ev.OmbudsmanContacted.TOPIC: contacted,
    **dict.fromkeys([ev.OmbudsmanMatterClosed.TOPIC, ev.OmbudsmanMatterOverdue.TOPIC,
                     ev.OmbudsmanDetermined.TOPIC], changed(CLOCK)),
}


def open_workflow_ids(case: Case) -> list[str]:
    return [CLOCK.workflow_id(mid) for mid, m in case.ombudsman.items()
            if m.due_on is not None and not m.overdue and m.determined_at is None
            and mid not in case.closed_ombudsman]
