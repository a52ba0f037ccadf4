"""What every case event keeps, and the helpers the upcasters share.

Each event keeps who acted (``actor_id``, ``actor_role``), when it happened (``occurred_at``,
may be back-dated) and when it was recorded (``recorded_at``), and the client's
``command_id``. Decisions also keep their ``reason`` and ``evidence`` references.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.personal import PersonalData, plain_as_personal
from domain.records import (
    Notice,
)
from domain.terms import PERSONAL_TERMS
from domain.vocabulary import (
    NoticeKind,
)


class CaseEvent(Aggregate.Event):
    TOPIC = "upc.case:Case.Event"
    class_version = 1
    actor_id: str
    actor_role: str
    occurred_at: datetime
    recorded_at: datetime
    command_id: str | None

    def apply(self, aggregate: Any) -> None:
        self.change(aggregate)
        if self.command_id is not None:
            aggregate.command_ids.add(self.command_id)

    def change(self, case: Any) -> None:
        """Change the case's state; overridden by each event."""

class DecisionEvent(CaseEvent):
    """A decision: its ``reason`` (and any ``behaviour_justification``) is free text staff
    write, often about the customer's life and health, so from v2 it is the customer's
    personal data, sealed with their key (v1 stored it in clear; read as personal data)."""

    TOPIC = "upc.case:Case.DecisionEvent"
    class_version = 2  # v2: reason (and behaviour_justification) sealed as personal data
    reason: PersonalData
    evidence: list[str]

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        _seal_v1_text(state)


def _subject(state: dict[str, Any]) -> str:
    return str(state["originator_id"])


def _seal_v1_text(state: dict[str, Any]) -> None:
    """v1 decisions kept their free text in clear: read it as the customer's personal data."""
    subject = _subject(state)
    state["reason"] = plain_as_personal(subject, state["reason"])
    if "behaviour_justification" in state:
        state["behaviour_justification"] = plain_as_personal(
            subject, state["behaviour_justification"])


def _split_v1_terms(state: dict[str, Any], key: str) -> None:
    """v1 kept every terms field in ``key``; the free-text ones move to ``personal_terms``."""
    terms = state.get(key)
    personal: dict[str, PersonalData] = {}
    if terms is not None:
        terms = dict(terms)
        subject = _subject(state)
        for name in PERSONAL_TERMS:
            value = terms.pop(name, None)
            if name == "same_matter_bar" and value:
                personal[name] = PersonalData(subject, json.dumps(list(value)))
            elif name == "scope_justification" and value and str(value).strip():
                personal[name] = PersonalData(subject, str(value))
        state[key] = terms
    state["personal_terms"] = personal

def _owe_notice(case: Any, notice_id: UUID, kind: NoticeKind, about: UUID,
                since: datetime) -> None:
    case.notices[notice_id] = Notice(notice_id, kind.value, about, since)

def _add_recorded_at(state: dict[str, Any]) -> None:
    state.setdefault("recorded_at", state.get("occurred_at") or state["timestamp"])
