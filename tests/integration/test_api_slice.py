"""The thin vertical slice over HTTP: open a case, record a contact, read the projection."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from upc.app import create_app
from api.auth import issue_token
from domain.actors import Role
from projections.runner import ProjectionRunner
from upc import bootstrap
from upc.settings import Settings, psycopg_conninfo

SECRET = "test-secret-for-the-api-slice-0123456789"


@pytest.fixture
def client(fresh_database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    bootstrap.migrate(fresh_database_url)
    settings = Settings(database_url=fresh_database_url, upc_token_secret=SECRET,
                        upc_data_dir=tmp_path)
    app = bootstrap.case_service(fresh_database_url)
    runner = ProjectionRunner(app, bootstrap.views(fresh_database_url),
                              psycopg_conninfo(fresh_database_url), poll_interval=0.1)
    runner.start()
    try:
        with TestClient(create_app(settings)) as test_client:
            test_client.runner = runner  # type: ignore[attr-defined]
            yield test_client
    finally:
        runner.stop()
        app.close()


def auth(role: Role = Role.CASEWORKER, user: str = "alice") -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(SECRET, user, role)}"}


def test_open_record_and_read_from_the_projection(client: TestClient) -> None:
    opened = client.post("/api/v1/cases", json={"customer_ref": "T-1001"}, headers=auth())
    assert opened.status_code == 201, opened.text
    case_id = opened.json()["case_id"]
    assert opened.json()["version"] == 1

    contact = client.post(f"/api/v1/cases/{case_id}/contacts", headers=auth(), json={
        "channel": "phone", "direction": "inbound",
        "occurred_at": "2026-11-02T10:15:00+00:00", "summary": "Fourth call today."})
    assert contact.status_code == 201, contact.text
    version = contact.json()["version"]

    view = client.get(f"/api/v1/cases/{case_id}", params={"min_version": version},
                      headers=auth())
    assert view.status_code == 200, view.text
    body = view.json()
    assert body["customer_ref"] == "T-1001"
    assert body["status"] == "open" and body["stage"] == "open"
    assert body["contacts_total"] == 1
    assert view.headers["ETag"] == f'"{version}"'

    events = client.get(f"/api/v1/cases/{case_id}/events", headers=auth()).json()
    assert [e["type"] for e in events] == ["Opened", "ContactRecorded"]
    assert {e["actor_id"] for e in events} == {"alice"}


def test_the_case_view_comes_from_the_projection_not_the_event_store(
        client: TestClient) -> None:
    """With the runner stopped, a new case is in the event store but not yet in the view."""
    client.runner.stop()  # type: ignore[attr-defined]
    opened = client.post("/api/v1/cases", json={"customer_ref": "T-3003"}, headers=auth())
    case_id = opened.json()["case_id"]
    assert client.get(f"/api/v1/cases/{case_id}/events", headers=auth()).status_code == 200
    assert client.get(f"/api/v1/cases/{case_id}", headers=auth()).status_code == 404


@pytest.mark.parametrize("body, where", [
    ({"channel": "pigeon", "direction": "inbound",
      "occurred_at": "2026-11-02T10:15:00+00:00", "summary": "x"}, "channel"),
    ({"channel": "phone", "direction": "inbound",
      "occurred_at": "2026-11-02T10:15:00", "summary": "x"}, "occurred_at"),
    ({"channel": "phone", "direction": "inbound",
      "occurred_at": "2099-01-01T00:00:00+00:00", "summary": "x"}, "occurred_at"),
    ({"channel": "phone", "direction": "inbound",
      "occurred_at": "2026-11-02T10:15:00+00:00", "summary": "x", "extra": 1}, "extra"),
])
def test_bad_contacts_are_problem_json_and_record_nothing(
        client: TestClient, body: dict[str, object], where: str) -> None:
    case_id = client.post("/api/v1/cases", json={"customer_ref": "T-4004"},
                          headers=auth()).json()["case_id"]
    refused = client.post(f"/api/v1/cases/{case_id}/contacts", json=body, headers=auth())
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    assert where in refused.json()["detail"]
    events = client.get(f"/api/v1/cases/{case_id}/events", headers=auth()).json()
    assert [e["type"] for e in events] == ["Opened"]


def test_requests_without_a_valid_token_are_refused(client: TestClient) -> None:
    assert client.post("/api/v1/cases", json={"customer_ref": "T-5"}).status_code == 401
    forged = {"Authorization": "Bearer " + issue_token("another-secret-0123456789abcdef-0123",
                                                       "mallory", Role.ADMIN)}
    refused = client.post("/api/v1/cases", json={"customer_ref": "T-5"}, headers=forged)
    assert refused.status_code == 401
    assert refused.headers["content-type"] == "application/problem+json"


def test_unknown_case_is_404_problem(client: TestClient) -> None:
    missing = client.get("/api/v1/cases/00000000-0000-0000-0000-000000000000", headers=auth())
    assert missing.status_code == 404
    assert missing.json()["type"].endswith("/not-found")


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    # No Temporal is configured for this app: readiness must say so, not pretend.
    assert ready.status_code == 503
    assert ready.json()["checks"]["postgresql"] == "ok"
    assert "temporal" in ready.json()["detail"]
