"""The Case aggregate: one per customer; each public method checks a rule, then records.

Commands take a ``Stamp`` (who, when it happened, when it is recorded, the client's command
id). Rules are checked against the case's state before anything is recorded, so a refused
command leaves the case untouched. Clocks fire through the commands at the end of the class;
each is a no-op when its fact is already recorded (see ``domain.clocks``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain import events as ev
from domain.actors import Actor, Role
from domain.calendar import start_of, uk_date
from domain.clocks import (
    appeal_decision_due_on,
    appeal_decision_overdue_at,
    appeal_decision_reminder_at,
    appeal_window_closes,
    notice_overdue_at,
    ombudsman_overdue_at,
    ratification_overdue_at,
    review_overdue_at,
    subject_access_overdue_at,
    warning_lapses_at,
)
from domain.errors import (
    AppealAlreadyOpen,
    AppealNotLate,
    AppealNotOpen,
    ApproverIsProposer,
    AssessmentStale,
    CaseClosed,
    ChecksIncomplete,
    ConcernRequired,
    ContactAlreadyTriaged,
    DeciderInvolved,
    EndDateInPast,
    EndDateNotLater,
    EvidenceRequired,
    InvalidInput,
    LateAppealNotAccepted,
    LegalHoldApplies,
    LegalHoldNotPlaced,
    LegitimateIssueUnresolved,
    LiftNoticeOwed,
    NotFound,
    NoticeAlreadySent,
    NotYetDue,
    OrganisationWideNeedsSeniorManager,
    OwnerConflicted,
    RatifierIsImposer,
    RestrictionInForce,
    RestrictionNotActive,
    RestrictionNotAwaitingRatification,
    RestrictionNotProposed,
    RetentionNotEnded,
    ReviewDateBeyondMaximum,
    ReviewDateInPast,
    ReviewDateRequired,
    StaffConflicted,
    SubjectAccessAlreadyExtended,
    SubjectAccessClosed,
    SupportNotOffered,
    ThreatRequired,
    UnknownEvidence,
    WrittenOnlyNotConfirmed,
)
from domain.permissions import (
    ADMIN,
    CLOCK,
    CLOCK_OR_MANAGEMENT,
    DISPOSAL,
    FRONT_LINE,
    MANAGEMENT,
    SENIOR,
    require_role,
)
from domain.personal import PersonalData, sealed_for
from domain.privacy import (
    legal_holds,
    representative_subject_id,
    retention_ended,
    subjects_of,
)
from domain.records import Appeal, Check, Contact, Incident, Notice, Restriction, Warning
from domain.rules import parse_code, require_aware, require_past, require_reason
from domain.settings import PolicyValues, Setting, parse_setting
from domain.terms import RestrictionTerms, split_terms
from domain.vocabulary import (
    AppealOutcome,
    AppealStatus,
    BehaviourCategory,
    CaseStatus,
    Channel,
    CheckKind,
    Direction,
    ErasedPerson,
    ErasureGround,
    LegalHoldKind,
    LiftCause,
    NoticeFormat,
    NoticeKind,
    OmbudsmanStage,
    OverdueReviewAction,
    RepresentativeKind,
    RestrictionStatus,
    ReviewOutcome,
    SupportResponse,
    Triage,
    WarningKind,
)

CASE_NAMESPACE = uuid5(NAMESPACE_URL, "urn:upc:case")


def case_id_for(customer_ref: str) -> UUID:
    """One case per customer: the id is derived, so opening twice cannot create two."""
    return uuid5(CASE_NAMESPACE, customer_ref)


@dataclass(frozen=True)
class Stamp:
    """Who records a fact, when it happened (may be back-dated) and when it is recorded."""

    actor: Actor
    occurred_at: datetime
    recorded_at: datetime
    command_id: str | None = None

    def __post_init__(self) -> None:
        require_aware(self.recorded_at, "recorded_at")
        require_past(self.occurred_at, self.recorded_at, "occurred_at")

    def fields(self) -> dict[str, Any]:
        return {"actor_id": self.actor.user_id, "actor_role": self.actor.role.value,
                "occurred_at": self.occurred_at, "recorded_at": self.recorded_at,
                "command_id": self.command_id}


class Case(Aggregate):
    TOPIC = "upc.case:Case"

    Event = ev.CaseEvent
    Created = ev.Opened
    Opened = ev.Opened
    ContactRecorded = ev.ContactRecorded
    ContactTriaged = ev.ContactTriaged
    IncidentRecorded = ev.IncidentRecorded
    StaffSupportRecorded = ev.StaffSupportRecorded
    ConcernRaised = ev.ConcernRaised
    WarningGiven = ev.WarningGiven
    WarningLapsed = ev.WarningLapsed
    CheckRecorded = ev.CheckRecorded
    VulnerabilityInfoRecorded = ev.VulnerabilityInfoRecorded
    LegitimateIssueResolved = ev.LegitimateIssueResolved
    RestrictionProposed = ev.RestrictionProposed
    RestrictionApproved = ev.RestrictionApproved
    RestrictionRejected = ev.RestrictionRejected
    ImmediateRestrictionImposed = ev.ImmediateRestrictionImposed
    ImmediateRestrictionRatified = ev.ImmediateRestrictionRatified
    RatificationOverdue = ev.RatificationOverdue
    NoticeSent = ev.NoticeSent
    NoticeOverdue = ev.NoticeOverdue
    AppealLodged = ev.AppealLodged
    LateAppealRejected = ev.LateAppealRejected
    LateAppealAccepted = ev.LateAppealAccepted
    AppealOverdue = ev.AppealOverdue
    AppealDecided = ev.AppealDecided
    AppealDecisionReminded = ev.AppealDecisionReminded
    AppealWindowClosed = ev.AppealWindowClosed
    RestrictionExtended = ev.RestrictionExtended
    SubjectAccessOverdue = ev.SubjectAccessOverdue
    OmbudsmanMatterOverdue = ev.OmbudsmanMatterOverdue
    ReviewDue = ev.ReviewDue
    ReviewOverdue = ev.ReviewOverdue
    ReviewCompleted = ev.ReviewCompleted
    RestrictionLifted = ev.RestrictionLifted
    RestrictionExpired = ev.RestrictionExpired
    CounterAllegationMade = ev.CounterAllegationMade
    RepresentativeNominated = ev.RepresentativeNominated
    OmbudsmanContacted = ev.OmbudsmanContacted
    RestrictionComplaintMade = ev.RestrictionComplaintMade
    SubjectAccessRequested = ev.SubjectAccessRequested
    TenancyEnded = ev.TenancyEnded
    SettingOverridden = ev.SettingOverridden
    CaseClosed = ev.CaseClosed
    SubjectAccessExtended = ev.SubjectAccessExtended
    SubjectAccessFulfilled = ev.SubjectAccessFulfilled
    RestrictionComplaintResolved = ev.RestrictionComplaintResolved
    OmbudsmanMatterClosed = ev.OmbudsmanMatterClosed
    LegalHoldPlaced = ev.LegalHoldPlaced
    LegalHoldReleased = ev.LegalHoldReleased
    PersonErased = ev.PersonErased
    CaseDisposed = ev.CaseDisposed
    CaseOwnerAssigned = ev.CaseOwnerAssigned

    if TYPE_CHECKING:  # state set by the events' apply(); not constructor fields
        customer_ref: str
        status: str
        command_ids: set[str]
        contacts: dict[UUID, Contact]
        incidents: dict[UUID, Incident]
        concerns: dict[UUID, tuple[datetime, tuple[str, ...]]]
        warnings: dict[UUID, Warning]
        checks: dict[str, Check]
        vulnerability_info_at: datetime | None
        legitimate_issue_resolved_at: datetime | None
        restrictions: dict[UUID, Restriction]
        appeals: dict[UUID, Appeal]
        notices: dict[UUID, Notice]
        conflicted_staff: set[str]
        representatives: dict[UUID, Any]
        ombudsman: dict[UUID, Any]
        complaints: dict[UUID, UUID]
        subject_access_requests: dict[UUID, datetime]
        tenancy_ended_on: date | None
        setting_overrides: dict[str, str]
        closed_at: datetime | None
        retain_until: date | None
        erased_subjects: set[str]
        resolved_complaints: set[UUID]
        closed_ombudsman: set[UUID]
        sar_due_on: dict[UUID, date]
        sar_extended: set[UUID]
        sar_fulfilled: set[UUID]
        sar_overdue: set[UUID]
        litigation_holds: dict[UUID, datetime]
        disposed_at: datetime | None
        owner_id: str | None

    # --- opening, contacts, incidents ----------------------------------------------------

    @classmethod
    def open(cls, customer_ref: str, stamp: Stamp) -> Case:
        require_role(stamp.actor, FRONT_LINE, "open a case")
        if not customer_ref.strip():
            raise InvalidInput("a customer reference is required")
        return cls._create(cls.Opened, id=case_id_for(customer_ref),
                           customer_ref=customer_ref, **stamp.fields())

    def has_handled(self, command_id: str | None) -> bool:
        return command_id is not None and command_id in self.command_ids

    @property
    def subject_id(self) -> str:
        """Whose key seals this case's personal data: the customer's."""
        return str(self.id)

    def personal(self, text: str | None) -> PersonalData:
        return sealed_for(self.subject_id, text, self.erased_subjects)

    def new_id(self, what: str) -> UUID:
        """Ids of new parts are derived from the case and its next version: deterministic."""
        return uuid5(self.id, f"{what}:{self.version + 1}")

    def record_contact(self, contact_id: UUID, channel: str, direction: str, summary: str,
                       stamp: Stamp) -> None:
        self._open_for(stamp, FRONT_LINE, "record a contact")
        self._record(self.ContactRecorded, stamp, contact_id=contact_id,
                     channel=parse_code(Channel, channel, "channel").value,
                     direction=parse_code(Direction, direction, "direction").value,
                     summary=self.personal(summary))

    def triage_contact(self, contact_id: UUID, classification: str, note: str,
                       stamp: Stamp) -> None:
        self._open_for(stamp, FRONT_LINE, "triage a contact")
        triage = parse_code(Triage, classification, "triage classification")
        contact = self._contact(contact_id)
        if contact.triage is not None:
            raise ContactAlreadyTriaged(
                f"This contact was already classified as '{contact.triage}'; a contact is "
                "classified exactly once.")
        incident_id = self.new_id("incident") if triage is Triage.BREACH_OF_TERMS else None
        self._record(self.ContactTriaged, stamp, contact_id=contact_id,
                     classification=triage.value, note=self.personal(note),
                     incident_id=incident_id)

    def record_incident(self, incident_id: UUID, category: str, description: str,
                        staff_ids: Sequence[str], contact_id: UUID | None,
                        stamp: Stamp) -> None:
        self._open_for(stamp, FRONT_LINE, "record an incident")
        code = parse_code(BehaviourCategory, category, "behaviour category")
        if contact_id is not None:
            self._contact(contact_id)
        self._record(self.IncidentRecorded, stamp, incident_id=incident_id,
                     category=code.value, staff_ids=sorted(set(staff_ids)),
                     contact_id=contact_id, description=self.personal(description))

    def record_staff_support(self, incident_id: UUID, staff_id: str, response: str,
                             stamp: Stamp) -> None:
        self._open_for(stamp, FRONT_LINE, "record staff support")
        answer = parse_code(SupportResponse, response, "support response")
        incident = self._incident(incident_id)
        if answer is not SupportResponse.OFFERED and staff_id not in incident.support:
            raise SupportNotOffered(
                f"Support has not been offered to {staff_id} for this incident; record the "
                "offer first.")
        if incident.support.get(staff_id) == answer.value:
            return
        self._record(self.StaffSupportRecorded, stamp, incident_id=incident_id,
                     staff_id=staff_id, response=answer.value)

    # --- concern, warnings, checks -------------------------------------------------------

    def raise_concern(self, evidence: Sequence[str], categories: Sequence[str], reason: str,
                      stamp: Stamp) -> None:
        self._open_for(stamp, FRONT_LINE, "raise a concern")
        codes = [parse_code(BehaviourCategory, c, "behaviour category").value
                 for c in categories]
        self._record(self.ConcernRaised, stamp, concern_id=self.new_id("concern"),
                     categories=codes, reason=require_reason(reason, "raising a concern"),
                     evidence=self._evidence(evidence))

    def give_warning(self, kind: str, evidence: Sequence[str], reason: str, stamp: Stamp,
                     behaviour_justification: str | None = None) -> None:
        warning = parse_code(WarningKind, kind, "warning kind")
        if warning is WarningKind.FORMAL:
            self._open_for(stamp, MANAGEMENT, "issue a formal warning")
        else:
            self._open_for(stamp, FRONT_LINE, "give an informal warning")
        self._require_concern()
        reason = require_reason(reason, f"an {warning.value} warning")
        proof = self._evidence(evidence)
        if warning is WarningKind.FORMAL:
            self._require_checks(stamp, behaviour_justification)
        self._record(self.WarningGiven, stamp, warning_id=self.new_id("warning"),
                     kind=warning.value, notice_id=self.new_id("notice"), reason=reason,
                     evidence=proof, behaviour_justification=behaviour_justification)

    def record_check(self, kind: str, notes: str, stamp: Stamp, *,
                     customer_declined: bool = False, written_communication_ok: bool = False,
                     legitimate_issue_found: bool = False,
                     adjustments: Sequence[str] = ()) -> None:
        self._open_for(stamp, MANAGEMENT, "complete a pre-decision check")
        check = parse_code(CheckKind, kind, "check")
        formats = [parse_code(NoticeFormat, a, "adjustment").value for a in adjustments]
        self._record(self.CheckRecorded, stamp, kind=check.value,
                     customer_declined=customer_declined,
                     written_communication_ok=written_communication_ok,
                     legitimate_issue_found=legitimate_issue_found,
                     adjustments=formats, notes=self.personal(notes))

    def record_vulnerability_info(self, details: str, stamp: Stamp) -> None:
        self._open_for(stamp, FRONT_LINE, "record vulnerability information")
        require_reason(details, "recording vulnerability information (the details)")
        self._record(self.VulnerabilityInfoRecorded, stamp, details=self.personal(details))

    def resolve_legitimate_issue(self, reason: str, evidence: Sequence[str],
                                 stamp: Stamp) -> None:
        self._open_for(stamp, MANAGEMENT, "record that a legitimate issue is resolved")
        self._record(self.LegitimateIssueResolved, stamp,
                     reason=require_reason(reason, "resolving the legitimate issue"),
                     evidence=list(evidence))

    # --- restrictions --------------------------------------------------------------------

    def propose_restriction(self, restriction_id: UUID, terms: RestrictionTerms,
                            evidence: Sequence[str], reason: str, review_date: date,
                            stamp: Stamp, policy: PolicyValues,
                            ends_on: date | None = None) -> None:
        self._open_for(stamp, FRONT_LINE, "propose a restriction")
        self._require_concern()
        reason = require_reason(reason, "proposing a restriction")
        proof = self._evidence(evidence)
        self._require_written_only_confirmed(terms)
        self._require_review_date(review_date, stamp, policy)
        self._record(self.RestrictionProposed, stamp, restriction_id=restriction_id,
                     terms=terms.to_dict(), review_date=review_date, ends_on=ends_on,
                     reason=reason, evidence=proof)

    def approve_restriction(self, restriction_id: UUID, reason: str, stamp: Stamp,
                            policy: PolicyValues, review_date: date | None = None,
                            behaviour_justification: str | None = None) -> None:
        self._open_for(stamp, MANAGEMENT, "decide a proposed restriction")
        restriction = self._proposed(restriction_id)
        terms = RestrictionTerms.from_dict(restriction.terms)
        self._require_scope_authority(terms, stamp.actor)
        self._require_not_proposer(restriction, stamp.actor)
        self._require_not_conflicted(stamp.actor)
        reason = require_reason(reason, "approving a restriction")
        self._require_checks(stamp, behaviour_justification)
        self._require_written_only_confirmed(terms)
        review_on = review_date or restriction.review_date
        assert review_on is not None
        self._require_review_date(review_on, stamp, policy)
        self._record(self.RestrictionApproved, stamp, restriction_id=restriction_id,
                     review_date=review_on, notice_id=self.new_id("notice"), reason=reason,
                     evidence=[], behaviour_justification=behaviour_justification)

    def reject_restriction(self, restriction_id: UUID, reason: str, stamp: Stamp) -> None:
        self._open_for(stamp, MANAGEMENT, "decide a proposed restriction")
        restriction = self._proposed(restriction_id)
        self._require_not_proposer(restriction, stamp.actor)
        self._record(self.RestrictionRejected, stamp, restriction_id=restriction_id,
                     reason=require_reason(reason, "rejecting a restriction"), evidence=[])

    def impose_immediate_restriction(self, restriction_id: UUID, terms: RestrictionTerms,
                                     evidence: Sequence[str], reason: str, stamp: Stamp,
                                     ends_on: date | None = None) -> None:
        self._open_for(stamp, FRONT_LINE, "impose an immediate restriction")
        reason = require_reason(reason, "an immediate restriction")
        proof = self._evidence(evidence)
        threats = [ref for ref in proof if (incident := self._maybe_incident(ref))
                   and incident.category == BehaviourCategory.THREATS_OR_VIOLENCE]
        if not threats:
            raise ThreatRequired(
                "An immediate restriction needs a recorded incident of threats or violence "
                "as evidence; otherwise propose a restriction for a manager to decide.")
        self._require_written_only_confirmed(terms)
        self._require_scope_authority(terms, stamp.actor)
        self._record(self.ImmediateRestrictionImposed, stamp, restriction_id=restriction_id,
                     terms=terms.to_dict(), ends_on=ends_on, notice_id=self.new_id("notice"),
                     reason=reason, evidence=proof)

    def ratify_immediate_restriction(self, restriction_id: UUID, reason: str,
                                     review_date: date, stamp: Stamp,
                                     policy: PolicyValues) -> None:
        self._open_for(stamp, SENIOR, "ratify an immediate restriction")
        restriction = self._awaiting_ratification(restriction_id)
        if stamp.actor.user_id == restriction.proposer_id:
            raise RatifierIsImposer(
                "The person who imposed an immediate restriction cannot ratify it; another "
                "senior manager must.")
        self._require_not_conflicted(stamp.actor)
        reason = require_reason(reason, "ratifying an immediate restriction")
        self._require_review_date(review_date, stamp, policy)
        self._record(self.ImmediateRestrictionRatified, stamp, restriction_id=restriction_id,
                     review_date=review_date, reason=reason, evidence=[])

    def refuse_ratification(self, restriction_id: UUID, reason: str, stamp: Stamp) -> None:
        self._open_for(stamp, SENIOR, "refuse to ratify an immediate restriction")
        self._awaiting_ratification(restriction_id)
        self._lift(restriction_id, LiftCause.RATIFICATION_REFUSED,
                   require_reason(reason, "refusing ratification"), stamp)

    def lift_restriction(self, restriction_id: UUID, reason: str, stamp: Stamp) -> None:
        """Early lift by a manager, or by the system when policy lifts overdue reviews."""
        self._open_for(stamp, CLOCK_OR_MANAGEMENT, "lift a restriction")
        restriction = self._restriction(restriction_id)
        if restriction.status in (RestrictionStatus.LIFTED, RestrictionStatus.EXPIRED):
            return
        self._require_in_force(restriction)
        self._lift(restriction_id, LiftCause.EARLY_LIFT,
                   require_reason(reason, "lifting a restriction"), stamp)

    def extend_restriction(self, restriction_id: UUID, ends_on: date, reason: str,
                           stamp: Stamp) -> None:
        """Move an active restriction's end date later, or give an open-ended one an end date.

        A manager's decision (organisation-wide: a senior manager's), with reasons, that owes
        the customer a notice as a variation does. The new end date is after today and after
        the current one: an earlier end is a lift or a review, and a restriction that has
        reached its end date has ended, whether or not the expiry is recorded yet.
        """
        self._open_for(stamp, MANAGEMENT, "extend a restriction")
        restriction = self._restriction(restriction_id)
        if restriction.status != RestrictionStatus.ACTIVE:
            raise RestrictionNotActive(
                f"This restriction is {restriction.status}; only an active restriction can be "
                "extended.")
        if restriction.ends_on is not None and start_of(restriction.ends_on) <= stamp.recorded_at:
            raise RestrictionNotActive(
                f"This restriction reached its end date {restriction.ends_on}; it has ended "
                "and cannot be extended. Decide a new restriction if one is needed.")
        self._require_scope_authority(RestrictionTerms.from_dict(restriction.terms), stamp.actor)
        self._require_not_conflicted(stamp.actor)
        reason = require_reason(reason, "extending a restriction")
        if ends_on <= uk_date(stamp.recorded_at):
            raise EndDateInPast(f"The new end date {ends_on} must be after today.")
        if restriction.ends_on is not None and ends_on <= restriction.ends_on:
            raise EndDateNotLater(
                f"The new end date {ends_on} must be after the current one "
                f"({restriction.ends_on}); to end it sooner, lift it or review it.")
        self._record(self.RestrictionExtended, stamp, restriction_id=restriction_id,
                     ends_on=ends_on, previous_ends_on=restriction.ends_on,
                     notice_id=self.new_id("notice"), reason=reason, evidence=[])

    # --- notices -------------------------------------------------------------------------

    def record_notice_sent(self, notice_id: UUID, notice_format: str, stamp: Stamp) -> None:
        self._open_for(stamp, FRONT_LINE | CLOCK, "record a notice as sent", closed_ok=True)
        notice = self._notice(notice_id)
        fmt = parse_code(NoticeFormat, notice_format, "notice format")
        if notice.sent_at is not None:
            raise NoticeAlreadySent("This notice has already been sent.")
        needed = self.adjustments()
        if needed and fmt.value not in needed:
            raise InvalidInput(
                f"The customer's recorded adjustments need this notice as: "
                f"{', '.join(sorted(needed))}.")
        self._record(self.NoticeSent, stamp, notice_id=notice_id, format=fmt.value)

    def adjustments(self) -> set[str]:
        check = self.checks.get(CheckKind.VULNERABILITY_ASSESSMENT)
        return set(check.adjustments) if check else set()

    # --- appeals -------------------------------------------------------------------------

    def lodge_appeal(self, appeal_id: UUID, restriction_id: UUID, grounds: str, stamp: Stamp,
                     policy: PolicyValues) -> None:
        """Record an appeal the customer made (received at ``occurred_at``)."""
        self._open_for(stamp, MANAGEMENT, "record an appeal")
        restriction = self._restriction(restriction_id)
        self._require_in_force(restriction)
        if any(a.restriction_id == restriction_id and a.status in
               (AppealStatus.LODGED, AppealStatus.LATE_AWAITING_DECISION)
               for a in self.appeals.values()):
            raise AppealAlreadyOpen("An appeal against this restriction is already open.")

        closes = appeal_window_closes(self, restriction_id, policy)
        late = closes is not None and stamp.occurred_at >= closes
        self._record(self.AppealLodged, stamp, appeal_id=appeal_id,
                     restriction_id=restriction_id, late=late, grounds=self.personal(grounds))

    def reject_late_appeal(self, appeal_id: UUID, reason: str, stamp: Stamp) -> None:
        self._open_for(stamp, MANAGEMENT, "reject a late appeal")
        self._late_appeal(appeal_id)
        self._record(self.LateAppealRejected, stamp, appeal_id=appeal_id,
                     reason=require_reason(reason, "rejecting a late appeal"), evidence=[])

    def accept_late_appeal(self, appeal_id: UUID, reason: str, stamp: Stamp) -> None:
        self._open_for(stamp, SENIOR, "accept a late appeal")
        self._late_appeal(appeal_id)
        self._record(self.LateAppealAccepted, stamp, appeal_id=appeal_id,
                     reason=require_reason(reason, "accepting a late appeal"), evidence=[])

    def decide_appeal(self, appeal_id: UUID, outcome: str, reason: str,
                      evidence: Sequence[str], stamp: Stamp,
                      new_terms: RestrictionTerms | None = None) -> None:
        self._open_for(stamp, SENIOR, "decide an appeal")
        decision = parse_code(AppealOutcome, outcome, "appeal outcome")
        appeal = self._appeal(appeal_id)
        if appeal.status == AppealStatus.LATE_AWAITING_DECISION:
            raise LateAppealNotAccepted(
                "This appeal arrived after the appeal window; a senior manager must accept it "
                "as late, with reasons, before it is decided.")
        if appeal.status != AppealStatus.LODGED:
            raise AppealNotOpen("This appeal is not awaiting a decision.")
        restriction = self._restriction(appeal.restriction_id)
        if stamp.actor.user_id in restriction.involved():
            raise DeciderInvolved(
                "You took part in this restriction (proposed, approved, ratified or reviewed "
                "it), so another senior manager must decide the appeal.")
        self._require_not_conflicted(stamp.actor)
        reason = require_reason(reason, "an appeal decision")
        if decision is AppealOutcome.VARIED:
            if new_terms is None:
                raise InvalidInput("A varied appeal outcome needs the new terms.")
            self._require_written_only_confirmed(new_terms)
            self._require_scope_authority(new_terms, stamp.actor)
        self._record(self.AppealDecided, stamp, appeal_id=appeal_id, outcome=decision.value,
                     new_terms=new_terms.to_dict() if decision is AppealOutcome.VARIED
                     and new_terms else None,
                     notice_id=self.new_id("notice"), reason=reason, evidence=list(evidence))
        if decision is AppealOutcome.UPHELD and restriction.in_force:
            self._lift(restriction.restriction_id, LiftCause.APPEAL_UPHELD, reason, stamp)

    # --- reviews -------------------------------------------------------------------------

    def complete_review(self, restriction_id: UUID, outcome: str, reason: str,
                        evidence: Sequence[str], stamp: Stamp, policy: PolicyValues,
                        next_review_date: date | None = None,
                        new_terms: RestrictionTerms | None = None,
                        behaviour_justification: str | None = None) -> None:
        self._open_for(stamp, MANAGEMENT, "conduct a review")
        decision = parse_code(ReviewOutcome, outcome, "review outcome")
        restriction = self._restriction(restriction_id)
        if restriction.status != RestrictionStatus.ACTIVE:
            raise RestrictionNotActive("Only an active restriction can be reviewed.")
        self._require_not_conflicted(stamp.actor)
        reason = require_reason(reason, "a review decision")
        if decision is not ReviewOutcome.LIFT:
            if next_review_date is None:
                raise ReviewDateRequired(
                    "To continue or vary a restriction, set the next review date.")
            self._require_checks(stamp, behaviour_justification)
            self._require_review_date(next_review_date, stamp, policy)
        if decision is ReviewOutcome.VARY:
            if new_terms is None:
                raise InvalidInput("Varying a restriction needs the new terms.")
            self._require_written_only_confirmed(new_terms)
            self._require_scope_authority(new_terms, stamp.actor)
        self._record(self.ReviewCompleted, stamp, restriction_id=restriction_id,
                     outcome=decision.value,
                     next_review_date=None if decision is ReviewOutcome.LIFT
                     else next_review_date,
                     new_terms=new_terms.to_dict() if decision is ReviewOutcome.VARY
                     and new_terms else None,
                     notice_id=self.new_id("notice"), reason=reason, evidence=list(evidence),
                     behaviour_justification=behaviour_justification)
        if decision is ReviewOutcome.LIFT:
            self._lift(restriction_id, LiftCause.REVIEW, reason, stamp)

    # --- other events a case must take ---------------------------------------------------

    def record_counter_allegation(self, staff_id: str, summary: str, stamp: Stamp) -> None:
        self._open_for(stamp, FRONT_LINE, "record a counter-allegation")
        if not staff_id.strip():
            raise InvalidInput("Name the staff member the allegation is about.")
        self._record(self.CounterAllegationMade, stamp,
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
        self._record(self.RepresentativeNominated, stamp,
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
        self._record(self.OmbudsmanContacted, stamp, matter_id=self.new_id("ombudsman"),
                     stage=code.value, reference=self.sealed_text(reference), due_on=due_on,
                     details=self.personal(details))

    def record_restriction_complaint(self, restriction_id: UUID, summary: str,
                                     stamp: Stamp) -> None:
        self._open_for(stamp, FRONT_LINE, "record a complaint about a restriction")
        self._restriction(restriction_id)
        self._record(self.RestrictionComplaintMade, stamp,
                     complaint_id=self.new_id("complaint"), restriction_id=restriction_id,
                     summary=self.personal(summary))

    def record_subject_access_request(self, stamp: Stamp, policy: PolicyValues) -> None:
        self._open_for(stamp, FRONT_LINE | ADMIN, "record a subject access request",
                       closed_ok=True)
        case_policy = self.policy(policy)
        due_on = case_policy.calendar.after(uk_date(stamp.occurred_at),
                                            case_policy.period(Setting.SAR_RESPONSE))
        self._record(self.SubjectAccessRequested, stamp, request_id=self.new_id("sar"),
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
        self._record(self.CaseOwnerAssigned, stamp, owner_id=owner,
                     previous_owner_id=self.owner_id, reason=reason, evidence=[])

    def record_tenancy_ended(self, ended_on: date, stamp: Stamp) -> None:
        self._open_for(stamp, FRONT_LINE, "record that the tenancy ended")
        self._record(self.TenancyEnded, stamp, ended_on=ended_on)

    def override_setting(self, name: str, value: str, reason: str, stamp: Stamp) -> None:
        self._open_for(stamp, MANAGEMENT, "set a clock for this case")
        setting, canonical = parse_setting(name, value)
        self._record(self.SettingOverridden, stamp, setting=setting.value, value=canonical,
                     reason=require_reason(reason, "changing this case's setting"),
                     evidence=[])

    def policy(self, organisation: PolicyValues) -> PolicyValues:
        return organisation.with_overrides(self.setting_overrides)

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
        self._record(self.CaseClosed, stamp, retain_until=retain_until, reason=reason,
                     evidence=[])

    # --- personal data, retention and legal holds (UK GDPR) -----------------------------

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
        self._record(self.SubjectAccessExtended, stamp, request_id=request_id, due_on=due_on,
                     reason=require_reason(reason, "extending a subject access request"),
                     evidence=[])

    def fulfil_subject_access(self, request_id: UUID, stamp: Stamp) -> None:
        self._open_for(stamp, FRONT_LINE | ADMIN, "record a subject access response",
                       closed_ok=True)
        if request_id in self.sar_fulfilled:
            return
        self._open_request(request_id)
        self._record(self.SubjectAccessFulfilled, stamp, request_id=request_id)

    def resolve_restriction_complaint(self, complaint_id: UUID, stamp: Stamp) -> None:
        self._open_for(stamp, FRONT_LINE, "record a complaint as resolved", closed_ok=True)
        if complaint_id not in self.complaints:
            raise NotFound(f"There is no complaint {complaint_id} on this case.")
        if complaint_id in self.resolved_complaints:
            return
        self._record(self.RestrictionComplaintResolved, stamp, complaint_id=complaint_id)

    def close_ombudsman_matter(self, matter_id: UUID, stamp: Stamp) -> None:
        self._open_for(stamp, MANAGEMENT, "record an Ombudsman matter as closed",
                       closed_ok=True)
        if matter_id not in self.ombudsman:
            raise NotFound(f"There is no Ombudsman matter {matter_id} on this case.")
        if matter_id in self.closed_ombudsman:
            return
        self._record(self.OmbudsmanMatterClosed, stamp, matter_id=matter_id)

    def place_legal_hold(self, reason: str, stamp: Stamp) -> None:
        self._open_for(stamp, ADMIN, "place a litigation hold", closed_ok=True)
        self._record(self.LegalHoldPlaced, stamp, hold_id=self.new_id("hold"),
                     kind=LegalHoldKind.LITIGATION.value,
                     reason=require_reason(reason, "placing a litigation hold"), evidence=[])

    def release_legal_hold(self, hold_id: UUID, reason: str, stamp: Stamp) -> None:
        self._open_for(stamp, ADMIN, "release a litigation hold", closed_ok=True)
        if hold_id not in self.litigation_holds:
            raise LegalHoldNotPlaced(f"There is no litigation hold {hold_id} in place.")
        self._record(self.LegalHoldReleased, stamp, hold_id=hold_id,
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
        self._record(self.PersonErased, stamp,
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
        self._record(self.CaseDisposed, stamp, retain_until=self.retain_until,
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

    # --- clocks: each a no-op once its fact is recorded ---------------------------------

    def mark_review_due(self, restriction_id: UUID, stamp: Stamp) -> None:
        self._open_for(stamp, CLOCK_OR_MANAGEMENT, "mark a review due", closed_ok=True)
        restriction = self._restriction(restriction_id)
        if restriction.status != RestrictionStatus.ACTIVE or restriction.review_due:
            return
        assert restriction.review_date is not None
        self._require_due(start_of(restriction.review_date), stamp, "the review")
        self._record(self.ReviewDue, stamp, restriction_id=restriction_id,
                     review_date=restriction.review_date)

    def escalate_review_overdue(self, restriction_id: UUID, stamp: Stamp,
                                policy: PolicyValues) -> None:
        self._open_for(stamp, CLOCK_OR_MANAGEMENT, "escalate an overdue review",
                       closed_ok=True)

        restriction = self._restriction(restriction_id)
        if restriction.status != RestrictionStatus.ACTIVE or restriction.review_overdue:
            return
        assert restriction.review_date is not None
        self._require_due(review_overdue_at(self, restriction_id, policy), stamp,
                          "the review escalation")
        self._record(self.ReviewOverdue, stamp, restriction_id=restriction_id,
                     review_date=restriction.review_date)
        if self.policy(policy).overdue_review_action is OverdueReviewAction.LIFT:
            self._lift(restriction_id, LiftCause.REVIEW_OVERDUE,
                       "The review was not done in time; policy lifts the restriction.", stamp)

    def expire_restriction(self, restriction_id: UUID, stamp: Stamp) -> None:
        self._open_for(stamp, CLOCK_OR_MANAGEMENT, "record a restriction as expired",
                       closed_ok=True)
        restriction = self._restriction(restriction_id)
        if not restriction.in_force:
            return
        if restriction.ends_on is None:
            raise NotYetDue("This restriction has no end date; it ends by review or lift.")
        self._require_due(start_of(restriction.ends_on), stamp, "the expiry")
        self._record(self.RestrictionExpired, stamp, restriction_id=restriction_id,
                     notice_id=self.new_id("notice"))

    def escalate_ratification_overdue(self, restriction_id: UUID, stamp: Stamp,
                                      policy: PolicyValues) -> None:
        self._open_for(stamp, CLOCK_OR_MANAGEMENT, "escalate an overdue ratification",
                       closed_ok=True)

        restriction = self._restriction(restriction_id)
        if (restriction.status != RestrictionStatus.AWAITING_RATIFICATION
                or restriction.ratification_overdue):
            return
        self._require_due(ratification_overdue_at(self, restriction_id, policy),
                          stamp, "the ratification escalation")
        self._record(self.RatificationOverdue, stamp, restriction_id=restriction_id)

    def mark_appeal_overdue(self, appeal_id: UUID, stamp: Stamp,
                            policy: PolicyValues) -> None:
        self._open_for(stamp, CLOCK_OR_MANAGEMENT, "mark an appeal overdue", closed_ok=True)

        appeal = self._appeal(appeal_id)
        if appeal.status != AppealStatus.LODGED or appeal.overdue:
            return
        due = appeal_decision_overdue_at(self, appeal_id, policy)
        assert due is not None
        self._require_due(due, stamp, "the appeal decision")
        self._record(self.AppealOverdue, stamp, appeal_id=appeal_id)

    def lapse_warning(self, warning_id: UUID, stamp: Stamp, policy: PolicyValues) -> None:
        self._open_for(stamp, CLOCK_OR_MANAGEMENT, "lapse a warning", closed_ok=True)

        warning = self._warning(warning_id)
        if warning.lapsed:
            return
        self._require_due(warning_lapses_at(self, warning_id, policy), stamp,
                          "the warning's lapse")
        self._record(self.WarningLapsed, stamp, warning_id=warning_id)

    def escalate_notice_overdue(self, notice_id: UUID, stamp: Stamp,
                                policy: PolicyValues) -> None:
        self._open_for(stamp, CLOCK_OR_MANAGEMENT, "escalate an unsent notice",
                       closed_ok=True)

        notice = self._notice(notice_id)
        if notice.sent_at is not None or notice.overdue:
            return
        self._require_due(notice_overdue_at(self, notice_id, policy), stamp,
                          "the notice")
        self._record(self.NoticeOverdue, stamp, notice_id=notice_id)

    def appeal_window_pending(self, restriction_id: UUID) -> bool:
        """The restriction is in force, and its appeal window has not been recorded as closed
        nor met by an appeal lodged in time (whether the window has started or not)."""
        restriction = self._restriction(restriction_id)
        return (restriction.in_force and not restriction.appeal_window_closed
                and not any(a.restriction_id == restriction_id and not a.late
                            for a in self.appeals.values()))

    def close_appeal_window(self, restriction_id: UUID, stamp: Stamp,
                            policy: PolicyValues) -> None:
        """The window closed with no appeal lodged: recorded, and nothing else changes; a late
        appeal is still recorded as late, for a senior manager to accept or a manager to
        reject."""
        self._open_for(stamp, CLOCK, "record that the appeal window closed", closed_ok=True)
        if not self.appeal_window_pending(restriction_id):
            return
        closes = appeal_window_closes(self, restriction_id, policy)
        if closes is None:
            raise NotYetDue("The restriction's notice has not been sent, so its appeal window "
                            "has not started.")
        self._require_due(closes, stamp, "the close of the appeal window")
        notice_id = self.restrictions[restriction_id].notice_id
        self._record(self.AppealWindowClosed, stamp, restriction_id=restriction_id,
                     notice_id=notice_id)

    def remind_appeal_decision(self, appeal_id: UUID, stamp: Stamp,
                               policy: PolicyValues) -> None:
        self._open_for(stamp, CLOCK, "remind the decider of an appeal decision",
                       closed_ok=True)
        appeal = self._appeal(appeal_id)
        if appeal.status != AppealStatus.LODGED or appeal.reminded or appeal.overdue:
            return
        remind_at = appeal_decision_reminder_at(self, appeal_id, policy)
        due_on = appeal_decision_due_on(self, appeal_id, policy)
        assert remind_at is not None and due_on is not None  # lodged: the clock has started
        self._require_due(remind_at, stamp, "the appeal decision reminder")
        self._record(self.AppealDecisionReminded, stamp, appeal_id=appeal_id, due_on=due_on)

    def escalate_subject_access_overdue(self, request_id: UUID, stamp: Stamp) -> None:
        """Not answered by its due date (the extended one, if extended): escalated once; an
        extension recorded after the escalation does not undo it."""
        self._open_for(stamp, CLOCK_OR_MANAGEMENT, "escalate an overdue subject access request",
                       closed_ok=True)
        if request_id not in self.subject_access_requests:
            raise NotFound(f"There is no subject access request {request_id} on this case.")
        if request_id in self.sar_fulfilled or request_id in self.sar_overdue:
            return
        self._require_due(subject_access_overdue_at(self, request_id), stamp,
                          "the subject access response")
        self._record(self.SubjectAccessOverdue, stamp, request_id=request_id,
                     due_on=self.sar_due_on[request_id])

    def escalate_ombudsman_overdue(self, matter_id: UUID, stamp: Stamp) -> None:
        """An Ombudsman enquiry or order not closed by its due date: escalated once."""
        self._open_for(stamp, CLOCK_OR_MANAGEMENT, "escalate an overdue Ombudsman matter",
                       closed_ok=True)
        matter = self._found(self.ombudsman, matter_id, "Ombudsman matter")
        if matter_id in self.closed_ombudsman or matter.overdue:
            return
        due = ombudsman_overdue_at(self, matter_id)
        if due is None:
            raise NotYetDue("This Ombudsman matter has no due date.")
        self._require_due(due, stamp, "the Ombudsman's due date")
        self._record(self.OmbudsmanMatterOverdue, stamp, matter_id=matter_id,
                     due_on=matter.due_on)

    # --- rules shared by the commands ----------------------------------------------------

    def _record(self, event_class: type[ev.CaseEvent], stamp: Stamp, **fields: Any) -> None:
        if issubclass(event_class, ev.DecisionEvent):
            fields = self._sealed_decision(fields)
        self.trigger_event(event_class, **stamp.fields(), **fields)

    def _sealed_decision(self, fields: dict[str, Any]) -> dict[str, Any]:
        """A decision's free text, sealed as the customer's personal data. The rules have
        already read the clear text (a reason is required, a justification must say
        something); what is stored is only the sealed value."""
        sealed = dict(fields, reason=self.sealed_text(fields["reason"]))
        if "behaviour_justification" in fields:
            justification = fields["behaviour_justification"]
            sealed["behaviour_justification"] = (
                self.sealed_text(justification)
                if justification is not None and justification.strip() else None)
        for key in ("terms", "new_terms"):
            if key in fields:
                terms = fields[key]
                clear, personal = ({}, {}) if terms is None else split_terms(
                    terms, self.sealed_text)
                sealed[key] = None if terms is None else clear
                sealed["personal_terms"] = personal
        return sealed

    def sealed_text(self, text: str) -> PersonalData:
        """Text staff write about the customer as part of a decision or a record the case
        must keep (a reason, an Ombudsman's reference). Once the customer is erased it is
        not kept: the fact is recorded, the words are recorded as erased."""
        if self.subject_id in self.erased_subjects:
            return PersonalData(self.subject_id, None)
        return PersonalData(self.subject_id, text.strip())

    def _open_for(self, stamp: Stamp, roles: Iterable[Role], action: str, *,
                  closed_ok: bool = False) -> None:
        require_role(stamp.actor, frozenset(roles), action)
        if self.status == CaseStatus.CLOSED and not closed_ok:
            raise CaseClosed("This case is closed; nothing more can be recorded on it.")

    def _lift(self, restriction_id: UUID, cause: LiftCause, reason: str, stamp: Stamp) -> None:
        self._record(self.RestrictionLifted, stamp, restriction_id=restriction_id,
                     cause=cause.value, notice_id=self.new_id("notice"), reason=reason,
                     evidence=[])

    def _require_due(self, due: datetime, stamp: Stamp, what: str) -> None:
        if stamp.recorded_at < due:
            raise NotYetDue(f"{what.capitalize()} is not due until {due.isoformat()}.")

    def _evidence(self, refs: Sequence[str]) -> list[str]:
        refs = [str(r) for r in refs]
        if not refs:
            raise EvidenceRequired(
                "Reference the recorded incidents or contacts this is based on; nothing is "
                "decided without a record of the behaviour.")
        unknown = [r for r in refs if not self._is_known_record(r)]
        if unknown:
            raise UnknownEvidence(
                f"These are not incidents or contacts on this case: {', '.join(unknown)}.")
        return refs

    def _is_known_record(self, ref: str) -> bool:
        try:
            key = UUID(ref)
        except ValueError:
            return False
        return key in self.incidents or key in self.contacts

    def _maybe_incident(self, ref: str) -> Incident | None:
        try:
            return self.incidents.get(UUID(ref))
        except ValueError:
            return None

    def _require_concern(self) -> None:
        if not self.concerns:
            raise ConcernRequired("Raise a concern, with its evidence, before any warning or "
                                  "restriction.")

    def _require_checks(self, stamp: Stamp, behaviour_justification: str | None) -> None:
        missing = [k.value.replace("_", " ") for k in CheckKind if k.value not in self.checks]
        if missing:
            raise ChecksIncomplete(
                f"Complete the pre-decision checks first: {', '.join(missing)}.")
        if self.vulnerability_info_at is not None:
            stale = [c.kind.replace("_", " ") for c in self.checks.values()
                     if c.occurred_at < self.vulnerability_info_at]
            if stale:
                raise AssessmentStale(
                    "New vulnerability information was recorded after these checks; redo "
                    f"them before deciding: {', '.join(sorted(stale))}.")
        issue = self.checks[CheckKind.LEGITIMATE_ISSUE]
        resolved = (self.legitimate_issue_resolved_at is not None
                    and self.legitimate_issue_resolved_at >= issue.occurred_at)
        if issue.legitimate_issue_found and not resolved and not (
                behaviour_justification and behaviour_justification.strip()):
            raise LegitimateIssueUnresolved(
                "The legitimate-issue check found a service failure behind this contact. Fix "
                "it first, or record why the behaviour, not the failure, justifies acting.")

    def _require_written_only_confirmed(self, terms: RestrictionTerms) -> None:
        if not terms.written_only:
            return
        check = self.checks.get(CheckKind.VULNERABILITY_ASSESSMENT)
        stale = (check is not None and self.vulnerability_info_at is not None
                 and check.occurred_at < self.vulnerability_info_at)
        if check is None or stale or check.customer_declined or not (
                check.written_communication_ok):
            raise WrittenOnlyNotConfirmed(
                "Written-only contact needs a current adjustment check confirming the "
                "customer can communicate in writing.")

    def _require_scope_authority(self, terms: RestrictionTerms, actor: Actor) -> None:
        if terms.organisation_wide and actor.role is not Role.SENIOR_MANAGER:
            raise OrganisationWideNeedsSeniorManager(
                "Only a senior manager can approve an organisation-wide restriction.")

    def _require_review_date(self, review_date: date, stamp: Stamp,
                             policy: PolicyValues) -> None:
        today = uk_date(stamp.recorded_at)
        if review_date <= today:
            raise ReviewDateInPast(f"The review date {review_date} must be after today.")
        limit = self.policy(policy).period(Setting.REVIEW_MAXIMUM)
        latest = self.policy(policy).calendar.after(uk_date(stamp.occurred_at), limit)
        if review_date > latest:
            raise ReviewDateBeyondMaximum(
                f"A review must fall within {limit} of the decision (by {latest}); "
                "restrictions are never indefinite.")

    def _require_not_proposer(self, restriction: Restriction, actor: Actor) -> None:
        if actor.user_id == restriction.proposer_id:
            raise ApproverIsProposer(
                "You proposed this restriction, so another manager must decide it.")

    def _require_not_conflicted(self, actor: Actor) -> None:
        if actor.user_id in self.conflicted_staff:
            raise StaffConflicted(
                "The customer has made an allegation against you, so you cannot decide on "
                "this case; ask another manager.")

    def _require_in_force(self, restriction: Restriction) -> None:
        if not restriction.in_force:
            raise RestrictionNotActive(f"This restriction is {restriction.status}, not in force.")

    def _found(self, table: dict[UUID, Any], key: UUID, what: str) -> Any:
        try:
            return table[key]
        except KeyError:
            raise NotFound(f"There is no {what} {key} on this case.") from None

    def _contact(self, contact_id: UUID) -> Contact:
        contact: Contact = self._found(self.contacts, contact_id, "contact")
        return contact

    def _incident(self, incident_id: UUID) -> Incident:
        incident: Incident = self._found(self.incidents, incident_id, "incident")
        return incident

    def _restriction(self, restriction_id: UUID) -> Restriction:
        restriction: Restriction = self._found(self.restrictions, restriction_id, "restriction")
        return restriction

    def _appeal(self, appeal_id: UUID) -> Appeal:
        appeal: Appeal = self._found(self.appeals, appeal_id, "appeal")
        return appeal

    def _notice(self, notice_id: UUID) -> Notice:
        notice: Notice = self._found(self.notices, notice_id, "notice")
        return notice

    def _warning(self, warning_id: UUID) -> Warning:
        warning: Warning = self._found(self.warnings, warning_id, "warning")
        return warning

    def _proposed(self, restriction_id: UUID) -> Restriction:
        restriction = self._restriction(restriction_id)
        if restriction.status != RestrictionStatus.PROPOSED:
            raise RestrictionNotProposed(
                f"This restriction is {restriction.status}; only a proposal can be decided.")
        return restriction

    def _awaiting_ratification(self, restriction_id: UUID) -> Restriction:
        restriction = self._restriction(restriction_id)
        if restriction.status != RestrictionStatus.AWAITING_RATIFICATION:
            raise RestrictionNotAwaitingRatification(
                f"This restriction is {restriction.status}, not awaiting ratification.")
        return restriction

    def _late_appeal(self, appeal_id: UUID) -> Appeal:
        appeal = self._appeal(appeal_id)
        if appeal.status != AppealStatus.LATE_AWAITING_DECISION:
            raise AppealNotLate("This appeal is not a late appeal awaiting a decision.")
        return appeal

