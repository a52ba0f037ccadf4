"""The state of a case, as its events leave it: what the rules and the clocks read.

``domain.events`` sets it (``apply``); ``domain.case`` commands and ``domain.clocks`` /
``domain.privacy`` read it. Declared here, below all three, so none imports another to
know the shape of a case."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from domain.personal import PersonalData
from domain.records import (
    Appeal,
    Check,
    Contact,
    Incident,
    Notice,
    Remedy,
    Restriction,
    Warning,
)
from domain.settings import PolicyValues


class CaseState:
    customer_ref: PersonalData  # sealed; str() gives the text, or [erased]
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
    equality_consent: bool
    equality_recorded_at: datetime | None
    closed_appeal_windows: set[UUID]  # notices whose appeal window closed unanswered
    remedies: dict[UUID, Remedy]  # ordered by Ombudsman determinations


    if TYPE_CHECKING:
        @property
        def id(self) -> UUID: ...

        version: int

    @property
    def subject_id(self) -> str:
        """Whose key seals this case's personal data: the customer's."""
        return str(self.id)

    def policy(self, organisation: PolicyValues) -> PolicyValues:
        return organisation.with_overrides(self.setting_overrides)
