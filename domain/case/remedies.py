"""Ombudsman determinations: the remedies ordered, each due by a date (a clock that escalates
once when overdue), and their completion. A matter stays open until every remedy is done."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from uuid import UUID, uuid5

from domain import events as ev
from domain.calendar import uk_date
from domain.case.core import CaseCore
from domain.case.stamp import Stamp
from domain.clocks import remedy_overdue_at
from domain.errors import (
    OmbudsmanAlreadyDetermined,
    OmbudsmanMatterClosed,
    RemedyAlreadyCompleted,
    RemedyDueBeforeDetermination,
)
from domain.permissions import CLOCK_OR_MANAGEMENT, MANAGEMENT
from domain.records import OmbudsmanMatter, Remedy
from domain.rules import parse_code
from domain.vocabulary import RemedyKind


class RemedyCommands(CaseCore):

    def record_ombudsman_determination(self, matter_id: UUID,
                                       remedies: Sequence[tuple[str, date]], details: str,
                                       stamp: Stamp) -> None:
        """A manager records the Ombudsman's determination on an open matter: each ordered
        remedy (``RemedyKind``) with the date the Ombudsman set for it. Once only; a
        determination that orders nothing is recorded too. It ends the matter's own
        due-date clock; each remedy has its own."""
        self._open_for(stamp, MANAGEMENT, "record an Ombudsman determination",
                       closed_ok=True)
        matter: OmbudsmanMatter = self._found(self.ombudsman, matter_id, "Ombudsman matter")
        if matter_id in self.closed_ombudsman:
            raise OmbudsmanMatterClosed("This Ombudsman matter is closed; a determination "
                                        "is recorded on an open matter.")
        if matter.determined_at is not None:
            raise OmbudsmanAlreadyDetermined(
                "The Ombudsman's determination on this matter is already recorded.")
        determined_on = uk_date(stamp.occurred_at)
        ordered = []
        for index, (kind, due_on) in enumerate(remedies):
            code = parse_code(RemedyKind, kind, "remedy")
            if due_on < determined_on:
                raise RemedyDueBeforeDetermination(
                    f"The {code.value.replace('_', ' ')} is due on {due_on}, before the "
                    f"determination ({determined_on}); record the date the Ombudsman set.")
            remedy_id = uuid5(self.id, f"remedy:{self.version + 1}:{index}")
            ordered.append({"remedy_id": str(remedy_id), "kind": code.value,
                            "due_on": due_on.isoformat()})
        self._record(ev.OmbudsmanDetermined, stamp, matter_id=matter_id, remedies=ordered,
                     details=self.personal(details))

    def complete_remedy(self, remedy_id: UUID, note: str, stamp: Stamp) -> None:
        """Record that an ordered remedy was done (late or not), once."""
        self._open_for(stamp, MANAGEMENT, "record an Ombudsman remedy as done", closed_ok=True)
        remedy = self._remedy(remedy_id)
        if remedy.completed_at is not None:
            raise RemedyAlreadyCompleted("This remedy is already recorded as done.")
        self._record(ev.RemedyCompleted, stamp, remedy_id=remedy_id, note=self.personal(note))

    def escalate_remedy_overdue(self, remedy_id: UUID, stamp: Stamp) -> None:
        """Not done by the end of its due date: escalated once (the clock's command)."""
        self._open_for(stamp, CLOCK_OR_MANAGEMENT, "escalate an overdue Ombudsman remedy",
                       closed_ok=True)
        remedy = self._remedy(remedy_id)
        if remedy.completed_at is not None or remedy.overdue:
            return
        self._require_due(remedy_overdue_at(self, remedy_id), stamp, "the remedy")
        self._record(ev.RemedyOverdue, stamp, remedy_id=remedy_id, due_on=remedy.due_on)

    def outstanding_remedies(self, matter_id: UUID) -> list[Remedy]:
        return [r for r in self.remedies.values()
                if r.matter_id == matter_id and r.completed_at is None]

    def _remedy(self, remedy_id: UUID) -> Remedy:
        remedy: Remedy = self._found(self.remedies, remedy_id, "Ombudsman remedy")
        return remedy
