"""Writes over HTTP: idempotency keys, If-Match, limits, validation and domain problems,
and two managers deciding the same proposal at once."""

from __future__ import annotations

import hashlib
import json
import threading
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.idempotency import IdempotencyStore
from tests.api.conftest import Stage, auth, new_ref, now, review_date

CONTACT = {"channel": "phone", "direction": "inbound", "summary": "Fourth call today."}


def contact(**extra: Any) -> dict[str, Any]:
    return {**CONTACT, "occurred_at": now().isoformat(), **extra}


def events_of(client: TestClient, path: str) -> list[str]:
    reply = client.get(f"{path}/events", headers=auth("auditor"))
    assert reply.status_code == 200, reply.text
    return [e["type"] for e in reply.json()]


def test_a_replayed_key_returns_the_first_response_and_records_once(
        client: TestClient, stage: Stage) -> None:
    built = stage.opened()
    body = contact()
    headers = auth("caseworker", "cara", **{"Idempotency-Key": "contact-1"})
    first = client.post(f"{built.path}/contacts", json=body, headers=headers)
    again = client.post(f"{built.path}/contacts", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert again.headers["etag"] == first.headers["etag"]
    assert events_of(client, built.path) == ["Opened", "ContactRecorded"]


def test_the_same_key_with_another_body_is_422(client: TestClient, stage: Stage) -> None:
    built = stage.opened()
    headers = auth("caseworker", "cara", **{"Idempotency-Key": "contact-2"})
    assert client.post(f"{built.path}/contacts", json=contact(),
                       headers=headers).status_code == 201
    other = client.post(f"{built.path}/contacts", json=contact(summary="Different."),
                        headers=headers)
    assert other.status_code == 422
    assert other.headers["content-type"] == "application/problem+json"
    assert other.json()["type"].endswith("/idempotency-key-reused")
    assert events_of(client, built.path) == ["Opened", "ContactRecorded"]


def test_keys_are_scoped_to_the_user(client: TestClient, stage: Stage) -> None:
    built = stage.opened()
    body = contact()
    for user in ("cara", "carl"):
        reply = client.post(f"{built.path}/contacts", json=body,
                            headers=auth("caseworker", user, **{"Idempotency-Key": "shared"}))
        assert reply.status_code == 201
        assert "idempotent-replayed" not in reply.headers
    assert events_of(client, built.path).count("ContactRecorded") == 2


def test_a_key_still_in_flight_is_409(client: TestClient, stage: Stage) -> None:
    built = stage.opened()
    path = f"{built.path}/contacts"
    raw = json.dumps(contact()).encode()
    fingerprint = hashlib.sha256(b"\n".join([b"POST", path.encode(), b"", raw])).hexdigest()
    store: IdempotencyStore = client.app.state.idempotency  # type: ignore[attr-defined]
    assert store.begin("caseworker:cara", "busy", fingerprint) == "new"  # first one running
    reply = client.post(path, content=raw, headers=auth(
        "caseworker", "cara", **{"Idempotency-Key": "busy", "Content-Type": "application/json"}))
    assert reply.status_code == 409
    assert reply.json()["type"].endswith("/idempotency-key-in-flight")
    assert events_of(client, built.path) == ["Opened"]


def test_a_failed_request_releases_its_key(client: TestClient, stage: Stage) -> None:
    built = stage.opened()
    headers = auth("caseworker", "cara", **{"Idempotency-Key": "retry-me"})
    missing = "00000000-0000-0000-0000-000000000001"
    body = {"classification": "emergency"}
    refused = client.post(f"{built.path}/contacts/{missing}/triage", json=body, headers=headers)
    assert refused.status_code == 404
    again = client.post(f"{built.path}/contacts/{missing}/triage", json=body, headers=headers)
    assert again.status_code == 404 and "idempotent-replayed" not in again.headers


def test_if_match_with_a_stale_version_is_412(client: TestClient, stage: Stage) -> None:
    built = stage.opened()
    first = client.post(f"{built.path}/contacts", json=contact(),
                        headers=auth("caseworker", **{"If-Match": '"1"'}))
    assert first.status_code == 201 and first.headers["etag"] == '"2"'
    stale = client.post(f"{built.path}/contacts", json=contact(),
                        headers=auth("caseworker", **{"If-Match": '"1"'}))
    assert stale.status_code == 412
    assert stale.headers["content-type"] == "application/problem+json"
    assert "version 2" in stale.json()["detail"]
    bad = client.post(f"{built.path}/contacts", json=contact(),
                      headers=auth("caseworker", **{"If-Match": "yesterday"}))
    assert bad.status_code == 422
    assert events_of(client, built.path) == ["Opened", "ContactRecorded"]


def test_a_write_carries_its_version_and_position(client: TestClient, stage: Stage) -> None:
    built = stage.opened()
    reply = client.post(f"{built.path}/contacts", json=contact(), headers=auth("caseworker"))
    body = reply.json()
    assert body["version"] == 2 and body["position"] >= 1 and body["id"]
    assert reply.headers["upc-position"] == str(body["position"])
    assert [e["type"] for e in body["events"]] == ["ContactRecorded"]
    assert body["events"][0]["ids"]["contact_id"] == body["id"]
    view = client.get(built.path, params={"min_position": body["position"]},
                      headers=auth("caseworker"))
    assert view.status_code == 200
    assert view.json()["contacts_total"] == 1 and view.headers["etag"] == '"2"'


@pytest.mark.parametrize("change, where", [
    ({"channel": "pigeon"}, "channel"),
    ({"direction": "sideways"}, "direction"),
    ({"occurred_at": "2026-11-02T10:15:00"}, "occurred_at"),
    ({"occurred_at": "2099-01-01T00:00:00+00:00"}, "occurred_at"),
    ({"summary": "x" * 4001}, "summary"),
    ({"summary": "   "}, "summary"),
    ({"actor_id": "someone-else"}, "actor_id"),
])
def test_bad_bodies_are_422_problems(client: TestClient, stage: Stage,
                                     change: dict[str, Any], where: str) -> None:
    built = stage.opened()
    reply = client.post(f"{built.path}/contacts", json=contact(**change),
                        headers=auth("caseworker"))
    assert reply.status_code == 422, reply.text
    assert reply.headers["content-type"] == "application/problem+json"
    problem = reply.json()
    assert problem["type"].endswith("/validation-error") and where in problem["detail"]
    assert problem["status"] == 422 and problem["errors"]


def test_a_body_over_the_limit_is_413(client: TestClient, stage: Stage) -> None:
    built = stage.opened()
    reply = client.post(f"{built.path}/contacts", json=contact(summary="x" * 70_000),
                        headers=auth("caseworker"))
    assert reply.status_code == 413
    assert reply.headers["content-type"] == "application/problem+json"


def test_malformed_json_is_a_422_problem(client: TestClient, stage: Stage) -> None:
    built = stage.opened()
    reply = client.post(f"{built.path}/contacts", content=b"{not json",
                        headers=auth("caseworker", **{"Content-Type": "application/json"}))
    assert reply.status_code == 422
    assert reply.headers["content-type"] == "application/problem+json"


def test_domain_rules_are_problems_with_a_type_per_rule(client: TestClient,
                                                        stage: Stage) -> None:
    built = stage.proposed()  # proposed by cw-setup
    own = client.post(f"{built.path}/restrictions/{built.restriction}/decision",
                      json={"outcome": "approved", "reason": "Fine."},
                      headers=auth("manager", "cw-setup"))
    assert own.status_code == 403
    assert own.json()["type"] == "https://upc.example/problems/approver-is-proposer"
    assert "another manager" in own.json()["detail"]

    early = stage.concern()
    refused = client.post(f"{early.path}/restrictions", headers=auth("caseworker"), json={
        "terms": {"services": ["repairs"], "single_point_of_contact": "inbox"},
        "evidence": [str(early.incident)], "reason": "Abuse.",
        "review_date": review_date().isoformat()})
    assert refused.status_code == 201  # proposing needs a concern only
    decided = client.post(
        f"{early.path}/restrictions/{refused.json()['id']}/decision",
        json={"outcome": "approved", "reason": "Fine."}, headers=auth("manager"))
    assert decided.status_code == 409
    assert decided.json()["type"].endswith("/pre-decision-checks-incomplete")

    terms = client.post(f"{early.path}/restrictions", headers=auth("caseworker"), json={
        "terms": {"services": ["repairs"]}, "evidence": [str(early.incident)],
        "reason": "Abuse.", "review_date": review_date().isoformat()})
    assert terms.status_code == 422 and terms.json()["type"].endswith("/invalid-terms")


def test_a_formal_warning_needs_a_manager(client: TestClient, stage: Stage) -> None:
    built = stage.ready()
    body = {"kind": "formal", "evidence": [str(built.incident)], "reason": "Abuse."}
    assert client.post(f"{built.path}/warnings", json=body,
                       headers=auth("caseworker")).status_code == 403
    assert client.post(f"{built.path}/warnings", json=body,
                       headers=auth("manager")).status_code == 201


def test_the_acting_user_comes_from_the_token(client: TestClient, stage: Stage) -> None:
    built = stage.opened()
    client.post(f"{built.path}/contacts", json=contact(), headers=auth("caseworker", "cara"))
    events = client.get(f"{built.path}/events", headers=auth("auditor")).json()
    assert events[-1]["actor_id"] == "cara" and events[-1]["actor_role"] == "caseworker"


def test_two_managers_deciding_the_same_proposal_at_once_one_wins(
        client: TestClient, stage: Stage) -> None:
    for _ in range(3):
        built = stage.proposed()
        barrier = threading.Barrier(2)
        replies: dict[str, Any] = {}

        def decide(user: str) -> None:
            barrier.wait()
            replies[user] = client.post(
                f"{built.path}/restrictions/{built.restriction}/decision",
                json={"outcome": "approved", "reason": f"{user} agrees."},
                headers=auth("manager", user))

        threads = [threading.Thread(target=decide, args=(u,)) for u in ("maya", "milo")]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        statuses = sorted(r.status_code for r in replies.values())
        assert statuses == [200, 409], [r.text for r in replies.values()]
        loser = next(r for r in replies.values() if r.status_code == 409)
        assert loser.json()["type"].endswith("/restriction-not-proposed")
        types = events_of(client, built.path)
        assert types.count("RestrictionApproved") == 1


def test_unknown_routes_and_methods_are_problems(client: TestClient) -> None:
    missing = client.get("/api/v1/nowhere", headers=auth("auditor"))
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    wrong = client.delete("/api/v1/cases", headers=auth("auditor"))
    assert wrong.status_code == 405
    assert wrong.headers["content-type"] == "application/problem+json"


def test_opening_the_same_customer_twice_is_a_409_problem(client: TestClient) -> None:
    ref = new_ref()
    assert client.post("/api/v1/cases", json={"customer_ref": ref},
                       headers=auth("caseworker")).status_code == 201
    again = client.post("/api/v1/cases", json={"customer_ref": ref}, headers=auth("caseworker"))
    assert again.status_code == 409 and again.json()["type"].endswith("/case-already-open")


def test_extending_a_restriction_over_http(client: TestClient, stage: Stage) -> None:
    built = stage.active()
    path = f"{built.path}/restrictions/{built.restriction}/extension"
    later = review_date(120).isoformat()
    reply = client.post(path, json={"ends_on": later, "reason": "Breaches continue."},
                        headers=auth("manager", "milo"))
    assert reply.status_code == 200, reply.text
    (event,) = reply.json()["events"]
    assert event["type"] == "RestrictionExtended"
    assert set(event["ids"]) == {"restriction_id", "notice_id"}  # a notice is owed

    for ends_on, problem, status in ((review_date(100), "end-date-not-later", 422),
                                     (now().date(), "end-date-in-past", 422)):
        refused = client.post(path, json={"ends_on": ends_on.isoformat(), "reason": "R."},
                              headers=auth("manager", "milo"))
        assert refused.status_code == status, refused.text
        assert refused.json()["type"].endswith(f"/{problem}")
    blank = client.post(path, json={"ends_on": later, "reason": " "},
                        headers=auth("manager", "milo"))
    assert blank.status_code == 422

    proposed = stage.proposed()
    not_active = client.post(
        f"{proposed.path}/restrictions/{proposed.restriction}/extension",
        json={"ends_on": later, "reason": "R."}, headers=auth("manager", "milo"))
    assert not_active.status_code == 409
    assert not_active.json()["type"].endswith("/restriction-not-active")
    assert events_of(client, built.path).count("RestrictionExtended") == 1


def test_assigning_the_case_owner_over_http(client: TestClient, stage: Stage) -> None:
    built = stage.opened()
    path = f"{built.path}/owner"
    reply = client.post(path, json={"owner_id": "milo", "reason": "Knows the history."},
                        headers=auth("manager", "maya"))
    assert reply.status_code == 200, reply.text
    (event,) = reply.json()["events"]
    assert event["type"] == "CaseOwnerAssigned"

    client.post(f"{built.path}/counter-allegations", headers=auth("caseworker", "cara"),
                json={"staff_id": "cara", "summary": "Says she was rude."})
    conflicted = client.post(path, json={"owner_id": "cara", "reason": "Covering leave."},
                             headers=auth("manager", "maya"))
    assert conflicted.status_code == 422, conflicted.text
    assert conflicted.json()["type"].endswith("/owner-conflicted")
    caseworker = client.post(path, json={"owner_id": "carl", "reason": "R."},
                             headers=auth("caseworker", "cara"))
    assert caseworker.status_code == 403
    assert events_of(client, built.path).count("CaseOwnerAssigned") == 1
