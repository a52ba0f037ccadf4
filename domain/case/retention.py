"""Personal data, retention and legal holds (UK GDPR): subject access answered, holds,
erasure and disposal."""

from __future__ import annotations

from uuid import UUID

from domain import events as ev
from domain.calendar import uk_date
from domain.case.core import CaseCore
from domain.case.stamp import Stamp
from domain.errors import (
    InvalidInput,
    LegalHoldApplies,
    LegalHoldNotPlaced,
    NotFound,
    RemediesOutstanding,
    RetentionNotEnded,
    SubjectAccessAlreadyExtended,
    SubjectAccessClosed,
)
from domain.permissions import (
    ADMIN,
    DISPOSAL,
    FRONT_LINE,
    MANAGEMENT,
)
from domain.privacy import (
    legal_holds,
    retention_ended,
    subjects_of,
)
from domain.rules import parse_code, require_reason
from domain.settings import PolicyValues, Setting
from domain.vocabulary import (
    ErasedPerson,
    ErasureGround,
    LegalHoldKind,
)


class RetentionCommands(CaseCore):

    def extend_subject_access(self, request_id: UUID, reason: str, stamp: Stamp,
                              policy: PolicyValues) -> None:
        """A complex request: the response falls due later by the extension period."""
        self._open_for(stamp, MANAGEMENT | ADMIN, "extend a subject access request",
                       closed_ok=True)
        self._open_request(request_id)
        if request_id in self.sar_extended:
            raise SubjectAccessAlreadyExtended(
                "This subject access request has already been extended once.")
        case_policy = self.policy(policy)
        due_on = case_policy.calendar.after(self.sar_due_on[request_id],
                                            case_policy.period(Setting.SAR_EXTENSION))
        self._record(ev.SubjectAccessExtended, stamp, request_id=request_id, due_on=due_on,
                     reason=require_reason(reason, "extending a subject access request"),
                     evidence=[])

    def fulfil_subject_access(self, request_id: UUID, stamp: Stamp) -> None:
        self._open_for(stamp, FRONT_LINE | ADMIN, "record a subject access response",
                       closed_ok=True)
        if request_id in self.sar_fulfilled:
            return
        self._open_request(request_id)
        self._record(ev.SubjectAccessFulfilled, stamp, request_id=request_id)

    def resolve_restriction_complaint(self, complaint_id: UUID, stamp: Stamp) -> None:
        self._open_for(stamp, FRONT_LINE, "record a complaint as resolved", closed_ok=True)
        if complaint_id not in self.complaints:
            raise NotFound(f"There is no complaint {complaint_id} on this case.")
        if complaint_id in self.resolved_complaints:
            return
        self._record(ev.RestrictionComplaintResolved, stamp, complaint_id=complaint_id)

    def close_ombudsman_matter(self, matter_id: UUID, stamp: Stamp) -> None:
        self._open_for(stamp, MANAGEMENT, "record an Ombudsman matter as closed",
                       closed_ok=True)
        if matter_id not in self.ombudsman:
            raise NotFound(f"There is no Ombudsman matter {matter_id} on this case.")
        if matter_id in self.closed_ombudsman:
            return
        if any(r.matter_id == matter_id and r.completed_at is None
               for r in self.remedies.values()):
            raise RemediesOutstanding(
                "The Ombudsman ordered remedies on this matter that are not done yet; record "
                "each as done before closing the matter.")
        self._record(ev.OmbudsmanMatterClosed, stamp, matter_id=matter_id)

    def place_legal_hold(self, reason: str, stamp: Stamp) -> None:
        self._open_for(stamp, ADMIN, "place a litigation hold", closed_ok=True)
        self._record(ev.LegalHoldPlaced, stamp, hold_id=self.new_id("hold"),
                     kind=LegalHoldKind.LITIGATION.value,
                     reason=require_reason(reason, "placing a litigation hold"), evidence=[])

    def release_legal_hold(self, hold_id: UUID, reason: str, stamp: Stamp) -> None:
        self._open_for(stamp, ADMIN, "release a litigation hold", closed_ok=True)
        if hold_id not in self.litigation_holds:
            raise LegalHoldNotPlaced(f"There is no litigation hold {hold_id} in place.")
        self._record(ev.LegalHoldReleased, stamp, hold_id=hold_id,
                     reason=require_reason(reason, "releasing a litigation hold"), evidence=[])

    def erasure_subject(self, person: str, representative_id: UUID | None) -> str:
        """Whose key an erasure of ``person`` destroys."""
        who = parse_code(ErasedPerson, person, "person")
        if who is ErasedPerson.CUSTOMER:
            if representative_id is not None:
                raise InvalidInput("A representative id goes with person 'representative'.")
            return self.subject_id
        if representative_id is None:
            raise InvalidInput("Name the representative to erase (representative_id).")
        representative = self.representatives.get(representative_id)
        if representative is None:
            raise NotFound(f"There is no representative {representative_id} on this case.")
        subject = str(representative.details.subject_id)
        if subject == self.subject_id:
            raise InvalidInput(
                "This representative was recorded before representatives had keys of their "
                "own; their details are sealed with the customer's key and go with the "
                "customer's erasure.")
        return subject

    def erase_person(self, person: str, representative_id: UUID | None, ground: str,
                     stamp: Stamp) -> str:
        """Record that a person's key is destroyed (the service destroys it). Idempotent."""
        self._open_for(stamp, ADMIN, "erase a person's personal data", closed_ok=True)
        subject = self.erasure_subject(person, representative_id)
        reason = parse_code(ErasureGround, ground, "erasure ground")
        if subject in self.erased_subjects:
            return subject
        if subject == self.subject_id:
            self._require_no_legal_hold("erased")
        self._record(ev.PersonErased, stamp,
                     person=parse_code(ErasedPerson, person, "person").value, subject_id=subject,
                     representative_id=representative_id, ground=reason.value)
        return subject

    def dispose(self, stamp: Stamp) -> list[str]:
        """Retention ended and no hold applies: every person's key goes. Idempotent.

        Returns the subjects whose keys the service must destroy.
        """
        self._open_for(stamp, DISPOSAL, "dispose of a case", closed_ok=True)
        if self.disposed_at is not None:
            return subjects_of(self)
        today = uk_date(stamp.recorded_at)
        if not retention_ended(self, today):
            until = self.retain_until.isoformat() if self.retain_until else "it is closed"
            raise RetentionNotEnded(f"This case is kept until {until}; it cannot be disposed "
                                    "of before its retention ends.")
        self._require_no_legal_hold("disposed of")
        assert self.retain_until is not None
        subjects = subjects_of(self)
        self._record(ev.CaseDisposed, stamp, retain_until=self.retain_until,
                     erased_subjects=subjects)
        return subjects

    def _require_no_legal_hold(self, action: str) -> None:
        holds = legal_holds(self)
        if holds:
            kinds = sorted({h.kind.value.replace("_", " ") for h in holds})
            raise LegalHoldApplies(f"A legal hold applies ({', '.join(kinds)}); the personal "
                                   f"data cannot be {action} until it ends.")

    def _open_request(self, request_id: UUID) -> None:
        if request_id not in self.subject_access_requests:
            raise NotFound(f"There is no subject access request {request_id} on this case.")
        if request_id in self.sar_fulfilled:
            raise SubjectAccessClosed("This subject access request has been answered.")
