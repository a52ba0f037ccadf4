"""Sign-in and sign-out pages.

Embedded mode: a development sign-in page (user name and role) that issues the same token
as ``upc token``. OIDC mode (``UPC_OIDC_ISSUER``): the authorization-code flow with PKCE
(S256) against the issuer's discovery document; the access token it returns is checked by
the API's authenticator before it becomes the session.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import urllib.error
import urllib.parse
import urllib.request
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import RedirectResponse, Response

from api.auth import IssuerUnreachable, TokenRejected, issue_token
from api.web.pages import Form, PageRoute, error_page, one, render
from api.web.session import check_csrf, clear_session, secure, session_actor, set_session
from domain.actors import Role

router = APIRouter(route_class=PageRoute, include_in_schema=False)
OIDC_COOKIE = "upc_oidc"
ROLE_CHOICES = [r for r in Role if r is not Role.SYSTEM]
START = {Role.CASEWORKER: "/search", Role.MANAGER: "/queues", Role.SENIOR_MANAGER: "/queues",
         Role.AUDITOR: "/audit", Role.COMMITTEE: "/committee", Role.ADMIN: "/settings"}


def start_page(role: Role) -> str:
    return START.get(role, "/search")


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site: never another host (open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") \
            and "\\" not in target:
        return target
    return None


@router.get("/")
def home(request: Request) -> Response:
    actor = session_actor(request)
    if actor is None:
        return RedirectResponse("/sign-in", 303)
    return RedirectResponse(start_page(actor.role), 303)


@router.get("/sign-in")
def sign_in_page(request: Request, next: Annotated[str | None, Query(max_length=500)] = None
                 ) -> Response:
    if request.app.state.authenticator.mode == "oidc":
        return _oidc_start(request, _safe_next(next))
    return render(request, "sign_in.html", form=Form({"role": "caseworker"}),
                  roles=ROLE_CHOICES, next=_safe_next(next) or "")


@router.post("/sign-in")
async def sign_in(request: Request, data: Annotated[dict[str, Any], Depends(check_csrf)]
                  ) -> Response:
    authenticator = request.app.state.authenticator
    if authenticator.mode == "oidc":
        return error_page(request, 403, "Sign in through your organisation's sign-in page.")
    form = Form({"user": one(data, "user"), "role": one(data, "role")})
    user, role = form.get("user"), form.get("role")
    if not user or len(user) > 200 or user != user.strip():
        form.error("user", "Enter your user name")
    if role not in {r.value for r in ROLE_CHOICES}:
        form.error("role", "Choose your role")
    if not form.ok:
        return render(request, "sign_in.html", status=422, form=form, roles=ROLE_CHOICES,
                      next=_safe_next(one(data, "next")) or "")
    token = issue_token(authenticator.secret, user, Role(role))
    response = RedirectResponse(_safe_next(one(data, "next")) or start_page(Role(role)), 303)
    set_session(request, response, token)
    return response


@router.post("/sign-out")
async def sign_out(request: Request, _: Annotated[dict[str, Any], Depends(check_csrf)]
                   ) -> Response:
    response = render(request, "signed_out.html", actor=None)
    clear_session(request, response)
    return response


# --- OIDC: authorization code with PKCE --------------------------------------------------

def _discovery(request: Request) -> dict[str, Any]:
    cached = getattr(request.app.state, "oidc_discovery", None)
    if cached:
        return cached  # type: ignore[no-any-return]
    issuer = request.app.state.authenticator.oidc_issuer.rstrip("/")
    try:
        with urllib.request.urlopen(f"{issuer}/.well-known/openid-configuration",
                                    timeout=5) as reply:
            document: dict[str, Any] = json.load(reply)
    except (OSError, ValueError) as exc:
        raise IssuerUnreachable(str(exc)) from None
    request.app.state.oidc_discovery = document
    return document


def _redirect_uri(request: Request) -> str:
    return str(request.url_for("oidc_callback"))


def _oidc_start(request: Request, target: str | None) -> Response:
    try:
        endpoint = _discovery(request)["authorization_endpoint"]
    except (IssuerUnreachable, KeyError):
        return error_page(request, 503, "The sign-in service cannot be reached; try again "
                                        "shortly.")
    verifier = secrets.token_urlsafe(48)
    state = secrets.token_urlsafe(24)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()) \
        .decode().rstrip("=")
    oidc = request.app.state.oidc_client
    query = urllib.parse.urlencode({
        "response_type": "code", "client_id": oidc["client_id"], "scope": oidc["scopes"],
        "redirect_uri": _redirect_uri(request), "state": state,
        "code_challenge": challenge, "code_challenge_method": "S256"})
    response = RedirectResponse(f"{endpoint}?{query}", 303)
    response.set_cookie(OIDC_COOKIE, json.dumps([state, verifier, target or ""]),
                        max_age=600, httponly=True, samesite="lax", secure=secure(request),
                        path="/auth")
    return response


@router.get("/auth/callback", name="oidc_callback")
def oidc_callback(request: Request, code: Annotated[str | None, Query(max_length=2000)] = None,
                  state: Annotated[str | None, Query(max_length=200)] = None,
                  error: Annotated[str | None, Query(max_length=200)] = None) -> Response:
    try:
        expected, verifier, target = json.loads(request.cookies.get(OIDC_COOKIE) or "[]")
    except ValueError:
        expected = verifier = target = None
    if error or not code or not expected or not state \
            or not secrets.compare_digest(state, expected):
        return error_page(request, 403, "Signing in did not complete. Start again from the "
                                        "sign-in page.")
    try:
        token = _exchange(request, code, verifier)
        request.app.state.authenticator.actor(token)
    except urllib.error.HTTPError:
        return error_page(request, 403, "The sign-in service refused to complete signing "
                                        "in. Start again from the sign-in page.")
    except (IssuerUnreachable, KeyError, OSError, ValueError):
        return error_page(request, 503, "The sign-in service cannot be reached; try again "
                                        "shortly.")
    except TokenRejected as exc:
        return error_page(request, 403, f"Your sign-in was refused: {exc}.")
    actor = request.app.state.authenticator.actor(token)
    response = RedirectResponse(_safe_next(target) or start_page(actor.role), 303)
    response.delete_cookie(OIDC_COOKIE, path="/auth")
    set_session(request, response, token)
    return response


def _exchange(request: Request, code: str, verifier: str) -> str:
    oidc = request.app.state.oidc_client
    fields = {"grant_type": "authorization_code", "code": code,
              "redirect_uri": _redirect_uri(request), "client_id": oidc["client_id"],
              "code_verifier": verifier}
    if oidc["client_secret"]:
        fields["client_secret"] = oidc["client_secret"]
    post = urllib.request.Request(_discovery(request)["token_endpoint"],
                                  data=urllib.parse.urlencode(fields).encode(),
                                  headers={"Accept": "application/json"}, method="POST")
    with urllib.request.urlopen(post, timeout=10) as reply:
        tokens: dict[str, Any] = json.load(reply)
    return str(tokens.get("access_token") or tokens["id_token"])
