"""The authorisation matrix: every role against every endpoint, with the expected status.

Written from POLICY.md's roles table, independently of ``api.access``: an allowed role gets
the endpoint's success status (the case is built to the stage the endpoint needs, by other
people, so separation of duties does not get in the way); every other role gets ``403``,
and nothing is recorded. A test also checks that no API route is missing from this matrix.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from domain.actors import Role
from tests.api.conftest import Built, Stage, auth, new_ref, now, review_date

CW, MGR, SNR = "caseworker", "manager", "senior_manager"
AUD, COM, ADM = "auditor", "committee", "admin"
ROLES = (CW, MGR, SNR, AUD, COM, ADM)
FRONT = {CW, MGR, SNR}
MANAGEMENT = {MGR, SNR}
READERS = FRONT | {AUD}


@dataclass(frozen=True)
class Cell:
    name: str
    method: str
    route: str  # the route template, to check coverage
    stage: str
    path: Callable[[Built], str]
    allowed: set[str]
    status: int
    body: Callable[[Built], dict[str, Any]] | None = None
    params: dict[str, Any] | None = None


def at() -> str:
    return now().isoformat()


TERMS = {"single_point_of_contact": "housing officer inbox", "services": ["housing management"]}
C = "/api/v1/cases/{case_id}"
R = C + "/restrictions/{restriction_id}"
A = C + "/appeals/{appeal_id}"

CELLS = [
    Cell("open case", "POST", "/api/v1/cases", "none", lambda b: "/api/v1/cases", FRONT, 201,
         lambda b: {"customer_ref": new_ref("M")}),
    Cell("list cases", "GET", "/api/v1/cases", "opened", lambda b: "/api/v1/cases", READERS,
         200),
    Cell("read case", "GET", C, "opened", lambda b: b.path, READERS, 200,
         params={"min_version": 1}),
    Cell("timeline", "GET", C + "/timeline", "opened", lambda b: f"{b.path}/timeline", READERS,
         200),
    Cell("events", "GET", C + "/events", "opened", lambda b: f"{b.path}/events", READERS, 200),
    Cell("close case", "POST", C + "/closure", "opened", lambda b: f"{b.path}/closure",
         MANAGEMENT, 200, lambda b: {"reason": "No further contact."}),
    Cell("assign owner", "POST", C + "/owner", "opened", lambda b: f"{b.path}/owner",
         MANAGEMENT, 200, lambda b: {"owner_id": "milo", "reason": "Knows the history."}),
    Cell("record contact", "POST", C + "/contacts", "opened", lambda b: f"{b.path}/contacts",
         FRONT, 201, lambda b: {"channel": "email", "direction": "inbound", "occurred_at": at(),
                                "summary": "Asked again."}),
    Cell("triage contact", "POST", C + "/contacts/{contact_id}/triage", "with_contact",
         lambda b: f"{b.path}/contacts/{b.contact}/triage", FRONT, 200,
         lambda b: {"classification": "no_new_information"}),
    Cell("record incident", "POST", C + "/incidents", "opened", lambda b: f"{b.path}/incidents",
         FRONT, 201, lambda b: {"category": "unreasonable_demands", "occurred_at": at(),
                                "description": "Demanded a named officer."}),
    Cell("staff support", "POST", C + "/incidents/{incident_id}/staff-support", "with_incident",
         lambda b: f"{b.path}/incidents/{b.incident}/staff-support", FRONT, 200,
         lambda b: {"staff_id": "cara", "response": "offered"}),
    Cell("raise concern", "POST", C + "/concerns", "with_incident",
         lambda b: f"{b.path}/concerns", FRONT, 201,
         lambda b: {"evidence": [str(b.incident)], "reason": "Repeated abuse."}),
    Cell("informal warning", "POST", C + "/warnings", "concern",
         lambda b: f"{b.path}/warnings", FRONT, 201,
         lambda b: {"kind": "informal", "evidence": [str(b.incident)], "reason": "Abuse."}),
    Cell("formal warning", "POST", C + "/warnings", "ready",
         lambda b: f"{b.path}/warnings", MANAGEMENT, 201,
         lambda b: {"kind": "formal", "evidence": [str(b.incident)], "reason": "Abuse."}),
    Cell("record vulnerability", "POST", C + "/assessments", "opened",
         lambda b: f"{b.path}/assessments", FRONT, 201,
         lambda b: {"details": "Anxiety; prefers email."}),
    Cell("read assessments", "GET", C + "/assessments", "ready",
         lambda b: f"{b.path}/assessments", READERS, 200),
    Cell("record check", "POST", C + "/checks", "concern", lambda b: f"{b.path}/checks",
         MANAGEMENT, 201, lambda b: {"kind": "other_agency", "notes": "None involved."}),
    Cell("resolve legitimate issue", "POST", C + "/legitimate-issue-resolutions", "ready",
         lambda b: f"{b.path}/legitimate-issue-resolutions", MANAGEMENT, 201,
         lambda b: {"reason": "Boiler replaced."}),
    Cell("propose restriction", "POST", C + "/restrictions", "ready",
         lambda b: f"{b.path}/restrictions", FRONT, 201,
         lambda b: {"terms": TERMS, "evidence": [str(b.incident)], "reason": "Abuse.",
                    "review_date": review_date().isoformat()}),
    Cell("impose immediate restriction", "POST", C + "/immediate-restrictions", "threat",
         lambda b: f"{b.path}/immediate-restrictions", FRONT, 201,
         lambda b: {"terms": TERMS, "evidence": [str(b.incident)], "reason": "Threats."}),
    Cell("decide restriction", "POST", R + "/decision", "proposed",
         lambda b: f"{b.path}/restrictions/{b.restriction}/decision", MANAGEMENT, 200,
         lambda b: {"outcome": "approved", "reason": "Proportionate."}),
    Cell("ratify immediate restriction", "POST", R + "/ratification", "immediate",
         lambda b: f"{b.path}/restrictions/{b.restriction}/ratification", {SNR}, 200,
         lambda b: {"outcome": "ratified", "reason": "Serious threat.",
                    "review_date": review_date().isoformat()}),
    Cell("lift restriction", "POST", R + "/lift", "active",
         lambda b: f"{b.path}/restrictions/{b.restriction}/lift", MANAGEMENT, 200,
         lambda b: {"reason": "No incidents since."}),
    Cell("extend restriction", "POST", R + "/extension", "active",
         lambda b: f"{b.path}/restrictions/{b.restriction}/extension", MANAGEMENT, 200,
         lambda b: {"ends_on": review_date(120).isoformat(), "reason": "Breaches continue."}),
    Cell("complete review", "POST", R + "/reviews", "active",
         lambda b: f"{b.path}/restrictions/{b.restriction}/reviews", MANAGEMENT, 201,
         lambda b: {"outcome": "continue", "reason": "Breaches continue.",
                    "next_review_date": review_date(90).isoformat()}),
    Cell("record appeal", "POST", R + "/appeals", "active",
         lambda b: f"{b.path}/restrictions/{b.restriction}/appeals", MANAGEMENT, 201,
         lambda b: {"grounds": "Calls were about an urgent repair."}),
    Cell("complaint about restriction", "POST", R + "/complaints", "active",
         lambda b: f"{b.path}/restrictions/{b.restriction}/complaints", FRONT, 201,
         lambda b: {"summary": "The inbox never replies."}),
    Cell("notice sent", "POST", C + "/notices/{notice_id}/dispatch", "approved",
         lambda b: f"{b.path}/notices/{b.notice}/dispatch", FRONT, 200, lambda b: {}),
    Cell("notice preview", "GET", C + "/notices/{notice_id}/preview", "approved",
         lambda b: f"{b.path}/notices/{b.notice}/preview", READERS, 200),
    Cell("notice email", "POST", C + "/notices/{notice_id}/email", "approved",
         lambda b: f"{b.path}/notices/{b.notice}/email", FRONT, 202,
         lambda b: {"address": "customer@example.org"}),
    Cell("notice posted", "POST", C + "/notices/{notice_id}/post", "approved",
         lambda b: f"{b.path}/notices/{b.notice}/post", FRONT, 200, lambda b: {}),
    Cell("notice document", "GET", C + "/notices/{notice_id}/document", "posted",
         lambda b: f"{b.path}/notices/{b.notice}/document", READERS, 200,
         params={"as": "text"}),
    Cell("decide appeal", "POST", A + "/decision", "appealed",
         lambda b: f"{b.path}/appeals/{b.appeal}/decision", {SNR}, 200,
         lambda b: {"outcome": "dismissed", "reason": "Proportionate and reviewed."}),
    Cell("accept late appeal", "POST", A + "/late-acceptance", "late_appeal",
         lambda b: f"{b.path}/appeals/{b.appeal}/late-acceptance", {SNR}, 200,
         lambda b: {"reason": "In hospital."}),
    Cell("reject late appeal", "POST", A + "/late-rejection", "late_appeal",
         lambda b: f"{b.path}/appeals/{b.appeal}/late-rejection", MANAGEMENT, 200,
         lambda b: {"reason": "No reason given for the delay."}),
    Cell("counter-allegation", "POST", C + "/counter-allegations", "opened",
         lambda b: f"{b.path}/counter-allegations", FRONT, 201,
         lambda b: {"staff_id": "maya", "summary": "Says the officer was rude."}),
    Cell("representative", "POST", C + "/representatives", "opened",
         lambda b: f"{b.path}/representatives", FRONT, 201,
         lambda b: {"kind": "advocate", "details": "Citizens Advice.",
                    "consent_on": now().date().isoformat()}),
    Cell("ombudsman contact", "POST", C + "/ombudsman-contacts", "opened",
         lambda b: f"{b.path}/ombudsman-contacts", MANAGEMENT, 201,
         lambda b: {"stage": "enquiry", "reference": "HOS-1"}),
    Cell("subject access request", "POST", C + "/subject-access-requests", "opened",
         lambda b: f"{b.path}/subject-access-requests", FRONT, 201, lambda b: {}),
    Cell("tenancy ended", "POST", C + "/tenancy-end", "opened", lambda b: f"{b.path}/tenancy-end",
         FRONT, 201, lambda b: {"ended_on": now().date().isoformat()}),
    Cell("case setting", "POST", C + "/setting-overrides", "opened",
         lambda b: f"{b.path}/setting-overrides", MANAGEMENT, 201,
         lambda b: {"setting": "appeal_window", "value": "30 working_days",
                    "reason": "Advocate availability."}),
    Cell("extend subject access", "POST", C + "/subject-access-requests/{request_id}/extension",
         "subject_access", lambda b: f"{b.path}/subject-access-requests/{b.ref}/extension",
         MANAGEMENT | {ADM}, 200, lambda b: {"reason": "Complex request."}),
    Cell("answer subject access", "POST", C + "/subject-access-requests/{request_id}/response",
         "subject_access", lambda b: f"{b.path}/subject-access-requests/{b.ref}/response",
         FRONT | {ADM}, 200, lambda b: {}),
    Cell("resolve complaint", "POST", C + "/complaints/{complaint_id}/resolution", "complaint",
         lambda b: f"{b.path}/complaints/{b.ref}/resolution", FRONT, 200, lambda b: {}),
    Cell("close ombudsman matter", "POST", C + "/ombudsman-contacts/{matter_id}/closure",
         "ombudsman", lambda b: f"{b.path}/ombudsman-contacts/{b.ref}/closure", MANAGEMENT,
         200, lambda b: {}),
    Cell("ombudsman determination", "POST", C + "/ombudsman-contacts/{matter_id}/determination",
         "ombudsman", lambda b: f"{b.path}/ombudsman-contacts/{b.ref}/determination",
         MANAGEMENT, 201, lambda b: {"remedies": [
             {"kind": "apology", "due_on": review_date(14).isoformat()}]}),
    Cell("complete remedy", "POST", C + "/remedies/{remedy_id}/completion", "remedy",
         lambda b: f"{b.path}/remedies/{b.ref}/completion", MANAGEMENT, 200,
         lambda b: {"note": "Apology sent."}),
    Cell("place legal hold", "POST", C + "/legal-holds", "opened",
         lambda b: f"{b.path}/legal-holds", {ADM}, 201, lambda b: {"reason": "Claim issued."}),
    Cell("release legal hold", "POST", C + "/legal-holds/{hold_id}/release", "legal_hold",
         lambda b: f"{b.path}/legal-holds/{b.ref}/release", {ADM}, 200,
         lambda b: {"reason": "Claim settled."}),
    Cell("erase customer", "POST", C + "/erasures", "opened", lambda b: f"{b.path}/erasures",
         {ADM}, 201, lambda b: {"person": "customer", "ground": "erasure_request"}),
    Cell("dispose of case", "POST", C + "/disposal", "past_retention",
         lambda b: f"{b.path}/disposal", {ADM}, 200, lambda b: {}),
    Cell("subject access export", "GET", C + "/subject-access-export", "opened",
         lambda b: f"{b.path}/subject-access-export", {AUD, ADM}, 200),
    Cell("legal holds of a case", "GET", C + "/legal-holds", "opened",
         lambda b: f"{b.path}/legal-holds", MANAGEMENT | {AUD, ADM}, 200),
    Cell("record equality monitoring", "POST", C + "/equality-monitoring", "opened",
         lambda b: f"{b.path}/equality-monitoring", FRONT, 201,
         lambda b: {"consent": True, "age_band": "35_44", "sex": "prefer_not_to_say"}),
    Cell("withdraw equality consent", "POST", C + "/equality-monitoring/withdrawal",
         "with_equality", lambda b: f"{b.path}/equality-monitoring/withdrawal", FRONT | {ADM},
         200, lambda b: {}),
    Cell("subject access queue", "GET", "/api/v1/privacy/subject-access-requests", "none",
         lambda b: "/api/v1/privacy/subject-access-requests", FRONT | {AUD, ADM}, 200),
    Cell("retention", "GET", "/api/v1/privacy/retention", "none",
         lambda b: "/api/v1/privacy/retention", {AUD, ADM}, 200),
    Cell("read settings", "GET", "/api/v1/settings", "none", lambda b: "/api/v1/settings",
         READERS | {ADM}, 200),
    Cell("change setting", "PUT", "/api/v1/settings/{setting}", "none",
         lambda b: "/api/v1/settings/warning_lapse", {ADM}, 200,
         lambda b: {"value": "6 months", "reason": "Confirmed by the committee."}),
    Cell("contact rules", "GET", "/api/v1/customers/{customer_ref}/contact-rules", "opened",
         lambda b: f"/api/v1/customers/{b.customer_ref}/contact-rules", READERS, 200),
    Cell("queues", "GET", "/api/v1/queues", "none", lambda b: "/api/v1/queues", READERS, 200),
    Cell("queue", "GET", "/api/v1/queues/{queue}", "none",
         lambda b: "/api/v1/queues/reviews_due", READERS, 200),
    Cell("compliance checks", "GET", "/api/v1/audit/checks", "none",
         lambda b: "/api/v1/audit/checks", MANAGEMENT | {AUD}, 200),
    Cell("compliance check", "GET", "/api/v1/audit/checks/{check}", "none",
         lambda b: "/api/v1/audit/checks/lift_without_notice", MANAGEMENT | {AUD}, 200),
    Cell("decision trail", "GET", "/api/v1/audit/cases/{case_id}/decision-trail", "concern",
         lambda b: f"/api/v1/audit/cases/{b.case_id}/decision-trail", {AUD, SNR}, 200),
    Cell("access log", "GET", "/api/v1/audit/access-log", "none",
         lambda b: "/api/v1/audit/access-log", {AUD}, 200),
    Cell("committee report", "GET", "/api/v1/reports/committee", "none",
         lambda b: "/api/v1/reports/committee", {COM, AUD, SNR}, 200,
         params={"quarter": "2026Q3"}),
]


def build(stage: Stage, name: str) -> Built:
    if name == "none":
        return Built(case_id=None, customer_ref="")  # type: ignore[arg-type]
    if name == "threat":
        return stage.with_incident("threats_or_violence")
    return getattr(stage, name)()  # type: ignore[no-any-return]


@pytest.mark.parametrize("cell", CELLS, ids=[c.name for c in CELLS])
def test_every_role_against_the_endpoint(client: TestClient, stage: Stage, cell: Cell) -> None:
    outcomes = {}
    for role in ROLES:
        built = build(stage, cell.stage)
        before = stage.service.get_case(built.case_id).version if built.case_id else None
        reply = client.request(cell.method, cell.path(built), params=cell.params,
                               json=cell.body(built) if cell.body else None,
                               headers=auth(role, f"{role}-matrix"))
        outcomes[role] = reply.status_code
        expected = cell.status if role in cell.allowed else 403
        if reply.status_code != expected:
            pytest.fail(f"{cell.name} as {role}: {reply.status_code}, expected {expected}: "
                        f"{reply.text[:300]}")
        if role not in cell.allowed:
            assert reply.headers["content-type"] == "application/problem+json"
            if before is not None:
                assert stage.service.get_case(built.case_id).version == before
    assert outcomes == {r: cell.status if r in cell.allowed else 403 for r in ROLES}


def test_the_matrix_covers_every_route(client: TestClient) -> None:
    routes = {(m, r.path) for r in client.app.routes  # type: ignore[attr-defined]
              if isinstance(r, APIRoute) and r.path.startswith("/api/v1") for m in r.methods}
    covered = {(c.method, c.route) for c in CELLS}
    assert routes - covered == set()


def test_no_token_is_401_everywhere(client: TestClient) -> None:
    for cell in CELLS:
        path = cell.path(Built(case_id="00000000-0000-0000-0000-000000000000",  # type: ignore
                               customer_ref="T-1", contact="00000000-0000-0000-0000-000000000000",
                               incident="00000000-0000-0000-0000-000000000000",
                               restriction="00000000-0000-0000-0000-000000000000",
                               appeal="00000000-0000-0000-0000-000000000000",
                               notice="00000000-0000-0000-0000-000000000000",
                               ref="00000000-0000-0000-0000-000000000000"))
        reply = client.request(cell.method, path, params=cell.params, json={})
        assert reply.status_code == 401, (cell.name, reply.text)
        assert reply.headers["www-authenticate"].startswith("Bearer")


def test_the_system_role_cannot_be_claimed_by_a_token(client: TestClient) -> None:
    from api.auth import issue_token
    from tests.api.conftest import SECRET

    forged = issue_token(SECRET, "clock", Role.SYSTEM)
    reply = client.get("/api/v1/cases", headers={"Authorization": f"Bearer {forged}"})
    assert reply.status_code == 401
