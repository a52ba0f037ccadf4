"""Whose personal data a case holds, what keeps it, and when it may go (UK GDPR).

Pure functions of a case: no I/O. The application service destroys keys; these say which.

- Every person has a key of their own: the customer's subject id is the case id; each
  representative's is ``<case id>/representative/<representative id>``, so either can be
  erased without the other.
- A legal hold keeps a closed case past its retention date (POLICY.md): an open complaint, an
  open Ombudsman matter, an unanswered subject access request, a litigation hold.
- A closed case is disposed of the day after its ``retain_until`` unless a hold applies.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING
from uuid import UUID

from domain.vocabulary import CaseStatus, LegalHoldKind

if TYPE_CHECKING:
    from domain.state import CaseState


@dataclass(frozen=True)
class LegalHold:
    kind: LegalHoldKind
    ref: UUID  # the complaint, matter, request or hold that keeps the case

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind.value, "ref": str(self.ref)}


def representative_subject_id(case_id: UUID, representative_id: UUID) -> str:
    return f"{case_id}/representative/{representative_id}"


def legal_holds(case: CaseState) -> list[LegalHold]:
    holds = [LegalHold(LegalHoldKind.OPEN_COMPLAINT, c) for c in case.complaints
             if c not in case.resolved_complaints]
    holds += [LegalHold(LegalHoldKind.OMBUDSMAN_CASE, m) for m in case.ombudsman
              if m not in case.closed_ombudsman]
    holds += [LegalHold(LegalHoldKind.SUBJECT_ACCESS_REQUEST, r)
              for r in case.subject_access_requests if r not in case.sar_fulfilled]
    holds += [LegalHold(LegalHoldKind.LITIGATION, h) for h in case.litigation_holds]
    return holds


def subjects_of(case: CaseState) -> list[str]:
    """Every person whose key seals data on this case: the customer, then representatives."""
    subjects = [case.subject_id]
    for representative in case.representatives.values():
        subject = representative.details.subject_id
        if subject not in subjects:
            subjects.append(subject)
    return subjects


def retention_ended(case: CaseState, today: date) -> bool:
    return (case.status == CaseStatus.CLOSED and case.retain_until is not None
            and today > case.retain_until)


def disposable(case: CaseState, today: date) -> bool:
    """Past retention, not yet disposed of, and no legal hold applies."""
    return (case.disposed_at is None and retention_ended(case, today)
            and not legal_holds(case))


def open_subject_access_requests(case: CaseState) -> list[tuple[UUID, date, bool]]:
    """(request id, due date, extended) of every request not yet answered."""
    return [(r, case.sar_due_on[r], r in case.sar_extended)
            for r in case.subject_access_requests if r not in case.sar_fulfilled]
