"""Production tokens: validated against an OIDC issuer's JWKS, served here from 127.0.0.1."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi.testclient import TestClient

from api.auth import issue_token
from tests.api.conftest import SECRET, build_client

ISSUER = "https://login.example-landlord.org.uk/realms/staff"
AUDIENCE = "upc"


def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


KEY, OTHER_KEY = rsa_key(), rsa_key()


def jwk(key: rsa.RSAPrivateKey, kid: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    return {**data, "kid": kid, "use": "sig", "alg": "RS256"}


@pytest.fixture(scope="module")
def jwks_url() -> Iterator[str]:
    body = json.dumps({"keys": [jwk(KEY, "k1")]}).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/jwks.json"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def oidc(api_database: str, jwks_url: str, tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[TestClient]:
    yield from build_client(api_database, tmp_path_factory.mktemp("oidc"),
                            upc_oidc_issuer=ISSUER, upc_oidc_audience=AUDIENCE,
                            upc_oidc_jwks_url=jwks_url, upc_oidc_role_claim="realm_access.roles")


def claims(**change: Any) -> dict[str, Any]:
    now = int(time.time())
    base = {"sub": "maya@landlord", "iss": ISSUER, "aud": AUDIENCE, "iat": now, "nbf": now,
            "exp": now + 300, "realm_access": {"roles": ["manager", "offline_access"]}}
    base.update(change)
    return {k: v for k, v in base.items() if v is not None}


def signed(payload: dict[str, Any], key: Any = KEY, kid: str = "k1",
           algorithm: str = "RS256") -> str:
    return jwt.encode(payload, key, algorithm=algorithm, headers={"kid": kid})


def get(client: TestClient, token: str) -> int:
    return client.get("/api/v1/settings",
                      headers={"Authorization": f"Bearer {token}"}).status_code


def test_a_token_from_the_issuer_is_accepted(oidc: TestClient) -> None:
    assert get(oidc, signed(claims())) == 200


@pytest.mark.parametrize("payload", [
    claims(exp=int(time.time()) - 3600),
    claims(nbf=int(time.time()) + 3600),
    claims(iss="https://evil.example/realms/staff"),
    claims(aud="another-api"),
    claims(exp=None),
    claims(nbf=None),
    claims(sub=None),
    claims(realm_access={"roles": ["offline_access"]}),
    claims(realm_access={"roles": ["manager", "auditor"]}),
    claims(realm_access={"roles": ["system"]}),
], ids=["expired", "not-yet-valid", "wrong-issuer", "wrong-audience", "no-exp", "no-nbf",
        "no-sub", "no-role", "two-roles", "system-role"])
def test_bad_claims_are_401(oidc: TestClient, payload: dict[str, Any]) -> None:
    assert get(oidc, signed(payload)) == 401


def test_a_key_the_issuer_does_not_publish_is_401(oidc: TestClient) -> None:
    assert get(oidc, signed(claims(), key=OTHER_KEY)) == 401
    assert get(oidc, signed(claims(), key=OTHER_KEY, kid="k2")) == 401


def test_algorithm_confusion_and_none_are_401(oidc: TestClient) -> None:
    public_pem = KEY.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo)
    import base64
    import hashlib
    import hmac

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).decode().rstrip("=")

    header = b64(json.dumps({"alg": "HS256", "kid": "k1", "typ": "JWT"}).encode())
    body = b64(json.dumps(claims()).encode())
    mac = hmac.new(public_pem, f"{header}.{body}".encode(), hashlib.sha256).digest()
    assert get(oidc, f"{header}.{body}.{b64(mac)}") == 401
    unsigned = b64(json.dumps({"alg": "none", "kid": "k1"}).encode())
    assert get(oidc, f"{unsigned}.{body}.") == 401


def test_embedded_tokens_are_refused_in_oidc_mode(oidc: TestClient) -> None:
    from domain.actors import Role

    assert get(oidc, issue_token(SECRET, "maya", Role.MANAGER)) == 401


def test_the_role_comes_from_the_configured_claim(oidc: TestClient) -> None:
    auditor = signed(claims(realm_access={"roles": ["auditor"]}))
    reply = oidc.post("/api/v1/cases", json={"customer_ref": "T-OIDC-1"},
                      headers={"Authorization": f"Bearer {auditor}"})
    assert reply.status_code == 403


def test_an_unreachable_issuer_is_503_not_401(api_database: str, tmp_path: Path) -> None:
    for client in build_client(api_database, tmp_path, upc_oidc_issuer=ISSUER,
                               upc_oidc_audience=AUDIENCE,
                               upc_oidc_jwks_url="http://127.0.0.1:9/jwks.json"):
        assert get(client, signed(claims())) == 503
