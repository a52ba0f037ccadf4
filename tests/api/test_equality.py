"""Equality monitoring over HTTP: recorded with consent, never shown on the case, counted in
the committee report's breakdown with small cells suppressed, withdrawable."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from fastapi.testclient import TestClient

from tests.api.conftest import CASEWORKER, Built, Stage, auth, wait_position

ANSWER = "sikh"  # used by no other test, so its cell counts this test's customers only


def quarter() -> str:
    today = datetime.now(UTC).date()
    return f"{today.year}Q{(today.month - 1) // 3 + 1}"


def warned(stage: Stage) -> Built:
    """A customer the policy was used on this quarter (an informal warning given)."""
    built = stage.concern()
    stage.service.give_warning(built.case_id, CASEWORKER, kind="informal",
                               evidence=[str(built.incident)], reason="Abuse.")
    return built


def record(client: TestClient, built: Built, **body: object) -> dict[str, object]:
    reply = client.post(f"{built.path}/equality-monitoring", json=body,
                        headers=auth("caseworker"))
    return {"status": reply.status_code, **reply.json()}


def religion_cell(client: TestClient, position: int) -> dict[str, object]:
    reply = client.get("/api/v1/reports/committee",
                       params={"quarter": quarter(), "min_position": position},
                       headers=auth("committee"))
    assert reply.status_code == 200, reply.text
    equality = reply.json()["equality"]
    assert equality["case_counts_available"] is True
    cell: dict[str, object] = equality["characteristics"]["religion"][ANSWER]["cases"]
    return cell


def test_answers_count_in_the_report_and_are_shown_on_no_case(client: TestClient,
                                                               stage: Stage) -> None:
    cases = [warned(stage) for _ in range(5)]
    for built in cases:
        answered = record(client, built, consent=True, religion=ANSWER, age_band="45_54",
                          sexual_orientation="prefer_not_to_say")
        assert answered["status"] == 201, answered
    position = int(answered["position"])  # type: ignore[call-overload]
    assert religion_cell(client, position) == {"count": 5, "suppressed": False}

    wait_position(client, position)
    for role in ("caseworker", "manager", "auditor"):
        for path in ("", "/timeline", "/events"):
            reply = client.get(f"{cases[0].path}{path}", headers=auth(role))
            assert reply.status_code == 200, reply.text
            assert ANSWER not in reply.text and "45_54" not in reply.text, (role, path)
    events = client.get(f"{cases[0].path}/events", headers=auth("auditor")).json()
    recorded = [e for e in events if e["type"] == "EqualityMonitoringRecorded"]
    assert recorded and recorded[0]["data"]["answers"] is None
    assert recorded[0]["data"]["consent"] == "given"

    withdrawn = client.post(f"{cases[0].path}/equality-monitoring/withdrawal", json={},
                            headers=auth("caseworker"))
    assert withdrawn.status_code == 200, withdrawn.text
    # four left: under five, so the cell is suppressed (and its neighbour with it)
    assert religion_cell(client, withdrawn.json()["position"]) == {"count": None,
                                                                  "suppressed": True}
    csv = client.get("/api/v1/reports/committee", params={"quarter": quarter()},
                     headers=auth("committee", Accept="text/csv")).text
    assert f"cases:religion,{ANSWER},,yes" in csv
    assert str(cases[0].case_id) not in csv + json.dumps(religion_cell(client, position))


def test_refusals_name_the_rule_and_record_nothing(client: TestClient, stage: Stage) -> None:
    built = stage.opened()
    no_consent = record(client, built, consent=False, sex="female")
    assert no_consent["status"] == 422
    assert str(no_consent["type"]).endswith("/equality-consent-required")
    nothing = record(client, built, consent=True)
    assert nothing["status"] == 422
    assert str(nothing["type"]).endswith("/equality-answers-required")
    unknown = record(client, built, consent=True, sex="sometimes")
    assert unknown["status"] == 422
    withdraw = client.post(f"{built.path}/equality-monitoring/withdrawal", json={},
                           headers=auth("manager"))
    assert withdraw.status_code == 409
    assert withdraw.json()["type"].endswith("/equality-consent-not-given")
    assert stage.service.get_case(built.case_id).version == 1
