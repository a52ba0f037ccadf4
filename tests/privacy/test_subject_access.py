"""A subject access request over HTTP: recorded with its due date, queued, extended,
exported (JSON and HTML, other people redacted, special-category reads included), answered."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from domain.calendar import add_months, uk_date
from domain.subject_access import REDACTED_OTHER_PERSON, REDACTED_STAFF
from tests.api.conftest import auth, build_client
from tests.privacy.test_erasure import post
from upc import bootstrap

NAME = "Jane Marple"
DETAILS = "Anxiety <since> the fire; prefers letters"
REPRESENTATIVE = "Harold Bloggs, 020 7946 0018"


@pytest.fixture
def client(fresh_database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    bootstrap.migrate(fresh_database_url)
    yield from build_client(fresh_database_url, tmp_path)


def test_subject_access_from_request_to_answer(client: TestClient) -> None:
    now = datetime.now(UTC)
    case = post(client, "/api/v1/cases", "caseworker", {"customer_ref": "T-SAR-1"}, "s1")
    path = f"/api/v1/cases/{case['case_id']}"
    contact = post(client, f"{path}/contacts", "caseworker", {
        "channel": "email", "direction": "inbound", "occurred_at": now.isoformat(),
        "summary": f"{NAME} asks about the damp"}, "s2")
    contact_id = contact["events"][0]["ids"]["contact_id"]
    post(client, f"{path}/contacts/{contact_id}/triage", "caseworker",
         {"classification": "new_issue"}, "s3")
    post(client, f"{path}/assessments", "caseworker", {"details": DETAILS}, "s4")
    post(client, f"{path}/incidents", "caseworker", {
        "category": "unreasonable_demands", "occurred_at": now.isoformat(),
        "staff_ids": ["cara"], "description": f"{NAME} demanded a call every hour"}, "s5")
    post(client, f"{path}/representatives", "caseworker", {
        "kind": "representative", "details": REPRESENTATIVE,
        "consent_on": now.date().isoformat()}, "s6")
    assert client.get(f"{path}/assessments", headers=auth("manager", "maya")).status_code \
        == 200  # a special-category read, logged

    sar = post(client, f"{path}/subject-access-requests", "caseworker", {}, "s7")
    request_id = sar["events"][0]["ids"]["request_id"]
    due = add_months(uk_date(now), 1)
    # the queue is the case view: wait for it to reach the write
    queue = client.get("/api/v1/privacy/subject-access-requests",
                       params={"min_position": sar["position"]},
                       headers=auth("caseworker")).json()
    mine = [i for i in queue["items"] if i["request_id"] == request_id]
    assert mine and date.fromisoformat(mine[0]["due_on"]) == due and not mine[0]["overdue"]
    extended = post(client, f"{path}/subject-access-requests/{request_id}/extension",
                    "manager", {"reason": "Complex: records across three services."}, "s8")
    queue = client.get("/api/v1/privacy/subject-access-requests",
                       params={"min_position": extended["position"]},
                       headers=auth("admin")).json()
    mine = [i for i in queue["items"] if i["request_id"] == request_id]
    assert date.fromisoformat(mine[0]["due_on"]) == add_months(due, 2) and mine[0]["extended"]

    for role in ("caseworker", "manager", "senior_manager", "committee"):
        assert client.get(f"{path}/subject-access-export",
                          headers=auth(role)).status_code == 403
    export = client.get(f"{path}/subject-access-export", headers=auth("auditor", "audra"))
    assert export.status_code == 200
    document = export.json()
    text = json.dumps(document)
    assert NAME in text and DETAILS in text
    assert "Harold" not in text and REDACTED_OTHER_PERSON in text
    assert "cara" not in text and REDACTED_STAFF in text
    by_type = {e["type"]: e for e in document["events"]}
    assert by_type["RepresentativeNominated"]["data"]["details"] == REDACTED_OTHER_PERSON
    assert by_type["IncidentRecorded"]["data"]["staff_ids"] == [REDACTED_STAFF]
    assert document["triage_outcomes"][0]["classification"] == "new_issue"
    reads = document["special_category_reads"]
    assert [(r["user_id"], r["role"]) for r in reads] == [("maya", "manager"),
                                                          ("audra", "auditor")]
    assert document["subject_access_requests"] == [{
        "request_id": request_id, "received_at": document["subject_access_requests"][0][
            "received_at"], "due_on": add_months(due, 2).isoformat(), "extended": True,
        "answered": False}]
    assert [h["kind"] for h in document["legal_holds"]] == ["subject_access_request"]

    page = client.get(f"{path}/subject-access-export", params={"format": "html"},
                      headers=auth("admin"))
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "<h1>Your personal data" in page.text
    assert "Anxiety &lt;since&gt; the fire" in page.text and "<since>" not in page.text
    assert REDACTED_OTHER_PERSON.replace("'", "&#x27;") in page.text
    log = client.get("/api/v1/audit/access-log", params={"case_id": case["case_id"]},
                     headers=auth("auditor")).json()
    assert {i["user_id"] for i in log["items"]} == {"maya", "audra", "admin-tester"}

    answered = post(client, f"{path}/subject-access-requests/{request_id}/response",
                    "caseworker", {}, "s9")
    queue = client.get("/api/v1/privacy/subject-access-requests",
                       params={"min_position": answered["position"]}, headers=auth("auditor"))
    assert request_id not in {i["request_id"] for i in queue.json()["items"]}
