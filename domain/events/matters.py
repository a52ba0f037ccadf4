"""The other events a case must take: counter-allegations, representatives, the
Ombudsman, complaints, subject access, the owner, the tenancy, settings and closure."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from domain.calendar import add_months, uk_date
from domain.events.base import (
    CaseEvent,
    DecisionEvent,
    _subject,
)
from domain.personal import PersonalData, plain_as_personal
from domain.records import (
    OmbudsmanMatter,
    Representative,
)
from domain.vocabulary import (
    CaseStatus,
    SupportResponse,
)


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
