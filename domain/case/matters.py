"""The other events a case must take: counter-allegations, representatives, the Ombudsman,
complaints, subject access, the owner, the tenancy, per-case settings and closure."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain import events as ev
from domain.calendar import uk_date
from domain.case.core import CaseCore
from domain.case.stamp import Stamp
from domain.errors import (
    AppealAlreadyOpen,
    InvalidInput,
    LiftNoticeOwed,
    OwnerConflicted,
    RestrictionInForce,
)
from domain.permissions import (
    ADMIN,
    FRONT_LINE,
    MANAGEMENT,
)
from domain.personal import sealed_for
from domain.privacy import (
    representative_subject_id,
)
from domain.rules import parse_code, require_reason
from domain.settings import PolicyValues, Setting, parse_setting
from domain.vocabulary import (
    AppealStatus,
    NoticeKind,
    OmbudsmanStage,
    RepresentativeKind,
    RestrictionStatus,
)


class MatterCommands(CaseCore):

    def record_counter_allegation(self, staff_id: str, summary: str, stamp: Stamp) -> None:
        self._open_for(stamp, FRONT_LINE, "record a counter-allegation")
        if not staff_id.strip():
            raise InvalidInput("Name the staff member the allegation is about.")
        self._record(ev.CounterAllegationMade, stamp,
                     allegation_id=self.new_id("allegation"), staff_id=staff_id,
                     summary=self.personal(summary))

    def nominate_representative(self, kind: str, details: str, consent_on: date | None,
                                stamp: Stamp) -> None:
        self._open_for(stamp, FRONT_LINE, "record a representative or advocate")
        code = parse_code(RepresentativeKind, kind, "representative kind")
        if consent_on is None:
            raise InvalidInput("Record the date the customer consented to this "
                               f"{code.value}; without consent they cannot act.")
        representative_id = self.new_id("representative")
        subject = representative_subject_id(self.id, representative_id)
        self._record(ev.RepresentativeNominated, stamp,
                     representative_id=representative_id, kind=code.value,
                     details=sealed_for(subject, details, self.erased_subjects),
                     consent_on=consent_on)

    def record_ombudsman_contact(self, stage: str, reference: str, due_on: date | None,
                                 details: str, stamp: Stamp) -> None:
        self._open_for(stamp, MANAGEMENT, "record an Ombudsman enquiry or order",
                       closed_ok=True)
        code = parse_code(OmbudsmanStage, stage, "Ombudsman stage")
        if not reference.strip():
            raise InvalidInput("Record the Ombudsman's reference.")
        self._record(ev.OmbudsmanContacted, stamp, matter_id=self.new_id("ombudsman"),
                     stage=code.value, reference=self.sealed_text(reference), due_on=due_on,
                     details=self.personal(details))

    def record_restriction_complaint(self, restriction_id: UUID, summary: str,
                                     stamp: Stamp) -> None:
        self._open_for(stamp, FRONT_LINE, "record a complaint about a restriction")
        self._restriction(restriction_id)
        self._record(ev.RestrictionComplaintMade, stamp,
                     complaint_id=self.new_id("complaint"), restriction_id=restriction_id,
                     summary=self.personal(summary))

    def record_subject_access_request(self, stamp: Stamp, policy: PolicyValues) -> None:
        self._open_for(stamp, FRONT_LINE | ADMIN, "record a subject access request",
                       closed_ok=True)
        case_policy = self.policy(policy)
        due_on = case_policy.calendar.after(uk_date(stamp.occurred_at),
                                            case_policy.period(Setting.SAR_RESPONSE))
        self._record(ev.SubjectAccessRequested, stamp, request_id=self.new_id("sar"),
                     due_on=due_on)

    def assign_owner(self, owner_id: str, reason: str, stamp: Stamp) -> None:
        """A manager names the case owner. Not someone the customer has made a
        counter-allegation against (they are conflicted on this case), and not by a manager
        who is. Naming the current owner again records nothing."""
        self._open_for(stamp, MANAGEMENT, "assign the case owner")
        owner = owner_id.strip()
        if not owner:
            raise InvalidInput("Name the member of staff who will own this case.")
        self._require_not_conflicted(stamp.actor)
        if owner in self.conflicted_staff:
            raise OwnerConflicted(
                f"The customer has made an allegation against {owner}, so they cannot own "
                "this case; choose someone else.")
        reason = require_reason(reason, "assigning the case owner")
        if owner == self.owner_id:
            return
        self._record(ev.CaseOwnerAssigned, stamp, owner_id=owner,
                     previous_owner_id=self.owner_id, reason=reason, evidence=[])

    def record_tenancy_ended(self, ended_on: date, stamp: Stamp) -> None:
        self._open_for(stamp, FRONT_LINE, "record that the tenancy ended")
        self._record(ev.TenancyEnded, stamp, ended_on=ended_on)

    def override_setting(self, name: str, value: str, reason: str, stamp: Stamp) -> None:
        self._open_for(stamp, MANAGEMENT, "set a clock for this case")
        setting, canonical = parse_setting(name, value)
        self._record(ev.SettingOverridden, stamp, setting=setting.value, value=canonical,
                     reason=require_reason(reason, "changing this case's setting"),
                     evidence=[])

    def close(self, reason: str, stamp: Stamp, policy: PolicyValues) -> None:
        self._open_for(stamp, MANAGEMENT, "close a case")
        reason = require_reason(reason, "closing the case")
        if any(r.in_force or r.status == RestrictionStatus.PROPOSED
               for r in self.restrictions.values()):
            raise RestrictionInForce("A restriction is still in force or awaiting a decision; "
                                     "lift it or decide it before closing the case.")
        if any(a.status in (AppealStatus.LODGED, AppealStatus.LATE_AWAITING_DECISION)
               for a in self.appeals.values()):
            raise AppealAlreadyOpen("An appeal is awaiting a decision; decide it first.")
        owed = [n for n in self.notices.values()
                if n.kind == NoticeKind.LIFT and n.sent_at is None]
        if owed:
            raise LiftNoticeOwed("The customer has not been sent the notice that their "
                                 "restriction ended; send it before closing the case.")
        period = self.policy(policy).period(Setting.RETENTION)
        retain_until = self.policy(policy).calendar.after(uk_date(stamp.occurred_at), period)
        self._record(ev.CaseClosed, stamp, retain_until=retain_until, reason=reason,
                     evidence=[])
