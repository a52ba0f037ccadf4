"""An Ombudsman's determination on a matter, the remedies it ordered, and their ends."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from domain.events.base import CaseEvent
from domain.personal import PersonalData
from domain.records import Remedy


class OmbudsmanDetermined(CaseEvent):
    """The Ombudsman determined the matter and ordered these remedies, each due by a date.

    ``remedies`` holds coded facts only: ``{"remedy_id", "kind" (RemedyKind), "due_on"}``
    (ids and dates as strings); the determination's own words are ``details``, sealed.
    """

    TOPIC = "upc.case:Case.OmbudsmanDetermined"
    matter_id: UUID
    remedies: list[dict[str, str]]
    details: PersonalData

    def change(self, case: Any) -> None:
        case.ombudsman[self.matter_id].determined_at = self.occurred_at
        for remedy in self.remedies:
            remedy_id = UUID(remedy["remedy_id"])
            case.remedies[remedy_id] = Remedy(
                remedy_id, self.matter_id, remedy["kind"], date.fromisoformat(remedy["due_on"]),
                self.occurred_at)


class RemedyCompleted(CaseEvent):
    """The landlord did what the Ombudsman ordered (on time or not: ``RemedyOverdue`` says)."""

    TOPIC = "upc.case:Case.RemedyCompleted"
    remedy_id: UUID
    note: PersonalData

    def change(self, case: Any) -> None:
        case.remedies[self.remedy_id].completed_at = self.occurred_at


class RemedyOverdue(CaseEvent):
    """An ordered remedy passed its due date before it was completed: escalated once."""

    TOPIC = "upc.case:Case.RemedyOverdue"
    remedy_id: UUID
    due_on: date

    def change(self, case: Any) -> None:
        case.remedies[self.remedy_id].overdue = True
