"""Every fact of a case, as an immutable event with an explicit, stable topic.

Each event keeps who acted (``actor_id``, ``actor_role``), when it happened (``occurred_at``,
may be back-dated) and when it was recorded (``recorded_at``), and the client's
``command_id``. Decisions also keep their ``reason`` and ``evidence`` references. Personal
data sits in ``PersonalData`` fields only, sealed with the customer's key when stored.
``apply`` is the only code that changes a case's state, so replaying the events rebuilds it.
"""

from __future__ import annotations

import json
from dataclasses import field
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.calendar import add_months, uk_date
from domain.personal import PersonalData, plain_as_personal
from domain.records import (
    Appeal,
    Check,
    Contact,
    Incident,
    Notice,
    OmbudsmanMatter,
    Representative,
    Restriction,
    Warning,
)
from domain.terms import PERSONAL_TERMS, join_terms
from domain.vocabulary import (
    AppealStatus,
    CaseStatus,
    NoticeKind,
    RestrictionStatus,
    SupportResponse,
    Triage,
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

class Opened(CaseEvent, Aggregate.Created):
    TOPIC = "upc.case:Case.Opened"
    class_version = 2
    customer_ref: str

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        _add_recorded_at(state)

    def apply(self, aggregate: Any) -> None:
        case = aggregate
        case.customer_ref = self.customer_ref
        case.status = CaseStatus.CONCERN_OPEN.value
        case.command_ids = set()
        case.contacts = {}
        case.incidents = {}
        case.concerns = {}
        case.warnings = {}
        case.checks = {}
        case.vulnerability_info_at = None
        case.legitimate_issue_resolved_at = None
        case.restrictions = {}
        case.appeals = {}
        case.notices = {}
        case.conflicted_staff = set()
        case.representatives = {}
        case.ombudsman = {}
        case.complaints = {}
        case.subject_access_requests = {}
        case.tenancy_ended_on = None
        case.setting_overrides = {}
        case.closed_at = None
        case.retain_until = None
        # personal data, retention and legal holds (issue 7)
        case.erased_subjects = set()
        case.resolved_complaints = set()
        case.closed_ombudsman = set()
        case.sar_due_on = {}
        case.sar_extended = set()
        case.sar_fulfilled = set()
        case.sar_overdue = set()
        case.litigation_holds = {}
        case.disposed_at = None
        case.owner_id = None
        super().apply(aggregate)

class ContactRecorded(CaseEvent):
    TOPIC = "upc.case:Case.ContactRecorded"
    class_version = 2  # v2: summary sealed as personal data; recorded_at added
    contact_id: UUID
    channel: str
    direction: str
    summary: PersonalData

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        _add_recorded_at(state)
        if isinstance(state["summary"], str):
            state["summary"] = PersonalData(str(state["originator_id"]), state["summary"])

    def change(self, case: Any) -> None:
        case.contacts[self.contact_id] = Contact(
            self.channel, self.direction, self.occurred_at, self.summary,
            recorded_at=self.recorded_at)

class ContactTriaged(CaseEvent):
    TOPIC = "upc.case:Case.ContactTriaged"
    contact_id: UUID
    classification: str
    note: PersonalData
    incident_id: UUID | None  # a breach of terms is recorded as an incident

    def change(self, case: Any) -> None:
        contact = case.contacts[self.contact_id]
        contact.triage = self.classification
        if self.incident_id is not None and self.classification == Triage.BREACH_OF_TERMS:
            case.incidents[self.incident_id] = Incident(
                "breach_of_terms", contact.occurred_at, (), self.contact_id)

class IncidentRecorded(CaseEvent):
    TOPIC = "upc.case:Case.IncidentRecorded"
    incident_id: UUID
    category: str
    staff_ids: list[str]
    contact_id: UUID | None
    description: PersonalData

    def change(self, case: Any) -> None:
        case.incidents[self.incident_id] = Incident(
            self.category, self.occurred_at, tuple(self.staff_ids), self.contact_id)

class StaffSupportRecorded(CaseEvent):
    TOPIC = "upc.case:Case.StaffSupportRecorded"
    incident_id: UUID
    staff_id: str
    response: str  # SupportResponse

    def change(self, case: Any) -> None:
        case.incidents[self.incident_id].support[self.staff_id] = self.response

class ConcernRaised(DecisionEvent):
    TOPIC = "upc.case:Case.ConcernRaised"
    concern_id: UUID
    categories: list[str]

    def change(self, case: Any) -> None:
        case.concerns[self.concern_id] = (self.occurred_at, tuple(self.evidence))

class WarningGiven(DecisionEvent):
    TOPIC = "upc.case:Case.WarningGiven"
    warning_id: UUID
    kind: str  # WarningKind
    notice_id: UUID
    behaviour_justification: PersonalData | None

    def change(self, case: Any) -> None:
        case.warnings[self.warning_id] = Warning(self.kind, self.occurred_at, self.notice_id)
        _owe_notice(case, self.notice_id, NoticeKind.WARNING, self.warning_id, self.recorded_at)

class WarningLapsed(CaseEvent):
    TOPIC = "upc.case:Case.WarningLapsed"
    warning_id: UUID

    def change(self, case: Any) -> None:
        case.warnings[self.warning_id].lapsed = True

class CheckRecorded(CaseEvent):
    TOPIC = "upc.case:Case.CheckRecorded"
    kind: str  # CheckKind
    customer_declined: bool
    written_communication_ok: bool
    legitimate_issue_found: bool
    adjustments: list[str]  # NoticeFormat values the customer needs
    notes: PersonalData

    def change(self, case: Any) -> None:
        case.checks[self.kind] = Check(
            self.kind, self.occurred_at, self.actor_id, self.customer_declined,
            self.written_communication_ok, self.legitimate_issue_found,
            tuple(self.adjustments))

class VulnerabilityInfoRecorded(CaseEvent):
    TOPIC = "upc.case:Case.VulnerabilityInfoRecorded"
    details: PersonalData

    def change(self, case: Any) -> None:
        if case.vulnerability_info_at is None or self.occurred_at > case.vulnerability_info_at:
            case.vulnerability_info_at = self.occurred_at

class LegitimateIssueResolved(DecisionEvent):
    TOPIC = "upc.case:Case.LegitimateIssueResolved"

    def change(self, case: Any) -> None:
        case.legitimate_issue_resolved_at = self.occurred_at

class RestrictionProposed(DecisionEvent):
    TOPIC = "upc.case:Case.RestrictionProposed"
    restriction_id: UUID
    terms: dict[str, Any]  # the structured terms, without the free-text ones
    review_date: date
    ends_on: date | None

    # v2: the free-text terms (named matters, scope justification), sealed; last, as it
    # has a default (events built before v2 by other code still construct)
    personal_terms: dict[str, PersonalData] = field(default_factory=dict)

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        _seal_v1_text(state)
        _split_v1_terms(state, "terms")

    def change(self, case: Any) -> None:
        case.restrictions[self.restriction_id] = Restriction(
            self.restriction_id, RestrictionStatus.PROPOSED.value,
            join_terms(self.terms, self.personal_terms), False,
            self.actor_id, self.occurred_at, self.review_date, self.ends_on)

class RestrictionApproved(DecisionEvent):
    TOPIC = "upc.case:Case.RestrictionApproved"
    restriction_id: UUID
    review_date: date
    notice_id: UUID
    behaviour_justification: PersonalData | None

    def change(self, case: Any) -> None:
        restriction = case.restrictions[self.restriction_id]
        restriction.status = RestrictionStatus.ACTIVE.value
        restriction.approver_id = self.actor_id
        restriction.decided_at = self.occurred_at
        restriction.review_date = self.review_date
        restriction.notice_id = self.notice_id
        _owe_notice(case, self.notice_id, NoticeKind.RESTRICTION, self.restriction_id,
                    self.recorded_at)

class RestrictionRejected(DecisionEvent):
    TOPIC = "upc.case:Case.RestrictionRejected"
    restriction_id: UUID

    def change(self, case: Any) -> None:
        restriction = case.restrictions[self.restriction_id]
        restriction.status = RestrictionStatus.REJECTED.value
        restriction.approver_id = self.actor_id

class ImmediateRestrictionImposed(DecisionEvent):
    TOPIC = "upc.case:Case.ImmediateRestrictionImposed"
    restriction_id: UUID
    terms: dict[str, Any]  # the structured terms, without the free-text ones
    ends_on: date | None
    notice_id: UUID

    # v2: the free-text terms (named matters, scope justification), sealed; last, as it
    # has a default (events built before v2 by other code still construct)
    personal_terms: dict[str, PersonalData] = field(default_factory=dict)

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        _seal_v1_text(state)
        _split_v1_terms(state, "terms")

    def change(self, case: Any) -> None:
        case.restrictions[self.restriction_id] = Restriction(
            self.restriction_id, RestrictionStatus.AWAITING_RATIFICATION.value,
            join_terms(self.terms, self.personal_terms),
            True, self.actor_id, self.occurred_at, None, self.ends_on,
            decided_at=self.occurred_at, notice_id=self.notice_id)
        _owe_notice(case, self.notice_id, NoticeKind.RESTRICTION, self.restriction_id,
                    self.recorded_at)

class ImmediateRestrictionRatified(DecisionEvent):
    TOPIC = "upc.case:Case.ImmediateRestrictionRatified"
    restriction_id: UUID
    review_date: date

    def change(self, case: Any) -> None:
        restriction = case.restrictions[self.restriction_id]
        restriction.status = RestrictionStatus.ACTIVE.value
        restriction.ratifier_id = self.actor_id
        restriction.review_date = self.review_date
        restriction.ratification_overdue = False

class RatificationOverdue(CaseEvent):
    TOPIC = "upc.case:Case.RatificationOverdue"
    restriction_id: UUID

    def change(self, case: Any) -> None:
        case.restrictions[self.restriction_id].ratification_overdue = True

class NoticeSent(CaseEvent):
    TOPIC = "upc.case:Case.NoticeSent"
    notice_id: UUID
    format: str  # NoticeFormat

    def change(self, case: Any) -> None:
        notice = case.notices[self.notice_id]
        notice.sent_at = self.occurred_at
        notice.format = self.format

class NoticeOverdue(CaseEvent):
    TOPIC = "upc.case:Case.NoticeOverdue"
    notice_id: UUID

    def change(self, case: Any) -> None:
        case.notices[self.notice_id].overdue = True

class AppealLodged(CaseEvent):
    TOPIC = "upc.case:Case.AppealLodged"
    appeal_id: UUID
    restriction_id: UUID
    late: bool
    grounds: PersonalData

    def change(self, case: Any) -> None:
        status = AppealStatus.LATE_AWAITING_DECISION if self.late else AppealStatus.LODGED
        case.appeals[self.appeal_id] = Appeal(
            self.appeal_id, self.restriction_id, self.occurred_at, status.value, self.late,
            None if self.late else self.occurred_at)

class LateAppealRejected(DecisionEvent):
    TOPIC = "upc.case:Case.LateAppealRejected"
    appeal_id: UUID

    def change(self, case: Any) -> None:
        appeal = case.appeals[self.appeal_id]
        appeal.status = AppealStatus.REJECTED_AS_LATE.value
        appeal.decider_id = self.actor_id

class LateAppealAccepted(DecisionEvent):
    TOPIC = "upc.case:Case.LateAppealAccepted"
    appeal_id: UUID

    def change(self, case: Any) -> None:
        appeal = case.appeals[self.appeal_id]
        appeal.status = AppealStatus.LODGED.value
        appeal.clock_from = self.occurred_at

class AppealOverdue(CaseEvent):
    TOPIC = "upc.case:Case.AppealOverdue"
    appeal_id: UUID

    def change(self, case: Any) -> None:
        case.appeals[self.appeal_id].overdue = True

class AppealDecisionReminded(CaseEvent):
    """The decision is due soon: a reminder a set number of working days before it is due."""

    TOPIC = "upc.case:Case.AppealDecisionReminded"
    appeal_id: UUID
    due_on: date  # the last day for the decision

    def change(self, case: Any) -> None:
        case.appeals[self.appeal_id].reminded = True

class AppealWindowClosed(CaseEvent):
    """The appeal window of the restriction's notice closed with no appeal lodged.

    A fact for the record and the work queues: a late appeal can still be lodged (and
    accepted by a senior manager with reasons).
    """

    TOPIC = "upc.case:Case.AppealWindowClosed"
    restriction_id: UUID
    notice_id: UUID

    def change(self, case: Any) -> None:
        case.restrictions[self.restriction_id].appeal_window_closed = True

class AppealDecided(DecisionEvent):
    TOPIC = "upc.case:Case.AppealDecided"
    appeal_id: UUID
    outcome: str  # AppealOutcome
    new_terms: dict[str, Any] | None  # varied: the structured terms, without free text
    notice_id: UUID

    # v2: the free-text terms (named matters, scope justification), sealed; last, as it
    # has a default (events built before v2 by other code still construct)
    personal_terms: dict[str, PersonalData] = field(default_factory=dict)

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        _seal_v1_text(state)
        _split_v1_terms(state, "new_terms")

    def change(self, case: Any) -> None:
        appeal = case.appeals[self.appeal_id]
        appeal.status = AppealStatus.DECIDED.value
        appeal.outcome = self.outcome
        appeal.decider_id = self.actor_id
        if self.new_terms is not None:
            case.restrictions[appeal.restriction_id].terms = join_terms(
                self.new_terms, self.personal_terms)
        _owe_notice(case, self.notice_id, NoticeKind.APPEAL_OUTCOME, self.appeal_id,
                    self.recorded_at)

class ReviewDue(CaseEvent):
    TOPIC = "upc.case:Case.ReviewDue"
    restriction_id: UUID
    review_date: date

    def change(self, case: Any) -> None:
        case.restrictions[self.restriction_id].review_due = True

class ReviewOverdue(CaseEvent):
    TOPIC = "upc.case:Case.ReviewOverdue"
    restriction_id: UUID
    review_date: date

    def change(self, case: Any) -> None:
        restriction = case.restrictions[self.restriction_id]
        restriction.review_due = True
        restriction.review_overdue = True

class ReviewCompleted(DecisionEvent):
    """A review's outcome. From v2 it keeps the behaviour justification given for continuing
    or varying while the legitimate-issue check had found an unresolved service failure."""

    TOPIC = "upc.case:Case.ReviewCompleted"
    restriction_id: UUID
    outcome: str  # ReviewOutcome
    next_review_date: date | None
    new_terms: dict[str, Any] | None  # varied: the structured terms, without free text
    notice_id: UUID

    # v2: the free-text terms (named matters, scope justification), sealed; last, as it
    # has a default (events built before v2 by other code still construct)
    personal_terms: dict[str, PersonalData] = field(default_factory=dict)
    behaviour_justification: PersonalData | None = None

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        _seal_v1_text(state)
        _split_v1_terms(state, "new_terms")
        state.setdefault("behaviour_justification", None)

    def change(self, case: Any) -> None:
        restriction = case.restrictions[self.restriction_id]
        restriction.reviewer_ids.append(self.actor_id)
        restriction.review_due = False
        restriction.review_overdue = False
        if self.next_review_date is not None:
            restriction.review_date = self.next_review_date
        if self.new_terms is not None:
            restriction.terms = join_terms(self.new_terms, self.personal_terms)
        kind = NoticeKind.VARIATION if self.new_terms is not None else NoticeKind.REVIEW_OUTCOME
        _owe_notice(case, self.notice_id, kind, self.restriction_id, self.recorded_at)

class RestrictionLifted(DecisionEvent):
    TOPIC = "upc.case:Case.RestrictionLifted"
    restriction_id: UUID
    cause: str  # LiftCause
    notice_id: UUID

    def change(self, case: Any) -> None:
        restriction = case.restrictions[self.restriction_id]
        restriction.status = RestrictionStatus.LIFTED.value
        restriction.lift_notice_id = self.notice_id
        _owe_notice(case, self.notice_id, NoticeKind.LIFT, self.restriction_id,
                    self.recorded_at)

class RestrictionExtended(DecisionEvent):
    """A manager moved the end date later (or gave an open-ended restriction one); the
    customer is owed a notice of the change, as for a variation."""

    TOPIC = "upc.case:Case.RestrictionExtended"
    restriction_id: UUID
    ends_on: date
    previous_ends_on: date | None
    notice_id: UUID

    def change(self, case: Any) -> None:
        case.restrictions[self.restriction_id].ends_on = self.ends_on
        _owe_notice(case, self.notice_id, NoticeKind.VARIATION, self.restriction_id,
                    self.recorded_at)

class RestrictionExpired(CaseEvent):
    TOPIC = "upc.case:Case.RestrictionExpired"
    restriction_id: UUID
    notice_id: UUID

    def change(self, case: Any) -> None:
        restriction = case.restrictions[self.restriction_id]
        restriction.status = RestrictionStatus.EXPIRED.value
        restriction.lift_notice_id = self.notice_id
        _owe_notice(case, self.notice_id, NoticeKind.LIFT, self.restriction_id,
                    self.recorded_at)

class CounterAllegationMade(CaseEvent):
    TOPIC = "upc.case:Case.CounterAllegationMade"
    allegation_id: UUID
    staff_id: str
    summary: PersonalData

    def change(self, case: Any) -> None:
        case.conflicted_staff.add(self.staff_id)

class RepresentativeNominated(CaseEvent):
    TOPIC = "upc.case:Case.RepresentativeNominated"
    representative_id: UUID
    kind: str  # RepresentativeKind
    details: PersonalData
    consent_on: date

    def change(self, case: Any) -> None:
        case.representatives[self.representative_id] = Representative(
            self.kind, self.details, self.consent_on)

class OmbudsmanContacted(CaseEvent):
    TOPIC = "upc.case:Case.OmbudsmanContacted"
    class_version = 2  # v2: the Ombudsman's reference (it identifies the customer) is sealed
    matter_id: UUID
    stage: str  # OmbudsmanStage
    reference: PersonalData
    due_on: date | None
    details: PersonalData

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["reference"] = plain_as_personal(_subject(state), state["reference"])

    def change(self, case: Any) -> None:
        case.ombudsman[self.matter_id] = OmbudsmanMatter(
            self.stage, self.reference, self.due_on, self.occurred_at)

class RestrictionComplaintMade(CaseEvent):
    TOPIC = "upc.case:Case.RestrictionComplaintMade"
    complaint_id: UUID
    restriction_id: UUID
    summary: PersonalData

    def change(self, case: Any) -> None:
        case.complaints[self.complaint_id] = self.restriction_id

class SubjectAccessRequested(CaseEvent):
    TOPIC = "upc.case:Case.SubjectAccessRequested"
    class_version = 2  # v2: the due date is recorded with the request
    request_id: UUID
    due_on: date

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        # v1 requests were answered on the seeded default: one calendar month.
        received = state["occurred_at"]
        if isinstance(received, str):
            received = datetime.fromisoformat(received)
        state["due_on"] = add_months(uk_date(received), 1)

    def change(self, case: Any) -> None:
        case.subject_access_requests[self.request_id] = self.occurred_at
        case.sar_due_on[self.request_id] = self.due_on

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

class CaseOwnerAssigned(DecisionEvent):
    """A manager made a member of staff the case owner: significant new information from a
    restricted customer goes to them (POLICY.md "Every contact is recorded")."""

    TOPIC = "upc.case:Case.CaseOwnerAssigned"
    owner_id: str  # a staff user id (staff acting in their role)
    previous_owner_id: str | None

    def change(self, case: Any) -> None:
        case.owner_id = self.owner_id


class TenancyEnded(CaseEvent):
    TOPIC = "upc.case:Case.TenancyEnded"
    ended_on: date

    def change(self, case: Any) -> None:
        case.tenancy_ended_on = self.ended_on

class SettingOverridden(DecisionEvent):
    TOPIC = "upc.case:Case.SettingOverridden"
    setting: str
    value: str

    def change(self, case: Any) -> None:
        case.setting_overrides[self.setting] = self.value

class CaseClosed(DecisionEvent):
    TOPIC = "upc.case:Case.CaseClosed"
    retain_until: date

    def change(self, case: Any) -> None:
        case.status = CaseStatus.CLOSED.value
        case.closed_at = self.occurred_at
        case.retain_until = self.retain_until

SUPPORT_RESPONSES = frozenset(SupportResponse)
