"""Personal data under UK GDPR: subject access answered, holds, erasure and disposal;
matters closed or overdue."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from domain.events.base import (
    CaseEvent,
    DecisionEvent,
)
from domain.personal import PersonalData


class SubjectAccessExtended(DecisionEvent):
    """A complex request: the response is due later (POLICY.md: by up to two months)."""

    TOPIC = "upc.case:Case.SubjectAccessExtended"
    request_id: UUID
    due_on: date

    def change(self, case: Any) -> None:
        case.sar_extended.add(self.request_id)
        case.sar_due_on[self.request_id] = self.due_on

class SubjectAccessFulfilled(CaseEvent):
    """The export was sent to the customer: the request's legal hold ends."""

    TOPIC = "upc.case:Case.SubjectAccessFulfilled"
    request_id: UUID

    def change(self, case: Any) -> None:
        case.sar_fulfilled.add(self.request_id)

class SubjectAccessOverdue(CaseEvent):
    """The response was not sent by its due date (the extended one, if extended)."""

    TOPIC = "upc.case:Case.SubjectAccessOverdue"
    request_id: UUID
    due_on: date

    def change(self, case: Any) -> None:
        case.sar_overdue.add(self.request_id)

class RestrictionComplaintResolved(CaseEvent):
    TOPIC = "upc.case:Case.RestrictionComplaintResolved"
    complaint_id: UUID

    def change(self, case: Any) -> None:
        case.resolved_complaints.add(self.complaint_id)

class OmbudsmanMatterClosed(CaseEvent):
    TOPIC = "upc.case:Case.OmbudsmanMatterClosed"
    matter_id: UUID

    def change(self, case: Any) -> None:
        case.closed_ombudsman.add(self.matter_id)

class OmbudsmanMatterOverdue(CaseEvent):
    """An Ombudsman enquiry or order passed its due date before the matter was closed."""

    TOPIC = "upc.case:Case.OmbudsmanMatterOverdue"
    matter_id: UUID
    due_on: date

    def change(self, case: Any) -> None:
        case.ombudsman[self.matter_id].overdue = True

class LegalHoldPlaced(DecisionEvent):
    """A litigation hold: the case is kept past its retention date until released."""

    TOPIC = "upc.case:Case.LegalHoldPlaced"
    hold_id: UUID
    kind: str  # LegalHoldKind (litigation: the other holds follow from the case's facts)

    def change(self, case: Any) -> None:
        case.litigation_holds[self.hold_id] = self.occurred_at

class LegalHoldReleased(DecisionEvent):
    TOPIC = "upc.case:Case.LegalHoldReleased"
    hold_id: UUID

    def change(self, case: Any) -> None:
        case.litigation_holds.pop(self.hold_id, None)

class PersonErased(CaseEvent):
    """A person's key was destroyed: every personal value sealed with it is gone for good.

    Records who was erased by role and opaque subject id, and why (a code): no data.
    """

    TOPIC = "upc.case:Case.PersonErased"
    person: str  # ErasedPerson
    subject_id: str
    representative_id: UUID | None
    ground: str  # ErasureGround

    def change(self, case: Any) -> None:
        case.erased_subjects.add(self.subject_id)
        if self.subject_id == case.subject_id:  # an Opened before v3 kept it in clear
            case.customer_ref = PersonalData(self.subject_id, None)

class CaseDisposed(CaseEvent):
    """Retention ended with no legal hold: every person's key on the case was destroyed.

    The coded facts (dates, decisions, roles) stay, so reports and projections still add up.
    """

    TOPIC = "upc.case:Case.CaseDisposed"
    retain_until: date
    erased_subjects: list[str]

    def change(self, case: Any) -> None:
        case.disposed_at = self.occurred_at
        case.erased_subjects.update(self.erased_subjects)
        case.customer_ref = PersonalData(case.subject_id, None)
