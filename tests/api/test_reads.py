"""Reads: cursor pages, read-your-writes, field-level vulnerability details and the log of
who read them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import Stage, auth, build_client, now


def test_cases_come_a_page_at_a_time(client: TestClient, stage: Stage) -> None:
    built = [stage.opened() for _ in range(3)]
    last = stage.service.get_case(built[-1].case_id)
    position = client.post(f"{built[-1].path}/contacts", headers=auth("caseworker"), json={
        "channel": "email", "direction": "inbound", "occurred_at": now().isoformat(),
        "summary": "Again."}).json()["position"]
    assert last.version == 1
    seen: list[str] = []
    cursor = None
    for _ in range(1000):
        params = {"limit": 2, "min_position": position, **({"cursor": cursor} if cursor else {})}
        page = client.get("/api/v1/cases", params=params, headers=auth("auditor"))
        assert page.status_code == 200, page.text
        body = page.json()
        assert len(body["items"]) <= 2
        seen += [item["case_id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen))
    assert {str(b.case_id) for b in built} <= set(seen)
    bad = client.get("/api/v1/cases", params={"cursor": "not-a-cursor"},
                     headers=auth("auditor"))
    assert bad.status_code == 400 and bad.headers["content-type"] == "application/problem+json"


def test_vulnerability_details_only_to_roles_that_need_them_and_every_read_is_logged(
        client: TestClient, stage: Stage) -> None:
    built = stage.opened()
    written = client.post(f"{built.path}/assessments", headers=auth("caseworker", "cara"),
                          json={"details": "Diagnosed with PTSD; phone calls distress."})
    assert written.status_code == 201

    as_caseworker = client.get(f"{built.path}/assessments", headers=auth("caseworker", "cara"))
    assert as_caseworker.status_code == 200
    assert [r["details"] for r in as_caseworker.json()["records"]] == [None]
    events = client.get(f"{built.path}/events", headers=auth("caseworker", "cara")).json()
    assert events[-1]["type"] == "VulnerabilityInfoRecorded"
    assert events[-1]["data"]["details"] is None

    as_manager = client.get(f"{built.path}/assessments", headers=auth("manager", "maya"))
    assert as_manager.json()["records"][0]["details"].startswith("Diagnosed with PTSD")
    as_auditor = client.get(f"{built.path}/events", headers=auth("auditor", "audra")).json()
    assert as_auditor[-1]["data"]["details"].startswith("Diagnosed")

    log = client.get("/api/v1/audit/access-log", params={"case_id": str(built.case_id)},
                     headers=auth("auditor", "audra"))
    assert log.status_code == 200, log.text
    entries = log.json()["items"]
    assert [(e["user_id"], e["role"], e["endpoint"].rsplit("/", 1)[-1]) for e in entries] == [
        ("audra", "auditor", "events"), ("maya", "manager", "assessments")]
    assert all(e["fields"] == ["vulnerability_details"] for e in entries)
    assert all(e["case_id"] == str(built.case_id) for e in entries)


def test_reading_decision_reasons_in_the_event_history_is_logged(
        client: TestClient, stage: Stage) -> None:
    built = stage.concern()
    events = client.get(f"{built.path}/events", headers=auth("caseworker", "cody")).json()
    concern = next(e for e in events if e["type"] == "ConcernRaised")
    assert concern["data"]["reason"]  # shown to the front line, who must explain it

    log = client.get("/api/v1/audit/access-log", params={"case_id": str(built.case_id)},
                     headers=auth("auditor", "audra")).json()["items"]
    assert [(e["user_id"], e["fields"]) for e in log] == [("cody", ["decision_reasons"])]


def test_the_committee_reads_its_report_as_json_or_csv(client: TestClient) -> None:
    reply = client.get("/api/v1/reports/committee", params={"quarter": "2026Q3"},
                       headers=auth("committee"))
    assert reply.status_code == 200, reply.text
    assert reply.json()["quarter"] == "2026-Q3"
    csv_reply = client.get("/api/v1/reports/committee", params={"quarter": "2026Q3"},
                           headers=auth("committee", Accept="text/csv"))
    assert csv_reply.status_code == 200
    assert csv_reply.headers["content-type"].startswith("text/csv")
    assert csv_reply.text.splitlines()[0].startswith("quarter,section,category,count")
    bad = client.get("/api/v1/reports/committee", params={"quarter": "2026-3"},
                     headers=auth("committee"))
    assert bad.status_code == 422


def test_contact_rules_and_queues(client: TestClient, stage: Stage) -> None:
    built = stage.active()
    position = client.post(f"{built.path}/contacts", headers=auth("caseworker"), json={
        "channel": "phone", "direction": "inbound", "occurred_at": now().isoformat(),
        "summary": "Rang the main line."}).json()["position"]
    rules = client.get(f"/api/v1/customers/{built.customer_ref}/contact-rules",
                       params={"min_position": position}, headers=auth("caseworker"))
    assert rules.status_code == 200
    assert rules.json()["restricted"] is True
    assert "safeguarding" in rules.json()["always_open"]
    queue = client.get("/api/v1/queues/contacts_awaiting_triage",
                       params={"min_position": position, "limit": 500},
                       headers=auth("caseworker"))
    assert queue.status_code == 200
    assert str(built.case_id) in {item["case_id"] for item in queue.json()["items"]}
    unknown = client.get("/api/v1/queues/nothing", headers=auth("caseworker"))
    assert unknown.status_code == 422


@pytest.fixture
def stalled(fresh_database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    from upc import bootstrap

    bootstrap.migrate(fresh_database_url)
    for client in build_client(fresh_database_url, tmp_path):
        client.runner.stop()  # type: ignore[attr-defined]
        yield client


def test_a_read_that_asks_for_a_position_the_views_have_not_reached_is_503(
        stalled: TestClient) -> None:
    opened = stalled.post("/api/v1/cases", json={"customer_ref": "T-9"},
                          headers=auth("caseworker"))
    position = opened.json()["position"]
    behind = stalled.get(f"/api/v1/cases/{opened.json()['case_id']}",
                         params={"min_position": position}, headers=auth("caseworker"))
    assert behind.status_code == 503
    assert behind.headers["retry-after"] == "1"
    assert behind.headers["content-type"] == "application/problem+json"


def test_the_decision_trail_shows_who_when_what_why_and_logs_the_read(
        client: TestClient, stage: Stage) -> None:
    built = stage.approved()
    path = f"/api/v1/audit/cases/{built.case_id}/decision-trail"
    assert client.get(path, headers=auth("manager", "maya")).status_code == 403
    reply = client.get(path, headers=auth("auditor", "audra"))
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["case_id"] == str(built.case_id)
    kinds = [d["decision"] for d in body["items"]]
    assert kinds == ["ConcernRaised", "RestrictionProposed", "RestrictionApproved"]
    versions = [d["version"] for d in body["items"]]
    assert versions == sorted(versions)
    for entry in body["items"]:
        assert entry["actor_id"] and entry["actor_role"] in ("caseworker", "manager",
                                                             "senior_manager")
        assert entry["occurred_at"] and entry["recorded_at"]
        assert isinstance(entry["reason"], str) and entry["reason"]
        assert entry["detail"]["decision"] is True
    assert body["items"][0]["evidence"] == [str(built.incident)]
    assert body["items"][1]["detail"]["restriction_id"] == str(built.restriction)

    senior = client.get(path, headers=auth("senior_manager", "sana"))
    assert senior.status_code == 200
    log = client.get("/api/v1/audit/access-log", params={"case_id": str(built.case_id)},
                     headers=auth("auditor", "audra")).json()["items"]
    assert [(e["user_id"], e["fields"]) for e in log] == [
        ("sana", ["decision_reasons"]), ("audra", ["decision_reasons"])]

    missing = client.get("/api/v1/audit/cases/00000000-0000-0000-0000-000000000000"
                         "/decision-trail", headers=auth("auditor"))
    assert missing.status_code == 404
