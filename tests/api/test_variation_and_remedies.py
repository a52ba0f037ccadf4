"""Over HTTP: an appeal against a variation (its own appeal window), and Ombudsman
determinations with their remedies. Allowed and refused paths, RFC 9457 problems."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import Stage, auth, review_date


def events_of(client: TestClient, path: str) -> list[str]:
    reply = client.get(f"{path}/events", headers=auth("auditor"))
    assert reply.status_code == 200, reply.text
    return [e["type"] for e in reply.json()]


def test_an_appeal_answers_a_variation_notice(client: TestClient, stage: Stage) -> None:
    built = stage.active()
    r = f"{built.path}/restrictions/{built.restriction}"
    extended = client.post(f"{r}/extension", json={"ends_on": review_date(120).isoformat(),
                                                    "reason": "Breaches continue."},
                           headers=auth("manager", "milo"))
    assert extended.status_code == 200, extended.text
    variation = extended.json()["events"][0]["ids"]["notice_id"]
    sent = client.post(f"{built.path}/notices/{variation}/dispatch", json={},
                       headers=auth("caseworker"))
    assert sent.status_code == 200, sent.text

    appeal = client.post(f"{r}/appeals", json={"grounds": "The extension is too long.",
                                               "notice_id": variation},
                         headers=auth("manager", "maya"))
    assert appeal.status_code == 201, appeal.text
    appeal_id = appeal.json()["id"]
    decided = client.post(f"{built.path}/appeals/{appeal_id}/decision",
                          json={"outcome": "dismissed", "reason": "Proportionate."},
                          headers=auth("senior_manager", "sana"))
    assert decided.status_code == 200, decided.text
    outcome = decided.json()["events"][0]["ids"]["notice_id"]

    final = client.post(f"{r}/appeals", json={"grounds": "Again.", "notice_id": outcome},
                        headers=auth("manager", "maya"))
    assert final.status_code == 422, final.text
    assert final.headers["content-type"].startswith("application/problem+json")
    assert final.json()["type"].endswith("/notice-not-appealable")
    assert "final" in final.json()["detail"]
    assert events_of(client, built.path).count("AppealLodged") == 1

    queue = client.get("/api/v1/queues/appeal_windows_open", headers=auth("manager"))
    assert queue.status_code == 200, queue.text
