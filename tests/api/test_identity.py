"""Pseudonymous identity over HTTP: random case ids, the reference found through the keyed
index, shown to the roles that read cases and held by no view."""

from __future__ import annotations

from uuid import UUID

import psycopg
from fastapi.testclient import TestClient

from domain.identity import legacy_case_id
from projections.view import VIEWS_SCHEMA
from tests.api.conftest import auth, new_ref, wait_position


def test_a_case_is_found_by_its_reference_and_no_view_holds_it(
        client: TestClient, api_database: str) -> None:
    ref = new_ref("PSEUDO")
    opened = client.post("/api/v1/cases", json={"customer_ref": ref},
                         headers=auth("caseworker"))
    assert opened.status_code == 201, opened.text
    case_id = UUID(opened.json()["case_id"])
    assert case_id.version == 4 and case_id != legacy_case_id(ref)
    wait_position(client, opened.json()["position"])

    case = client.get(f"/api/v1/cases/{case_id}", headers=auth("caseworker")).json()
    assert case["customer_ref"] == ref
    listed = client.get("/api/v1/cases", params={"customer_ref": ref},
                        headers=auth("auditor")).json()["items"]
    assert [(c["case_id"], c["customer_ref"]) for c in listed] == [(str(case_id), ref)]
    rules = client.get(f"/api/v1/customers/{ref}/contact-rules",
                       headers=auth("caseworker")).json()
    assert rules["known"] is True and rules["case_id"] == str(case_id)
    again = client.post("/api/v1/cases", json={"customer_ref": ref},
                        headers=auth("manager"))
    assert again.status_code == 409 and again.json()["case_id"] == str(case_id)

    with psycopg.connect(api_database) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
            (VIEWS_SCHEMA,))]
        for table in tables:
            rows = conn.execute(f'SELECT * FROM "{VIEWS_SCHEMA}"."{table}"').fetchall()
            assert ref not in repr(rows), table
        stored = conn.execute("SELECT convert_from(state, 'UTF8') FROM upc_events"
                              " WHERE originator_id = %s", (case_id,)).fetchall()
        assert stored and ref not in repr(stored)
