"""Equality monitoring: record and withdraw the customer's answers, and the answers the
committee report counts (opened here, at report time, and nowhere else)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from domain import events as ev
from domain.actors import Actor
from domain.case import Case
from domain.equality import decode_answers
from domain.service.base import ServiceBase


class EqualityCommands(ServiceBase):

    def record_equality_monitoring(self, case_id: UUID, actor: Actor, *,
                                   answers: Mapping[str, str], consent: bool,
                                   **options: Any) -> Case:
        return self._do(case_id, actor, options,
                        lambda case, stamp: case.record_equality_monitoring(
                            answers, consent, stamp))

    def withdraw_equality_consent(self, case_id: UUID, actor: Actor, **options: Any) -> Case:
        return self._do(case_id, actor, options,
                        lambda case, stamp: case.withdraw_equality_consent(stamp))

    def equality_answers(self) -> dict[UUID, dict[str, str]]:
        """Each consenting customer's current answers, by case id: the last answers recorded,
        unless consent was withdrawn after them; a customer whose key is destroyed (erased or
        disposed of) has none. Read from the event log with the personal data opened, for
        the committee report's equality counts only; never stored in a view."""
        answers: dict[UUID, dict[str, str]] = {}
        for event in self.events_of_kinds(ev.EqualityMonitoringRecorded,
                                          ev.EqualityConsentWithdrawn):
            if isinstance(event, ev.EqualityMonitoringRecorded):
                opened = decode_answers(event.answers.text)
                if opened:
                    answers[event.originator_id] = opened
                else:
                    answers.pop(event.originator_id, None)
            else:
                answers.pop(event.originator_id, None)
        return answers
