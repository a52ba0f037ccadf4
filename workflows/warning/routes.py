"""Events that open, move or close a warning's lapse clock."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domain import events as ev
from domain.case import Case
from workflows.launch import LaunchAction, SignalOpenClocks, changed, event_ref, start
from workflows.warning.activities import WarningInput
from workflows.warning.workflows import CLOCK


def given(event: Any) -> Sequence[LaunchAction]:
    return start(CLOCK, event, WarningInput(case_id=event.originator_id,
                                            warning_id=event.warning_id))


def incident(event: Any) -> Sequence[LaunchAction]:
    """A further incident starts every open warning's lapse period again."""
    return [SignalOpenClocks(event.originator_id, event_ref(event), frozenset({CLOCK.kind}))]


def triaged(event: Any) -> Sequence[LaunchAction]:
    return incident(event) if event.incident_id is not None else []


ROUTES = {
    ev.WarningGiven.TOPIC: given,
    ev.WarningLapsed.TOPIC: changed(CLOCK),
    ev.IncidentRecorded.TOPIC: incident,
    ev.ContactTriaged.TOPIC: triaged,  # a breach of terms is recorded as an incident
}


def open_workflow_ids(case: Case) -> list[str]:
    return [CLOCK.workflow_id(wid) for wid, w in case.warnings.items() if not w.lapsed]
