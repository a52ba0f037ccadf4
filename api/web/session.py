"""Signing in to the pages: the token in a cookie, CSRF on every form, and the page's actor.

- The session cookie holds the same bearer token the API takes (``upc token`` in embedded
  mode, the issuer's access token in OIDC mode) and is checked by the same
  ``api.auth.Authenticator``: HttpOnly, SameSite=Lax, Secure when served over https.
- CSRF: a random token in its own HttpOnly, SameSite=Strict cookie, repeated in a hidden
  field of every form (double submit); a POST whose field does not match is refused before
  anything runs. Signing in and out change it.
- ``Allow(...)`` names the API routes a page stands for; the page admits only the roles that
  ``api.access.ROUTE_ROLES`` gives every one of them (deny by default: a page route without
  an ``Allow`` stops the app from starting, see ``api.web.pages``).
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from fastapi import HTTPException, Request
from starlette.responses import Response

from api.access import ROUTE_ROLES, roles_in_words
from api.auth import IssuerUnreachable, TokenRejected
from domain.actors import Actor, Role

SESSION_COOKIE = "upc_session"
CSRF_COOKIE = "upc_csrf"
CSRF_FIELD = "csrf_token"
SESSION_SECONDS = 8 * 3600


class SignInRequired(Exception):
    """No session, or one the authenticator no longer accepts: go to the sign-in page."""


def secure(request: Request) -> bool:
    forwarded = request.headers.get("x-forwarded-proto", "")
    return request.url.scheme == "https" or forwarded.split(",")[0].strip() == "https"


def set_session(request: Request, response: Response, token: str) -> None:
    response.set_cookie(SESSION_COOKIE, token, max_age=SESSION_SECONDS, httponly=True,
                        samesite="lax", secure=secure(request), path="/")
    new_csrf(request, response)


def clear_session(request: Request, response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax",
                           secure=secure(request))
    new_csrf(request, response)


def new_csrf(request: Request, response: Response) -> str:
    token = secrets.token_urlsafe(32)
    request.state.csrf = token
    response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict",
                        secure=secure(request), path="/")
    return token


def csrf_token(request: Request) -> str:
    """The token for this page's forms (the cookie's, or a new one set on the response)."""
    token = getattr(request.state, "csrf", None) or request.cookies.get(CSRF_COOKIE)
    if not token:
        token = secrets.token_urlsafe(32)
        request.state.csrf = token
        request.state.set_csrf = True
    return str(token)


def finish(request: Request, response: Response) -> Response:
    """Set the CSRF cookie when this page made a new one."""
    if getattr(request.state, "set_csrf", False):
        response.set_cookie(CSRF_COOKIE, request.state.csrf, httponly=True,
                            samesite="strict", secure=secure(request), path="/")
    return response


async def check_csrf(request: Request) -> dict[str, Any]:
    """The posted form, once its CSRF field matches the cookie."""
    form = await request.form()
    sent = form.get(CSRF_FIELD)
    expected = request.cookies.get(CSRF_COOKIE)
    if not isinstance(sent, str) or not expected or not hmac.compare_digest(sent, expected):
        raise HTTPException(403, "This form has expired or was not sent from this service. "
                                 "Go back, reload the page and try again.")
    data: dict[str, Any] = {}
    for key, value in form.multi_items():
        if key == CSRF_FIELD or not isinstance(value, str):
            continue
        data.setdefault(key, []).append(value)
    return data


def session_actor(request: Request) -> Actor | None:
    """The signed-in actor, or None (no cookie, or a token no longer accepted)."""
    cached = getattr(request.state, "actor", None)
    if isinstance(cached, Actor):
        return cached
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    try:
        actor = request.app.state.authenticator.actor(token)
    except TokenRejected:
        return None
    except IssuerUnreachable:
        raise HTTPException(503, "The identity provider's keys could not be fetched; "
                                 "try again shortly.") from None
    request.state.actor = actor
    return actor  # type: ignore[no-any-return]


class Allow:
    """Dependency: the signed-in actor, if their role may call every API route named."""

    def __init__(self, *routes: tuple[str, str]) -> None:
        missing = [r for r in routes if r not in ROUTE_ROLES]
        if missing or not routes:
            raise RuntimeError(f"pages for routes without an access rule: {missing}")
        self.routes = routes

    @property
    def roles(self) -> frozenset[Role]:
        roles = frozenset(Role)
        for route in self.routes:
            roles &= ROUTE_ROLES[route]
        return roles

    def __call__(self, request: Request) -> Actor:
        actor = session_actor(request)
        if actor is None:
            raise SignInRequired()
        roles = self.roles
        if actor.role not in roles:
            who = roles_in_words(roles) if roles else "no one"
            raise HTTPException(403, f"As {actor.role.value.replace('_', ' ')} you cannot "
                                     f"see this page; only {who} can.")
        return actor
