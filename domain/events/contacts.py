"""Opening a case; contacts, their triage, incidents and staff support."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.events.base import (
    CaseEvent,
    _add_recorded_at,
)
from domain.personal import PersonalData, plain_as_personal
from domain.records import (
    Contact,
    Incident,
)
from domain.vocabulary import (
    CaseStatus,
    Triage,
)


class Opened(CaseEvent, Aggregate.Created):
    """A case for a customer. v3: the customer reference is sealed as the customer's personal
    data and the case id is random (v1 and v2 kept the reference in clear, and their case id
    was derived from it: ``domain.identity.legacy_case_id``)."""

    TOPIC = "upc.case:Case.Opened"
    class_version = 3
    customer_ref: PersonalData

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        _add_recorded_at(state)

    @staticmethod
    def upcast_v2_v3(state: dict[str, Any]) -> None:
        """Read the reference stored in clear as the customer's personal data (it cannot be
        sealed where it already lies in clear)."""
        subject = str(state["originator_id"])
        state["customer_ref"] = plain_as_personal(subject, state["customer_ref"]) or \
            PersonalData(subject, None)

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
        case.equality_consent = False
        case.equality_recorded_at = None
        case.closed_appeal_windows = set()
        case.remedies = {}
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
