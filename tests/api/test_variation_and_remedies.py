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


def test_an_ombudsman_determination_and_its_remedies(client: TestClient,
                                                     stage: Stage) -> None:
    built = stage.ombudsman()
    matter = built.ref
    path = f"{built.path}/ombudsman-contacts/{matter}/determination"
    bad_kind = client.post(path, json={"remedies": [{"kind": "a_hug",
                                                     "due_on": review_date(7).isoformat()}]},
                           headers=auth("manager", "maya"))
    assert bad_kind.status_code == 422
    assert bad_kind.headers["content-type"].startswith("application/problem+json")
    past = client.post(path, json={"remedies": [{"kind": "apology",
                                                 "due_on": review_date(-3).isoformat()}]},
                       headers=auth("manager", "maya"))
    assert past.status_code == 422, past.text
    assert past.json()["type"].endswith("/remedy-due-before-determination")

    reply = client.post(path, headers=auth("senior_manager", "sana"), json={
        "remedies": [{"kind": "apology", "due_on": review_date(7).isoformat()},
                     {"kind": "policy_change", "due_on": review_date(60).isoformat()}],
        "details": "Maladministration in handling the restriction."})
    assert reply.status_code == 201, reply.text
    apology, change = reply.json()["remedy_ids"]
    assert [e["type"] for e in reply.json()["events"]] == ["OmbudsmanDetermined"]
    again = client.post(path, json={"remedies": []}, headers=auth("manager", "maya"))
    assert again.status_code == 409
    assert again.json()["type"].endswith("/ombudsman-already-determined")

    waiting = client.get("/api/v1/queues/ombudsman_remedies", headers=auth("manager"),
                         params={"min_position": reply.json()["position"], "limit": 500})
    assert {apology, change} <= {str(row["remedy_id"]) for row in waiting.json()["items"]}
    closure = client.post(f"{built.path}/ombudsman-contacts/{matter}/closure", json={},
                          headers=auth("manager", "maya"))
    assert closure.status_code == 409
    assert closure.json()["type"].endswith("/ombudsman-remedies-outstanding")
    for remedy in (apology, change):
        done = client.post(f"{built.path}/remedies/{remedy}/completion",
                           json={"note": "Done."}, headers=auth("manager", "maya"))
        assert done.status_code == 200, done.text
    twice = client.post(f"{built.path}/remedies/{apology}/completion", json={},
                        headers=auth("manager", "maya"))
    assert twice.status_code == 409
    assert twice.json()["type"].endswith("/remedy-already-completed")
    caseworker = client.post(f"{built.path}/remedies/{apology}/completion", json={},
                             headers=auth("caseworker"))
    assert caseworker.status_code == 403
    closed = client.post(f"{built.path}/ombudsman-contacts/{matter}/closure", json={},
                         headers=auth("manager", "maya"))
    assert closed.status_code == 200, closed.text
    assert events_of(client, built.path).count("RemedyCompleted") == 2

    queue = client.get("/api/v1/queues/ombudsman_remedies", headers=auth("manager"),
                       params={"min_position": closed.json()["position"], "limit": 500})
    assert queue.status_code == 200, queue.text
    assert all(str(row["remedy_id"]) not in (apology, change)
               for row in queue.json()["items"])
