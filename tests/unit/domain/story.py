"""A test helper that walks a case through the lifecycle on a controllable clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

from domain.actors import SYSTEM_ACTOR, Actor, Role
from domain.application import CaseService
from domain.calendar import uk_date
from domain.case import Case
from domain.terms import RestrictionTerms

CASEWORKER = Actor("cara", Role.CASEWORKER)
CASEWORKER_2 = Actor("carl", Role.CASEWORKER)
MANAGER = Actor("maya", Role.MANAGER)
MANAGER_2 = Actor("milo", Role.MANAGER)
SENIOR = Actor("sana", Role.SENIOR_MANAGER)
SENIOR_2 = Actor("seth", Role.SENIOR_MANAGER)
AUDITOR = Actor("audra", Role.AUDITOR)
COMMITTEE = Actor("cole", Role.COMMITTEE)
ADMIN = Actor("adam", Role.ADMIN)
SYSTEM = SYSTEM_ACTOR

MONDAY = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)

TERMS = RestrictionTerms(single_point_of_contact="housing officer inbox",
                         services=("housing management",))
WRITTEN_ONLY = RestrictionTerms(written_only=True, services=("repairs",))
ORG_WIDE = RestrictionTerms(no_face_to_face=True, organisation_wide=True,
                            scope_justification="abuse at every office")


@dataclass
class Clock:
    now: datetime = MONDAY

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)

    def set(self, moment: datetime) -> None:
        self.now = moment


@dataclass
class Story:
    app: CaseService
    clock: Clock
    customer_ref: str = "T-1001"
    case_id: UUID = field(init=False)
    incident: str = ""
    threat: str = ""
    contact: UUID | None = None
    restriction: UUID | None = None
    appeal: UUID | None = None

    def __post_init__(self) -> None:
        self.case_id = self.app.open_case(self.customer_ref, CASEWORKER).id

    @property
    def case(self) -> Case:
        return self.app.get_case(self.case_id)

    @property
    def today(self) -> date:
        return uk_date(self.clock.now)

    def do(self, command: str, actor: Actor, **kwargs: Any) -> Case:
        method: Callable[..., Case] = getattr(self.app, command)
        return method(self.case_id, actor, **kwargs)

    # --- steps ---------------------------------------------------------------------------

    def record_contact(self, summary: str = "rang about the boiler again") -> UUID:
        case = self.do("record_contact", CASEWORKER, channel="phone", direction="inbound",
                       occurred_at=self.clock.now, summary=summary)
        self.contact = list(case.contacts)[-1]
        return self.contact

    def record_incident(self, category: str = "abusive_or_aggressive",
                        staff: tuple[str, ...] = ("cara",)) -> str:
        case = self.do("record_incident", CASEWORKER, category=category,
                       description="shouted at the officer", occurred_at=self.clock.now,
                       staff_ids=staff)
        ref = str(list(case.incidents)[-1])
        if category == "threats_or_violence":
            self.threat = ref
        self.incident = ref
        return ref

    def raise_concern(self) -> Story:
        self.do("raise_concern", CASEWORKER, evidence=[self.incident or self.record_incident()],
                reason="repeated abuse on the phone", categories=["abusive_or_aggressive"])
        return self

    def complete_checks(self, actor: Actor = MANAGER, *, written_ok: bool = True,
                        legitimate_issue: bool = False) -> Story:
        self.do("record_check", actor, kind="vulnerability_assessment",
                notes="no known vulnerabilities", written_communication_ok=written_ok)
        self.do("record_check", actor, kind="legitimate_issue", notes="no open complaints",
                legitimate_issue_found=legitimate_issue)
        self.do("record_check", actor, kind="complaint_handling", notes="complaints closed")
        self.do("record_check", actor, kind="other_agency", notes="no social care involvement")
        return self

    def ready(self) -> Story:
        """Concern raised and every pre-decision check current."""
        return self.raise_concern().complete_checks()

    def review_date(self, months: int = 3) -> date:
        return self.today + timedelta(days=30 * months)

    def propose(self, terms: RestrictionTerms = TERMS, actor: Actor = CASEWORKER) -> UUID:
        case = self.do("propose_restriction", actor, terms=terms, evidence=[self.incident],
                       reason="abuse continued after the warning",
                       review_date=self.review_date())
        self.restriction = list(case.restrictions)[-1]
        return self.restriction

    def activate(self, terms: RestrictionTerms = TERMS) -> UUID:
        """A restriction approved and its notice sent."""
        restriction = self.propose(terms)
        approver = SENIOR if terms.organisation_wide else MANAGER
        case = self.do("approve_restriction", approver, restriction_id=restriction,
                       reason="proportionate to the abuse recorded")
        notice_id = case.restrictions[restriction].notice_id
        self.do("record_notice_sent", CASEWORKER, notice_id=notice_id)
        return restriction

    def impose_immediate(self) -> UUID:
        threat = self.threat or self.record_incident("threats_or_violence")
        case = self.do("impose_immediate_restriction", CASEWORKER, terms=TERMS,
                       evidence=[threat], reason="threatened the officer with a knife")
        self.restriction = list(case.restrictions)[-1]
        return self.restriction

    def lodge_appeal(self, actor: Actor = MANAGER_2) -> UUID:
        assert self.restriction is not None
        case = self.do("lodge_appeal", actor, restriction_id=self.restriction,
                       grounds="I was not abusive")
        self.appeal = list(case.appeals)[-1]
        return self.appeal

    def send_owed_notices(self) -> None:
        for notice in list(self.case.notices.values()):
            if notice.sent_at is None:
                self.do("record_notice_sent", CASEWORKER, notice_id=notice.notice_id)


def make_story(app: CaseService, clock: Clock, customer_ref: str = "T-1001") -> Story:
    return Story(app, clock, customer_ref)


__all__ = [
    "ADMIN",
    "AUDITOR",
    "CASEWORKER",
    "COMMITTEE",
    "MANAGER",
    "MANAGER_2",
    "ORG_WIDE",
    "SENIOR",
    "SENIOR_2",
    "SYSTEM",
    "TERMS",
    "WRITTEN_ONLY",
    "Clock",
    "Story",
]
