"""What a case remembers: plain records built by the events' ``apply`` and nothing else."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID

from domain.personal import PersonalData


@dataclass
class Contact:
    channel: str
    direction: str
    occurred_at: datetime
    summary: PersonalData
    triage: str | None = None
    recorded_at: datetime | None = None  # when it was recorded: the triage clock starts


@dataclass
class Incident:
    category: str
    occurred_at: datetime
    staff_ids: tuple[str, ...]
    contact_id: UUID | None
    support: dict[str, str] = field(default_factory=dict)  # staff id -> SupportResponse


@dataclass
class Check:
    kind: str
    occurred_at: datetime
    actor_id: str
    customer_declined: bool = False
    written_communication_ok: bool = False
    legitimate_issue_found: bool = False
    adjustments: tuple[str, ...] = ()


@dataclass
class Warning:
    kind: str
    given_at: datetime
    notice_id: UUID
    lapsed: bool = False


@dataclass
class Restriction:
    restriction_id: UUID
    status: str
    terms: dict[str, Any]
    immediate: bool
    proposer_id: str
    proposed_at: datetime
    review_date: date | None
    ends_on: date | None
    approver_id: str | None = None
    ratifier_id: str | None = None
    decided_at: datetime | None = None
    notice_id: UUID | None = None
    reviewer_ids: list[str] = field(default_factory=list)
    review_due: bool = False
    review_overdue: bool = False
    ratification_overdue: bool = False
    lift_notice_id: UUID | None = None
    appeal_window_closed: bool = False  # closed with no appeal lodged in time
    extender_ids: list[str] = field(default_factory=list)  # who extended it (a variation)

    @property
    def in_force(self) -> bool:
        return self.status in ("active", "awaiting_ratification")

    def involved(self) -> set[str]:
        """Everyone who took part: none of them may decide an appeal against it."""
        people = {self.proposer_id, *self.reviewer_ids, *self.extender_ids}
        return people | {p for p in (self.approver_id, self.ratifier_id) if p}


@dataclass
class Appeal:
    appeal_id: UUID
    restriction_id: UUID
    received_at: datetime
    status: str
    late: bool
    clock_from: datetime | None  # when the decision clock started (None: late, not accepted)
    outcome: str | None = None
    decider_id: str | None = None
    overdue: bool = False
    reminded: bool = False  # the decider was reminded before the decision fell due
    #: the notice whose decision it answers (the restriction's own, or a variation's):
    #: its appeal window says whether the appeal is late. None: the restriction's own.
    notice_id: UUID | None = None


@dataclass
class Notice:
    notice_id: UUID
    kind: str
    about_id: UUID
    owed_since: datetime
    sent_at: datetime | None = None
    format: str | None = None
    overdue: bool = False
    channel: str | None = None  # how it was sent: email, post, recorded
    email_requested: datetime | None = None  # when a caseworker last asked for an email
    email_started: str | None = None  # the Message-ID once the email started to go
    email_failed: str | None = None  # the code of the last failed attempt

    @property
    def email_pending(self) -> bool:
        """An email was asked for and has neither gone nor failed since."""
        return (self.sent_at is None and self.email_requested is not None
                and self.email_failed is None)


@dataclass
class Representative:
    kind: str
    details: PersonalData
    consent_on: date


@dataclass
class OmbudsmanMatter:
    stage: str
    reference: PersonalData  # the Ombudsman's reference identifies the customer
    due_on: date | None
    received_at: datetime
    overdue: bool = False  # its due date passed before it was closed
    determined_at: datetime | None = None  # the Ombudsman's determination was recorded


@dataclass
class Remedy:
    """A remedy an Ombudsman's determination ordered, due by a date."""

    remedy_id: UUID
    matter_id: UUID
    kind: str  # RemedyKind
    due_on: date
    ordered_at: datetime
    completed_at: datetime | None = None
    overdue: bool = False  # escalated: its due date passed before it was completed
