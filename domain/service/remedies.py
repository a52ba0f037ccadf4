"""Ombudsman determinations and the remedies they order."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import UUID

from domain.actors import SYSTEM_ACTOR, Actor
from domain.case import Case
from domain.service.base import ServiceBase


class RemedyCommands(ServiceBase):

    def record_ombudsman_determination(self, case_id: UUID, actor: Actor, *, matter_id: UUID,
                                       remedies: Sequence[tuple[str, date]],
                                       details: str = "", **options: Any) -> Case:
        """``remedies``: (``RemedyKind`` code, due date) for each remedy ordered."""
        return self._do(case_id, actor, options,
                        lambda case, stamp: case.record_ombudsman_determination(
                            matter_id, remedies, details, stamp))

    def complete_remedy(self, case_id: UUID, actor: Actor, *, remedy_id: UUID,
                        note: str = "", **options: Any) -> Case:
        return self._do(case_id, actor, options,
                        lambda case, stamp: case.complete_remedy(remedy_id, note, stamp))

    def escalate_remedy_overdue(self, case_id: UUID, remedy_id: UUID,
                                actor: Actor = SYSTEM_ACTOR, **options: Any) -> Case:
        return self._do(case_id, actor, options,
                        lambda case, stamp: case.escalate_remedy_overdue(remedy_id, stamp))
