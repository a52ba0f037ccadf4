"""Events that open, move or close a subject access request's clock."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domain import events as ev
from domain.case import Case
from workflows.launch import LaunchAction, changed, start
from workflows.subject_access.activities import SubjectAccessInput
from workflows.subject_access.workflows import CLOCK


def requested(event: Any) -> Sequence[LaunchAction]:
    return start(CLOCK, event, SubjectAccessInput(case_id=event.originator_id,
                                                  request_id=event.request_id))


ROUTES = {
    ev.SubjectAccessRequested.TOPIC: requested,
    **dict.fromkeys([ev.SubjectAccessExtended.TOPIC, ev.SubjectAccessFulfilled.TOPIC,
                     ev.SubjectAccessOverdue.TOPIC], changed(CLOCK)),
}


def open_workflow_ids(case: Case) -> list[str]:
    return [CLOCK.workflow_id(rid) for rid in case.subject_access_requests
            if rid not in case.sar_fulfilled and rid not in case.sar_overdue]
