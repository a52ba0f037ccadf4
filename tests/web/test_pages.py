"""The pages without a browser (the app in-process on a real PostgreSQL): every page against
every role, sign-in required, CSRF, the special-category read log, and OIDC sign-in with PKCE
against a small issuer served from this test."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi.testclient import TestClient

from api.web.pages import PAGE_ALLOW
from api.web.session import SESSION_COOKIE
from domain.actors import Role
from tests.api.conftest import (  # noqa: F401  (small_pools: an autouse fixture)
    MANAGER,
    Stage,
    build_client,
    small_pools,
    token,
)
from upc import bootstrap

ROLES = [r for r in Role if r is not Role.SYSTEM]


@pytest.fixture(scope="module")
def client(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    bootstrap.migrate(database_url)
    yield from build_client(database_url, tmp_path_factory.mktemp("web-pages"))


@pytest.fixture(scope="module")
def built(client: TestClient) -> Any:
    stage = Stage(client.app.state.service)  # type: ignore[attr-defined]
    case = stage.appealed()
    client.app.state.service.record_vulnerability_info(  # type: ignore[attr-defined]
        case.case_id, MANAGER, details="Hearing loss; prefers email.")
    time.sleep(0.5)  # the runner polls every 0.1 s
    return case


def signed_in(client: TestClient, role: Role, user: str | None = None) -> TestClient:
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, token(role, user))
    return client


def page_paths(built: Any) -> list[str]:
    ids = {"case_id": built.case_id, "restriction_id": built.restriction,
           "appeal_id": built.appeal, "notice_id": built.notice, "incident_id": built.incident,
           "contact_id": built.contact, "check": "lift_without_notice",
           # a page for one of these opens whatever the id (the command checks it)
           "subject_access_request_id": built.case_id, "complaint_id": built.case_id,
           "ombudsman_contact_id": built.case_id, "remedy_id": built.case_id,
           "legal_hold_id": built.case_id}
    paths = []
    for pattern, _ in PAGE_ALLOW:
        path = pattern.pattern.strip("^$")
        path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(ids[m.group(1)]), path)
        paths.append(path.replace("\\", ""))
    return sorted(set(paths))


def test_every_page_admits_exactly_the_roles_of_its_api_routes(client: TestClient,
                                                               built: Any) -> None:
    paths = page_paths(built)
    assert len(paths) >= 45
    for path in paths:
        allow = next(a for p, a in PAGE_ALLOW if p.match(path))
        assert allow.roles, path
        for role in ROLES:
            reply = signed_in(client, role).get(path, follow_redirects=False)
            expected = 200 if role in allow.roles else 403
            assert reply.status_code == expected, (path, role, reply.text[-500:])
            kind = "text/html"
            if expected == 200 and path.endswith(".csv"):
                kind = "text/csv"
            elif expected == 200 and path.endswith("letter"):  # a notice's letter
                kind = "application/pdf"
            assert reply.headers["content-type"].startswith(kind), path
        client.cookies.clear()
        reply = client.get(path, follow_redirects=False)
        assert reply.status_code == 303
        assert reply.headers["location"] == "/sign-in?next=" + urllib.parse.quote(path)


def test_a_form_without_its_csrf_token_records_nothing(client: TestClient, built: Any) -> None:
    signed_in(client, Role.CASEWORKER)
    service = client.app.state.service  # type: ignore[attr-defined]
    before = service.get_case(built.case_id).version
    form = {"channel": "phone", "direction": "inbound", "summary": "forged",
            "occurred_at": "2026-11-30T09:00"}
    path = f"/cases/{built.case_id}/contacts/new"
    assert client.post(path, data=form).status_code == 403
    signed_in(client, Role.CASEWORKER).cookies.set("upc_csrf", "a" * 43)
    assert client.post(path, data={**form, "csrf_token": "b" * 43}).status_code == 403
    assert service.get_case(built.case_id).version == before
    reply = client.post(path, data={**form, "csrf_token": "a" * 43}, follow_redirects=False)
    assert reply.status_code == 303, reply.text[-800:]
    assert service.get_case(built.case_id).version == before + 1


def _form(client: TestClient, path: str) -> dict[str, str]:
    page = client.get(path)
    assert page.status_code == 200, page.text[-500:]
    token_ = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token_, page.text
    return {"csrf_token": token_.group(1)}


def test_a_counter_allegation_recorded_on_its_page_is_on_the_timeline_and_a_refusal_on_the_form(
        client: TestClient, built: Any) -> None:
    service = client.app.state.service  # type: ignore[attr-defined]
    signed_in(client, Role.CASEWORKER)
    case = client.get(f"/cases/{built.case_id}").text
    path = f"/cases/{built.case_id}/counter-allegation"
    assert f'href="{path}"' in case
    assert "/setting-override" not in case  # managers only: no link for a caseworker
    before = service.get_case(built.case_id).version
    empty = client.post(path, data=_form(client, path))
    assert empty.status_code == 422
    assert 'href="#staff_id"' in empty.text and "Enter the user name of the member of staff" \
        in empty.text
    reply = client.post(path, data={**_form(client, path), "staff_id": "maya",
                                    "summary": "Says the officer was rude on the phone.",
                                    "occurred_at": "2026-11-30T09:00"}, follow_redirects=False)
    assert reply.status_code == 303, reply.text[-800:]
    assert service.get_case(built.case_id).version == before + 1
    shown = client.get(reply.headers["location"]).text
    assert "Counter-allegation recorded" in shown and "Counter allegation made" in shown
    assert "rude on the phone" not in shown  # free text stays off the timeline
    # a refusal by the domain is shown next to the field: an answer without consent
    signed_in(client, Role.MANAGER)
    path = f"/cases/{built.case_id}/equality-monitoring"
    refused = client.post(path, data={**_form(client, path), "age_band": "35_44"})
    assert refused.status_code == 422
    error = re.search(r'id="consent-error"[^>]*>(.*?)</p>', refused.text, re.DOTALL)
    assert error and "consent" in error.group(1) and 'href="#consent"' in refused.text
    assert service.get_case(built.case_id).version == before + 1
    assert "/equality-withdrawal" not in client.get(f"/cases/{built.case_id}").text
    # with consent it is recorded, never shown back; withdrawing is offered from then on
    reply = client.post(path, data={**_form(client, path), "consent": "yes",
                                    "age_band": "35_44"}, follow_redirects=False)
    assert reply.status_code == 303, reply.text[-800:]
    shown = client.get(reply.headers["location"]).text
    assert "Equality monitoring answers recorded" in shown and "/equality-withdrawal" in shown
    assert not any(w in shown for w in ("35_44", "35 44", "35 to 44", "Age band"))


def test_an_administrator_places_a_hold_on_its_page_and_erasure_is_refused_on_the_form(
        client: TestClient) -> None:
    opened = Stage(client.app.state.service).opened()  # type: ignore[attr-defined]
    case_id = opened.case_id
    signed_in(client, Role.ADMIN)
    assert client.get(f"/admin/cases?case_id={case_id}",
                      follow_redirects=False).headers["location"] == f"/admin/cases/{case_id}"
    path = f"/cases/{case_id}/legal-hold"
    for _ in range(100):  # the runner polls every 0.1 s: wait for the new case in the view
        page = client.get(f"/admin/cases/{case_id}")
        if page.status_code != 404:
            break
        time.sleep(0.1)
    assert f'href="{path}"' in page.text
    reply = client.post(path, data={**_form(client, path), "reason": "Claim issued."},
                        follow_redirects=False)
    assert reply.status_code == 303, reply.text[-800:]
    shown = client.get(reply.headers["location"]).text
    assert "Litigation hold placed" in shown and "Release the litigation hold placed on" in shown
    path = f"/cases/{case_id}/erasure"
    refused = client.post(path, data={**_form(client, path), "person": "customer",
                                      "ground": "erasure_request"})
    assert refused.status_code == 422 and 'id="person-error"' in refused.text
    error = re.search(r'id="person-error"[^>]*>(.*?)</p>', refused.text, re.DOTALL)
    assert error and "hold" in error.group(1)
    # administrators do not read cases: no customer reference on their pages
    assert opened.customer_ref not in refused.text and opened.customer_ref not in shown


def _log_rows(client: TestClient, user: str) -> list[tuple[str, list[str]]]:
    pool = client.app.state.pool  # type: ignore[attr-defined]
    with pool.connection() as conn:
        return [(r[0], r[1]) for r in conn.execute(
            "SELECT endpoint, fields FROM upc_api.access_log WHERE user_id = %s ORDER BY id",
            (user,)).fetchall()]


def test_special_category_reads_are_logged_as_through_the_api(client: TestClient,
                                                              built: Any) -> None:
    events = f"/cases/{built.case_id}/events"
    shown = signed_in(client, Role.MANAGER, "mia.web").get(events)
    assert "Hearing loss; prefers email." in shown.text
    assert _log_rows(client, "mia.web") == [
        (f"GET /api/v1/cases/{built.case_id}/events",
         ["vulnerability_details", "decision_reasons"])]
    withheld = signed_in(client, Role.CASEWORKER, "cal.web").get(events)
    assert withheld.status_code == 200 and "Hearing loss" not in withheld.text
    assert [f for _, f in _log_rows(client, "cal.web")] in ([], [["decision_reasons"]])
    signed_in(client, Role.AUDITOR, "aud.web").get(
        f"/audit/cases/{built.case_id}/decision-trail")
    assert _log_rows(client, "aud.web") == [
        (f"GET /api/v1/audit/cases/{built.case_id}/decision-trail", ["decision_reasons"])]
    # the case page shows coded facts only: nothing to log
    signed_in(client, Role.MANAGER, "mo.web").get(f"/cases/{built.case_id}")
    assert _log_rows(client, "mo.web") == []


def test_dev_sign_in_issues_the_upc_token_in_a_cookie_and_sign_out_clears_it(
        client: TestClient) -> None:
    client.cookies.clear()
    page = client.get("/sign-in?next=/queues")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf, page.text
    reply = client.post("/sign-in", data={"csrf_token": csrf.group(1), "user": "nia",
                                          "role": "manager", "next": "/queues"},
                        follow_redirects=False)
    assert reply.status_code == 303 and reply.headers["location"] == "/queues"
    cookie = next(c for c in reply.headers.get_list("set-cookie")
                  if c.startswith(SESSION_COOKIE))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    session = client.cookies[SESSION_COOKIE]
    actor = client.app.state.authenticator.actor(session)  # type: ignore[attr-defined]
    assert (actor.user_id, actor.role) == ("nia", Role.MANAGER)
    # the same token works on the API
    assert client.get("/api/v1/queues", headers={
        "Authorization": f"Bearer {session}"}).status_code == 200
    # an open redirect is refused: only paths on this site
    assert client.get("/sign-in?next=//evil.example/").text.count('value=""') >= 1
    out = client.post("/sign-out", data={"csrf_token": client.cookies["upc_csrf"]})
    assert out.status_code == 200 and "You have signed out" in out.text
    assert "Signed in as" not in out.text
    assert SESSION_COOKIE not in client.cookies


# --- OIDC: authorization code with PKCE against an issuer served here ---------------------

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


class Issuer:
    """Discovery, JWKS, an authorize endpoint that signs in ``user`` at once, and a token
    endpoint that checks the PKCE verifier against the challenge."""

    def __init__(self, user: str, role: str) -> None:
        self.user, self.role = user, role
        self.codes: dict[str, dict[str, str]] = {}
        issuer = self
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler(issuer))
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _handler(self, issuer: Issuer) -> type[BaseHTTPRequestHandler]:
        class Handler(BaseHTTPRequestHandler):
            def _json(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                url = urllib.parse.urlsplit(self.path)
                if url.path == "/.well-known/openid-configuration":
                    self._json(200, {"issuer": issuer.url,
                                     "authorization_endpoint": f"{issuer.url}/authorize",
                                     "token_endpoint": f"{issuer.url}/token",
                                     "jwks_uri": f"{issuer.url}/.well-known/jwks.json"})
                elif url.path == "/.well-known/jwks.json":
                    key = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key()))
                    self._json(200, {"keys": [{**key, "kid": "k1", "alg": "RS256"}]})
                elif url.path == "/authorize":
                    query = dict(urllib.parse.parse_qsl(url.query))
                    code = secrets.token_urlsafe(16)
                    issuer.codes[code] = query
                    self.send_response(302)
                    self.send_header("Location", query["redirect_uri"] + "?" +
                                     urllib.parse.urlencode({"code": code,
                                                             "state": query["state"]}))
                    self.end_headers()
                else:
                    self._json(404, {})

            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                asked = issuer.codes.pop(form.get("code", ""), None)
                challenge = base64.urlsafe_b64encode(hashlib.sha256(
                    form.get("code_verifier", "").encode()).digest()).decode().rstrip("=")
                if asked is None or asked["code_challenge"] != challenge \
                        or asked["code_challenge_method"] != "S256" \
                        or asked["redirect_uri"] != form.get("redirect_uri") \
                        or asked["client_id"] != form.get("client_id"):
                    self._json(400, {"error": "invalid_grant"})
                    return
                now = int(time.time())
                access = jwt.encode({"iss": issuer.url, "aud": "upc-api", "sub": issuer.user,
                                     "role": issuer.role, "iat": now, "nbf": now,
                                     "exp": now + 600}, KEY, algorithm="RS256",
                                    headers={"kid": "k1"})
                self._json(200, {"access_token": access, "token_type": "Bearer"})

            def log_message(self, *_: Any) -> None:
                pass

        return Handler

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def oidc(database_url: str, tmp_path_factory: pytest.TempPathFactory,
         client: TestClient) -> Iterator[tuple[TestClient, Issuer]]:
    issuer = Issuer("olu.manager", "manager")
    try:
        for app_client in build_client(database_url, tmp_path_factory.mktemp("oidc"),
                                       upc_oidc_issuer=issuer.url):
            yield app_client, issuer
    finally:
        issuer.close()


def test_oidc_sign_in_is_the_code_flow_with_pkce(oidc: tuple[TestClient, Issuer]) -> None:
    app, issuer = oidc
    start = app.get("/sign-in?next=/queues", follow_redirects=False)
    assert start.status_code == 303
    authorize = urllib.parse.urlsplit(start.headers["location"])
    query = dict(urllib.parse.parse_qsl(authorize.query))
    assert f"{authorize.scheme}://{authorize.netloc}{authorize.path}" == f"{issuer.url}/authorize"
    assert query["response_type"] == "code" and query["code_challenge_method"] == "S256"
    assert query["client_id"] == "upc-web" and query["scope"] == "openid"
    # the browser goes to the issuer, which sends it back with a code
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(start.headers["location"])
    except urllib.error.HTTPError as back:
        callback = back.headers["Location"]
    path = urllib.parse.urlsplit(callback)
    # a callback with another state is refused: no session
    forged = app.get(f"{path.path}?code=x&state=forged", follow_redirects=False)
    assert forged.status_code == 403 and SESSION_COOKIE not in app.cookies
    done = app.get(f"{path.path}?{path.query}", follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/queues"
    assert "olu.manager" in app.get("/queues").text
    # a code is good once; its verifier was checked by the issuer
    again = app.get(f"{path.path}?{path.query}", follow_redirects=False)
    assert again.status_code == 403
    # embedded tokens are refused in OIDC mode, in the cookie as on the API
    app.cookies.set(SESSION_COOKIE, token(Role.MANAGER))
    assert app.get("/queues", follow_redirects=False).status_code == 303


def test_the_vendored_assets_are_served_and_carry_their_licences(client: TestClient) -> None:
    css = client.get("/static/govuk/govuk-frontend.min.css")
    assert css.status_code == 200 and "GDS Transport" not in css.text
    assert "system-ui" in css.text
    for path in ("/static/govuk/govuk-frontend.min.js", "/static/htmx/htmx.min.js",
                 "/static/axe/axe.min.js"):
        assert client.get(path).status_code == 200, path
    root = Path(__file__).parents[2] / "api" / "web" / "static"
    for folder in ("govuk", "htmx", "axe"):
        assert any(p.name.startswith("LICENSE") for p in (root / folder).iterdir()), folder
