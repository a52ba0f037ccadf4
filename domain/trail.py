"""The decision trail of a case: who decided what, when, why and on what evidence.

Pure: the caller passes the case's events as the application reads them (personal data
opened with the customer's key). Reasons and behaviour justifications come out as text, shown
as ``[erased]`` once the customer's key is destroyed; the evidence is the ids of the recorded
incidents and contacts. What was decided is the event's name and its coded fields, given by
the caller (``detail``) so this module keeps to the domain.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from domain.events import DecisionEvent
from domain.personal import ERASED_TEXT, PersonalData


def _text(value: PersonalData | str | None) -> str | None:
    return None if value is None else str(value)


def decision_trail(events: Iterable[Any],
                   detail: Callable[[Any], dict[str, Any]] = lambda event: {}
                   ) -> list[dict[str, Any]]:
    """One entry per decision, oldest first."""
    trail = []
    for event in events:
        if not isinstance(event, DecisionEvent):
            continue
        trail.append({
            "version": event.originator_version, "decision": type(event).__name__,
            "actor_id": event.actor_id, "actor_role": event.actor_role,
            "occurred_at": event.occurred_at, "recorded_at": event.recorded_at,
            "reason": _text(event.reason),
            "behaviour_justification": _text(getattr(event, "behaviour_justification", None)),
            "evidence": list(event.evidence), "detail": detail(event)})
    return trail


def shows_personal_text(trail: Iterable[dict[str, Any]]) -> bool:
    """Whether a trail shows any readable reason or justification (the read is logged)."""
    return any(entry[key] not in (None, ERASED_TEXT)
               for entry in trail for key in ("reason", "behaviour_justification"))
