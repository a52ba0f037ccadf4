"""What a first user meets: refusals in plain English, enums, ids, queue rows, problem types."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.access import ROUTE_ROLES
from domain.actors import Role
from tests.api.conftest import Stage, auth, new_ref, review_date, wait_position

CW = Role.CASEWORKER


@pytest.fixture(scope="module")
def document(client: TestClient) -> dict[str, Any]:
    return client.get("/openapi.json").json()  # type: ignore[no-any-return]


def api_operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method.upper(), path, op) for path, item in document["paths"].items()
            if path.startswith("/api/") for method, op in item.items()]


def test_every_operation_says_who_may_call_it_and_what_it_refuses_with(
        document: dict[str, Any]) -> None:
    for method, path, op in api_operations(document):
        roles = sorted(r.value for r in ROUTE_ROLES[(method, path)])
        assert sorted(op["x-roles"]) == roles, (method, path)
        assert "**Who may call it:**" in op["description"], (method, path)
        codes = {p["type"].rsplit("/", 1)[-1] for p in op["x-problem-types"]}
        assert {"not-authenticated", "forbidden"} <= codes, (method, path)
        for problem in op["x-problem-types"]:
            assert str(problem["status"]) in op["responses"], (method, path, problem)
            assert f"`{problem['type'].rsplit('/', 1)[-1]}`" in \
                op["responses"][str(problem["status"])]["description"]


def test_every_operation_has_a_description_of_its_own(document: dict[str, Any]) -> None:
    missing = [f"{method} {path}" for method, path, op in api_operations(document)
               if not op["description"].split("**Who may call it:**")[0].strip()]
    assert not missing, "add a docstring to these routes' functions: " + ", ".join(missing)


def test_problem_types_follow_the_domain_rules_each_command_checks(
        document: dict[str, Any]) -> None:
    def codes(method: str, path: str) -> set[str]:
        op = document["paths"][path][method]
        return {p["type"].rsplit("/", 1)[-1] for p in op["x-problem-types"]}

    decision = codes("post", "/api/v1/cases/{case_id}/restrictions/{restriction_id}/decision")
    assert {"approver-is-proposer", "pre-decision-checks-incomplete",
            "restriction-not-proposed", "precondition-failed"} <= decision
    assert "appeal-decider-involved" not in decision
    assert "case-already-open" in codes("post", "/api/v1/cases")
    assert "appeal-decider-involved" in codes(
        "post", "/api/v1/cases/{case_id}/appeals/{appeal_id}/decision")
    assert codes("get", "/api/v1/queues") == {"not-authenticated", "forbidden",
                                              "unavailable"}


def test_enumerated_query_parameters_list_their_values(document: dict[str, Any],
                                                       client: TestClient) -> None:
    params = {p["name"]: p for p in document["paths"]["/api/v1/cases"]["get"]["parameters"]}
    assert params["stage"]["schema"]["anyOf"][0]["$ref"].endswith("/Stage")
    stages = document["components"]["schemas"]["Stage"]["enum"]
    assert "restricted" in stages
    reply = client.get("/api/v1/cases", params={"stage": "restrictd"}, headers=auth(CW))
    assert reply.status_code == 422
    detail = reply.json()["detail"]
    assert "`stage`" in detail and "'restrictd'" in detail and "restricted" in detail
    reply = client.get("/api/v1/audit/checks/no_such_check", headers=auth(Role.AUDITOR))
    assert reply.status_code == 422 and "lift_without_notice" in reply.json()["detail"]


@pytest.mark.parametrize(("request_kwargs", "status", "words"), [
    ({"content": b"{bad", "headers": {"Content-Type": "application/json"}}, 422,
     ["not valid JSON", "customer_ref"]),
    ({"content": b'{"customer_ref": "T-9"}'}, 415, ["Content-Type: application/json"]),
    ({"json": {"customer_ref": "T 9"}}, 422, ["`customer_ref`", "'T 9'", "T-1001"]),
    ({"json": {"customer_ref": "T-9", "name": "x"}}, 422, ["`name`", "remove it"]),
    ({"json": {"customer_ref": "T-9"}, "headers": {"If-Match": "14"}}, 422,
     ["If-Match", "'14'", 'If-Match: "7"']),
])
def test_parser_errors_read_as_plain_english(client: TestClient, request_kwargs: Any,
                                             status: int, words: list[str]) -> None:
    headers = {**auth(CW), **request_kwargs.pop("headers", {})}
    reply = client.post("/api/v1/cases", headers=headers, **request_kwargs)
    assert reply.status_code == status, reply.text
    problem = reply.json()
    assert reply.headers["content-type"] == "application/problem+json"
    for word in words:
        assert word in problem["detail"], (word, problem["detail"])
    assert "pattern" not in problem["detail"] and "Input should" not in problem["detail"]


def test_a_query_pattern_error_says_what_to_send(client: TestClient) -> None:
    reply = client.get("/api/v1/reports/committee", params={"quarter": "Q3-2026"},
                       headers=auth(Role.COMMITTEE))
    assert reply.status_code == 422
    assert "`quarter`" in reply.json()["detail"] and "2026Q3" in reply.json()["detail"]


def test_a_duplicate_case_answers_with_the_existing_case_id(client: TestClient) -> None:
    ref = new_ref("DUP")
    first = client.post("/api/v1/cases", headers=auth(CW), json={"customer_ref": ref})
    assert first.status_code == 201 and first.json()["id"] == first.json()["case_id"]
    again = client.post("/api/v1/cases", headers=auth(CW), json={"customer_ref": ref})
    assert again.status_code == 409
    problem = again.json()
    assert problem["type"].endswith("/case-already-open")
    assert problem["case_id"] == first.json()["case_id"]
    assert first.json()["case_id"] in problem["detail"]


def test_cases_filter_by_customer_reference(client: TestClient, stage: Stage) -> None:
    built = stage.opened()
    stage.opened()
    position = client.app.state.service.recorder.max_notification_id()  # type: ignore[attr-defined]
    wait_position(client, position)
    page = client.get("/api/v1/cases", params={"customer_ref": built.customer_ref},
                      headers=auth(CW)).json()
    assert [c["case_id"] for c in page["items"]] == [str(built.case_id)]
    assert page["items"][0]["status"] == "open" and page["items"][0]["stage"] == "open"
    none = client.get("/api/v1/cases", params={"customer_ref": "NOBODY-1"}, headers=auth(CW))
    assert none.json()["items"] == []


def test_writes_name_what_they_created_or_decided(client: TestClient, stage: Stage) -> None:
    built = stage.ready()
    path = built.path
    mgr = auth(Role.MANAGER, "mgr-ids")
    check = client.post(f"{path}/checks", headers=mgr, json={
        "kind": "other_agency", "notes": "Asked social care again."})
    assert check.status_code == 201, check.text
    assert check.json()["id"] == check.json()["events"][0]["ids"]["check_id"]
    concern = client.post(f"{path}/concerns", headers=auth(CW), json={
        "evidence": [str(built.incident)], "reason": "Abuse again."})
    assert concern.status_code == 201, concern.text
    assert concern.json()["id"] == concern.json()["events"][0]["ids"]["concern_id"]
    warning = client.post(f"{path}/warnings", headers=auth(CW), json={
        "kind": "informal", "evidence": [str(built.incident)], "reason": "Please stop."})
    assert warning.json()["id"] == warning.json()["events"][0]["ids"]["warning_id"]
    proposed = client.post(f"{path}/restrictions", headers=auth(CW), json={
        "terms": {"single_point_of_contact": "inbox", "services": ["repairs"]},
        "evidence": [str(built.incident)], "reason": "Continued.",
        "review_date": review_date().isoformat()})
    restriction = proposed.json()["id"]
    decided = client.post(f"{path}/restrictions/{restriction}/decision", headers=mgr,
                          json={"outcome": "approved", "reason": "Proportionate."})
    assert decided.status_code == 200, decided.text
    assert decided.json()["id"] == restriction
    # lifecycle: the case is open and restricted, in one place each
    wait_position(client, decided.json()["position"])
    case = client.get(path, headers=auth(CW)).json()
    assert (case["status"], case["stage"]) == ("open", "restricted")
    # the review queue's row names the customer and the owner
    rows = client.get("/api/v1/queues/notices_unsent", headers=auth(CW),
                      params={"limit": 500}).json()["items"]
    mine = [r for r in rows if r["case_id"] == str(built.case_id)]
    assert mine and mine[0]["customer_ref"] == built.customer_ref
    assert mine[0]["owner"] == "cw-setup"


def test_a_token_signed_with_another_key_says_how_to_get_a_good_one(client: TestClient) -> None:
    from tests.api.conftest import token

    stranger = token(CW, "cara", secret="a-key-from-another-data-directory-0123456789")
    reply = client.get("/api/v1/queues", headers={"Authorization": f"Bearer {stranger}"})
    assert reply.status_code == 401
    assert "upc token" in reply.json()["detail"] and "UPC_DATA_DIR" in reply.json()["detail"]
