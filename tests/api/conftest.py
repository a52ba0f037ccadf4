"""The API on a real PostgreSQL, with the projection runner, shared by the API tests.

One app and one database for the session (each test uses its own customer references), and
``Stage``: builds a case up to a given point of its lifecycle through the application service,
so a test spends its requests on the endpoint it is about.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from api.auth import issue_token
from domain.actors import Actor, Role
from domain.application import CaseService
from domain.terms import RestrictionTerms
from letters.sending import record_posted
from projections.runner import ProjectionRunner
from upc import bootstrap
from upc.app import create_app
from upc.settings import Settings, psycopg_conninfo

SECRET = "api-tests-secret-0123456789abcdef0123456789"

CASEWORKER = Actor("cw-setup", Role.CASEWORKER)
MANAGER = Actor("mgr-setup", Role.MANAGER)
SENIOR = Actor("snr-setup", Role.SENIOR_MANAGER)
ADMIN = Actor("adm-setup", Role.ADMIN)
TERMS = RestrictionTerms(single_point_of_contact="housing officer inbox",
                         services=("housing management",))
_refs = itertools.count(1)


def token(role: Role | str, user: str | None = None, secret: str = SECRET) -> str:
    role = Role(role)
    return issue_token(secret, user or f"{role.value}-tester", role)


def auth(role: Role | str, user: str | None = None, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(role, user)}", **headers}


def now() -> datetime:
    return datetime.now(UTC)


def review_date(days: int = 60) -> date:
    return (now() + timedelta(days=days)).date()


def new_ref(prefix: str = "T") -> str:
    return f"{prefix}-{next(_refs):05d}-{id(object()) % 9973}"


@pytest.fixture(scope="session", autouse=True)
def small_pools() -> Iterator[None]:
    """Each test app holds a service, three views and a runner: keep their pools small, so
    a session with several apps stays within PostgreSQL's connection limit."""
    original = bootstrap.eventsourcing_env

    def smaller(database_url: str, schema: str = "") -> dict[str, str]:
        return {**original(database_url, schema), "POSTGRES_POOL_SIZE": "2",
                "POSTGRES_MAX_OVERFLOW": "4"}

    bootstrap.eventsourcing_env = smaller  # type: ignore[assignment]
    try:
        yield
    finally:
        bootstrap.eventsourcing_env = original  # type: ignore[assignment]


@pytest.fixture(scope="session")
def api_database(database_url: str) -> str:
    bootstrap.migrate(database_url)
    return database_url


def build_client(database_url: str, data_dir: Path, **settings: Any
                 ) -> Iterator[TestClient]:
    config = Settings(database_url=database_url, upc_token_secret=SECRET,
                      upc_data_dir=data_dir, **settings)
    app = bootstrap.case_service(database_url)
    runner = ProjectionRunner(app, bootstrap.views(database_url),
                              psycopg_conninfo(database_url), poll_interval=0.1)
    runner.start()
    try:
        with TestClient(create_app(config), raise_server_exceptions=False) as client:
            client.runner = runner  # type: ignore[attr-defined]
            yield client
    finally:
        runner.stop()
        app.close()


