"""The Temporal codec server: admins and auditors open what the worker sealed; nobody else."""

from __future__ import annotations

from base64 import b64encode

from fastapi.testclient import TestClient

from domain.actors import Role
from tests.api.conftest import auth

UI = "http://127.0.0.1:8233"


def plain(data: bytes) -> dict[str, object]:
    return {"payloads": [{"metadata": {"encoding": b64encode(b"json/plain").decode()},
                          "data": b64encode(data).decode()}]}


def test_an_admin_seals_and_an_auditor_opens_a_payload(client: TestClient) -> None:
    body = plain(b'"restriction-1"')
    sealed = client.post("/codec/encode", json=body, headers=auth(Role.ADMIN))
    assert sealed.status_code == 200, sealed.text
    (payload,) = sealed.json()["payloads"]
    assert payload["metadata"]["encoding"] == b64encode(b"binary/upc-encrypted").decode()
    assert b"restriction-1" not in payload["data"].encode()
    opened = client.post("/codec/decode", json=sealed.json(), headers=auth(Role.AUDITOR))
    assert opened.status_code == 200 and opened.json() == body


def test_the_codec_refuses_other_roles_no_token_and_bad_input(client: TestClient) -> None:
    body = plain(b"1")
    refused = client.post("/codec/decode", json=body, headers=auth(Role.CASEWORKER))
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert client.post("/codec/decode", json=body).status_code == 401
    bad = client.post("/codec/decode", json={"payloads": [{"data": "not base64!"}]},
                      headers=auth(Role.ADMIN))
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    forged = {"payloads": [{"metadata": {
        "encoding": b64encode(b"binary/upc-encrypted").decode(),
        "upc-key-id": b64encode(b"0000000000000000").decode()}, "data": "AAAA"}]}
    assert client.post("/codec/decode", json=forged,
                       headers=auth(Role.ADMIN)).status_code == 422


def test_cors_answers_the_temporal_ui_on_codec_paths_only(client: TestClient) -> None:
    ask = {"Origin": UI, "Access-Control-Request-Method": "POST",
           "Access-Control-Request-Headers": "authorization,content-type,x-namespace"}
    preflight = client.options("/codec/decode", headers=ask)
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == UI
    assert "access-control-allow-credentials" not in preflight.headers
    other = client.options("/codec/decode", headers={**ask, "Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers
    api = client.options("/api/v1/cases", headers=ask)
    assert "access-control-allow-origin" not in api.headers
