"""Events that open, move or close a warning's lapse clock."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domain import events as ev
from domain.case import Case
from workflows.launch import LaunchAction, SignalOpenClocks, StartWorkflow, event_ref, signal
from workflows.warning.activities import WarningInput
from workflows.warning.workflows import KIND, workflow_id


def start(event: Any) -> Sequence[LaunchAction]:
    return [StartWorkflow(
        "WarningWorkflow", workflow_id(event.warning_id),
        WarningInput(case_id=event.originator_id, warning_id=event.warning_id),
        event.originator_id, KIND)]


def changed(event: Any) -> Sequence[LaunchAction]:
    return [signal(workflow_id(event.warning_id), event)]


def incident(event: Any) -> Sequence[LaunchAction]:
    """A further incident starts every open warning's lapse period again."""
    return [SignalOpenClocks(event.originator_id, event_ref(event), frozenset({KIND}))]


def triaged(event: Any) -> Sequence[LaunchAction]:
    return incident(event) if event.incident_id is not None else []


ROUTES = {
    ev.WarningGiven.TOPIC: start,
    ev.WarningLapsed.TOPIC: changed,
    ev.IncidentRecorded.TOPIC: incident,
    ev.ContactTriaged.TOPIC: triaged,  # a breach of terms is recorded as an incident
}


def open_workflow_ids(case: Case) -> list[str]:
    return [workflow_id(wid) for wid, w in case.warnings.items() if not w.lapsed]