@pytest.fixture(scope="session")
def client(api_database: str, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[TestClient]:
    yield from build_client(api_database, tmp_path_factory.mktemp("api"))


@pytest.fixture(scope="session")
def service(client: TestClient) -> CaseService:
    return client.app.state.service  # type: ignore[attr-defined,no-any-return]


@dataclass
class Built:
    """A case built to some stage; ids of what the endpoint under test needs."""

    case_id: UUID
    customer_ref: str
    contact: UUID | None = None
    incident: UUID | None = None
    restriction: UUID | None = None
    appeal: UUID | None = None
    notice: UUID | None = None
    ref: UUID | None = None  # a request, complaint, matter or hold

    @property
    def path(self) -> str:
        return f"/api/v1/cases/{self.case_id}"


class Stage:
    """Walks a case through the lifecycle with the application service (not over HTTP)."""

    def __init__(self, service: CaseService) -> None:
        self.service = service

    def opened(self) -> Built:
        ref = new_ref()
        case = self.service.open_case(ref, CASEWORKER)
        return Built(case.id, ref)

    def with_contact(self) -> Built:
        built = self.opened()
        case = self.service.record_contact(built.case_id, CASEWORKER, channel="phone",
                                           direction="inbound", occurred_at=now(),
                                           summary="Rang about the boiler again.")
        built.contact = list(case.contacts)[-1]
        return built

    def with_incident(self, category: str = "abusive_or_aggressive") -> Built:
        built = self.with_contact()
        case = self.service.record_incident(built.case_id, CASEWORKER, category=category,
                                            description="Shouted at the officer.",
                                            occurred_at=now(), staff_ids=["cara"])
        built.incident = list(case.incidents)[-1]
        return built

    def concern(self) -> Built:
        built = self.with_incident()
        self.service.raise_concern(built.case_id, CASEWORKER, evidence=[str(built.incident)],
                                   reason="Repeated abuse.", categories=["abusive_or_aggressive"])
        return built

    def ready(self) -> Built:
        built = self.concern()
        for kind in ("vulnerability_assessment", "legitimate_issue", "complaint_handling",
                     "other_agency"):
            self.service.record_check(built.case_id, MANAGER, kind=kind, notes="done",
                                      written_communication_ok=True)
        return built

    def proposed(self) -> Built:
        built = self.ready()
        case = self.service.propose_restriction(
            built.case_id, CASEWORKER, terms=TERMS, evidence=[str(built.incident)],
            reason="Abuse continued.", review_date=review_date())
        built.restriction = list(case.restrictions)[-1]
        return built

    def approved(self) -> Built:
        """Approved, its notice still owed."""
        built = self.proposed()
        case = self.service.approve_restriction(built.case_id, MANAGER,
                                                restriction_id=built.restriction,
                                                reason="Proportionate.")
        built.notice = case.restrictions[built.restriction].notice_id
        return built

    def posted(self) -> Built:
        """Approved, its letter recorded as printed and posted."""
        built = self.approved()
        record_posted(self.service, built.case_id, CASEWORKER, built.notice)
        return built

    def active(self) -> Built:
        """Approved, its letter printed and posted."""
        return self.posted()

    def immediate(self) -> Built:
        built = self.with_incident("threats_or_violence")
        case = self.service.impose_immediate_restriction(
            built.case_id, CASEWORKER, terms=TERMS, evidence=[str(built.incident)],
            reason="Threatened the officer.")
        built.restriction = list(case.restrictions)[-1]
        return built

    def appealed(self) -> Built:
        built = self.active()
        case = self.service.lodge_appeal(built.case_id, MANAGER, restriction_id=built.restriction,
                                         grounds="I was not abusive.")
        built.appeal = list(case.appeals)[-1]
        return built

    def late_appeal(self) -> Built:
        built = self.ready()
        self.service.override_setting(built.case_id, MANAGER, setting="appeal_window",
                                      value="0 working_days", reason="test: window closed")
        case = self.service.propose_restriction(
            built.case_id, CASEWORKER, terms=TERMS, evidence=[str(built.incident)],
            reason="Abuse continued.", review_date=review_date())
        built.restriction = list(case.restrictions)[-1]
        case = self.service.approve_restriction(built.case_id, MANAGER,
                                                restriction_id=built.restriction,
                                                reason="Proportionate.")
        self.service.record_notice_sent(
            built.case_id, CASEWORKER, notice_id=case.restrictions[built.restriction].notice_id,
            occurred_at=now() - timedelta(days=10))
        case = self.service.lodge_appeal(built.case_id, MANAGER, restriction_id=built.restriction,
                                         grounds="Late.")
        built.appeal = list(case.appeals)[-1]
        return built


    def with_equality(self, **answers: str) -> Built:
        """Opened, the customer's equality monitoring answers recorded with consent."""
        built = self.opened()
        self.service.record_equality_monitoring(
            built.case_id, CASEWORKER, answers=answers or {"age_band": "35_44"}, consent=True)
        return built

    def subject_access(self) -> Built:
        built = self.opened()
        case = self.service.record_subject_access_request(built.case_id, CASEWORKER)
        built.ref = list(case.subject_access_requests)[-1]
        return built

    def complaint(self) -> Built:
        built = self.active()
        case = self.service.record_restriction_complaint(
            built.case_id, CASEWORKER, restriction_id=built.restriction, summary="No replies.")
        built.ref = list(case.complaints)[-1]
        return built

    def ombudsman(self) -> Built:
        built = self.opened()
        case = self.service.record_ombudsman_contact(built.case_id, MANAGER, stage="enquiry",
                                                     reference="HOS-1")
        built.ref = list(case.ombudsman)[-1]
        return built

    def remedy(self) -> Built:
        """An Ombudsman matter determined, ordering an apology (``ref``: the remedy)."""
        built = self.ombudsman()
        case = self.service.record_ombudsman_determination(
            built.case_id, MANAGER, matter_id=built.ref,
            remedies=[("apology", now().date() + timedelta(days=14))])
        built.ref = list(case.remedies)[-1]
        return built

    def legal_hold(self) -> Built:
        built = self.opened()
        case = self.service.place_legal_hold(built.case_id, ADMIN, reason="Claim issued.")
        built.ref = list(case.litigation_holds)[-1]
        return built

    def past_retention(self) -> Built:
        """Closed a month ago with a one-day retention: due for disposal."""
        past = now() - timedelta(days=30)
        old = CaseService(env=self.service.env, clock=lambda: past)
        try:
            ref = new_ref()
            case = old.open_case(ref, CASEWORKER)
            old.override_setting(case.id, MANAGER, setting="retention", value="1 calendar_days",
                                 reason="test: short retention")
            old.close_case(case.id, MANAGER, reason="Nothing further.")
        finally:
            old.close()
        return Built(case.id, ref)


@pytest.fixture(scope="session")
def stage(service: CaseService) -> Stage:
    return Stage(service)


def wait_position(client: TestClient, position: int) -> None:
    """Read-your-writes: ask a read to wait until the views reached ``position``."""
    reply = client.get("/api/v1/cases", params={"min_position": position, "limit": 1},
                       headers=auth(Role.AUDITOR))
    assert reply.status_code == 200, reply.text
