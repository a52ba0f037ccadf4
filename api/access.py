"""Authorisation, deny by default: every API route names the roles that may call it, here.

A route under ``/api/v1`` that is missing from ``ROUTE_ROLES`` refuses everyone (and
``check_every_route_is_listed`` stops the app from starting), so forgetting a line locks a
door rather than leaving it open. The aggregate checks roles again for every command
(``domain.permissions``); this table is the outer wall and the only wall for reads.

Field level: vulnerability and health details go only to ``SPECIAL_CATEGORY_READERS``, and
every such read is logged (``api.access_log``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import HTTPException, Request
from fastapi import routing as fastapi_routing
from fastapi.routing import APIRoute

from api.auth import CurrentActor
from domain.actors import Actor, Role

CW, MGR, SNR = Role.CASEWORKER, Role.MANAGER, Role.SENIOR_MANAGER
AUD, COM, ADM = Role.AUDITOR, Role.COMMITTEE, Role.ADMIN

FRONT_LINE = frozenset({CW, MGR, SNR})
MANAGEMENT = frozenset({MGR, SNR})
SENIOR = frozenset({SNR})
CASE_READERS = FRONT_LINE | {AUD}
COMPLIANCE_READERS = MANAGEMENT | {AUD}
REPORT_READERS = frozenset({COM, AUD, SNR})
SETTINGS_READERS = FRONT_LINE | {AUD, ADM}
# Vulnerability and health details: those who weigh them in a decision, and the auditors.
# Caseworkers record them and see that they exist and which adjustments apply, not the text.
SPECIAL_CATEGORY_READERS = frozenset({MGR, SNR, AUD})
# Who sees a case's customer reference beside its id (in queues and lists): who reads cases.
CUSTOMER_REF_READERS = CASE_READERS

C = "/api/v1/cases/{case_id}"

ROUTE_ROLES: dict[tuple[str, str], frozenset[Role]] = {
    # cases
    ("POST", "/api/v1/cases"): FRONT_LINE,
    ("GET", "/api/v1/cases"): CASE_READERS,
    ("GET", C): CASE_READERS,
    ("GET", f"{C}/timeline"): CASE_READERS,
    ("GET", f"{C}/events"): CASE_READERS,
    ("POST", f"{C}/closure"): MANAGEMENT,
    ("POST", f"{C}/owner"): MANAGEMENT,
    # contacts, incidents, staff support
    ("POST", f"{C}/contacts"): FRONT_LINE,
    ("POST", f"{C}/contacts/{{contact_id}}/triage"): FRONT_LINE,
    ("POST", f"{C}/incidents"): FRONT_LINE,
    ("POST", f"{C}/incidents/{{incident_id}}/staff-support"): FRONT_LINE,
    # concern, warnings, vulnerability, pre-decision checks
    ("POST", f"{C}/concerns"): FRONT_LINE,
    ("POST", f"{C}/warnings"): FRONT_LINE,  # formal warnings: management (checked in the route)
    ("POST", f"{C}/assessments"): FRONT_LINE,
    ("GET", f"{C}/assessments"): CASE_READERS,  # details: SPECIAL_CATEGORY_READERS only
    ("POST", f"{C}/checks"): MANAGEMENT,
    ("POST", f"{C}/legitimate-issue-resolutions"): MANAGEMENT,
    # restrictions
    ("POST", f"{C}/restrictions"): FRONT_LINE,
    ("POST", f"{C}/immediate-restrictions"): FRONT_LINE,
    ("POST", f"{C}/restrictions/{{restriction_id}}/decision"): MANAGEMENT,
    ("POST", f"{C}/restrictions/{{restriction_id}}/ratification"): SENIOR,
    ("POST", f"{C}/restrictions/{{restriction_id}}/lift"): MANAGEMENT,
    ("POST", f"{C}/restrictions/{{restriction_id}}/extension"): MANAGEMENT,
    ("POST", f"{C}/restrictions/{{restriction_id}}/reviews"): MANAGEMENT,
    ("POST", f"{C}/restrictions/{{restriction_id}}/appeals"): MANAGEMENT,
    ("POST", f"{C}/restrictions/{{restriction_id}}/complaints"): FRONT_LINE,
    ("POST", f"{C}/notices/{{notice_id}}/dispatch"): FRONT_LINE,
    # letters: preview (not recorded), email, printed and posted, the sent letter
    ("GET", f"{C}/notices/{{notice_id}}/preview"): CASE_READERS,
    ("POST", f"{C}/notices/{{notice_id}}/email"): FRONT_LINE,
    ("POST", f"{C}/notices/{{notice_id}}/post"): FRONT_LINE,
    ("GET", f"{C}/notices/{{notice_id}}/document"): CASE_READERS,
    # appeals
    ("POST", f"{C}/appeals/{{appeal_id}}/decision"): SENIOR,
    ("POST", f"{C}/appeals/{{appeal_id}}/late-acceptance"): SENIOR,
    ("POST", f"{C}/appeals/{{appeal_id}}/late-rejection"): MANAGEMENT,
    # other events a case must take
    ("POST", f"{C}/counter-allegations"): FRONT_LINE,
    ("POST", f"{C}/representatives"): FRONT_LINE,
    ("POST", f"{C}/ombudsman-contacts"): MANAGEMENT,
    ("POST", f"{C}/subject-access-requests"): FRONT_LINE,
    ("POST", f"{C}/tenancy-end"): FRONT_LINE,
    ("POST", f"{C}/setting-overrides"): MANAGEMENT,
    # equality monitoring: write-only (answers are counted only in the committee report)
    ("POST", f"{C}/equality-monitoring"): FRONT_LINE,
    ("POST", f"{C}/equality-monitoring/withdrawal"): FRONT_LINE | {ADM},
    # personal data: subject access, complaints, Ombudsman, holds, erasure, disposal
    ("POST", f"{C}/subject-access-requests/{{request_id}}/extension"): MANAGEMENT | {ADM},
    ("POST", f"{C}/subject-access-requests/{{request_id}}/response"): FRONT_LINE | {ADM},
    ("POST", f"{C}/complaints/{{complaint_id}}/resolution"): FRONT_LINE,
    ("POST", f"{C}/ombudsman-contacts/{{matter_id}}/closure"): MANAGEMENT,
    ("POST", f"{C}/ombudsman-contacts/{{matter_id}}/determination"): MANAGEMENT,
    ("POST", f"{C}/remedies/{{remedy_id}}/completion"): MANAGEMENT,
    ("POST", f"{C}/legal-holds"): frozenset({ADM}),
    ("POST", f"{C}/legal-holds/{{hold_id}}/release"): frozenset({ADM}),
    ("POST", f"{C}/erasures"): frozenset({ADM}),
    ("POST", f"{C}/disposal"): frozenset({ADM}),
    # organisation settings
    ("GET", "/api/v1/settings"): SETTINGS_READERS,
    ("PUT", "/api/v1/settings/{setting}"): frozenset({ADM}),
    # read models
    ("GET", "/api/v1/customers/{customer_ref}/contact-rules"): CASE_READERS,
    ("GET", "/api/v1/queues"): CASE_READERS,
    ("GET", "/api/v1/queues/{queue}"): CASE_READERS,
    ("GET", "/api/v1/audit/checks"): COMPLIANCE_READERS,
    ("GET", "/api/v1/audit/checks/{check}"): COMPLIANCE_READERS,
    ("GET", "/api/v1/audit/access-log"): frozenset({AUD}),
    # reasons in full (special-category reads, logged): auditors, and senior managers, who
    # decide appeals and ratifications on the record of what went before
    ("GET", "/api/v1/audit/cases/{case_id}/decision-trail"): frozenset({AUD, SNR}),
    ("GET", "/api/v1/reports/committee"): REPORT_READERS,
}

_ROLE_WORDS = {CW: "caseworkers", MGR: "managers", SNR: "senior managers", AUD: "auditors",
               COM: "the committee", ADM: "administrators", Role.SYSTEM: "the system"}


def roles_in_words(roles: Iterable[Role]) -> str:
    words = [_ROLE_WORDS[r] for r in sorted(roles, key=list(Role).index)]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def forbidden(detail: str) -> HTTPException:
    return HTTPException(403, detail)


def allowed_roles(request: Request) -> frozenset[Role]:
    route = request.scope.get("route")
    path = getattr(route, "path", None)
    return ROUTE_ROLES.get((request.method, path or ""), frozenset())


async def authorise(request: Request, actor: CurrentActor) -> Actor:
    """Router-wide dependency: authenticate, then allow only the roles listed for the route
    (``async``: pure computation, so no thread-pool hand-off)."""
    roles = allowed_roles(request)
    if actor.role not in roles:
        who = roles_in_words(roles) if roles else "no one"
        raise forbidden(f"As {actor.role.value.replace('_', ' ')} you cannot do this; "
                        f"only {who} can.")
    return actor


def require(actor: Actor, roles: frozenset[Role], action: str) -> None:
    """A finer check inside a route (e.g. formal warnings need a manager)."""
    if actor.role not in roles:
        raise forbidden(f"Only {roles_in_words(roles)} can {action}.")


def sees_special_category(actor: Actor) -> bool:
    return actor.role in SPECIAL_CATEGORY_READERS


def api_routes(routes: Iterable[Any]) -> list[APIRoute]:
    """Every API route of an app, through included routers (FastAPI 0.16x keeps an included
    router as one entry of ``app.routes``, not as its routes)."""
    contexts = getattr(fastapi_routing, "iter_route_contexts", None)
    flat = [getattr(c, "original_route", c) for c in contexts(list(routes))] if contexts \
        else list(routes)
    return [route for route in flat if isinstance(route, APIRoute)]


def check_every_route_is_listed(routes: Iterable[Any]) -> None:
    missing = []
    listed = set(ROUTE_ROLES)
    for route in api_routes(routes):
        if route.path.startswith("/api/v1"):
            for method in route.methods:
                key = (method, route.path)
                if key not in ROUTE_ROLES:
                    missing.append(f"{method} {route.path}")
                listed.discard(key)
    if missing:
        raise RuntimeError("routes without an access rule (deny by default): "
                           + ", ".join(sorted(missing)))


def who_may_call(method: str, path: str) -> tuple[list[str], str]:
    """A route's roles from ``ROUTE_ROLES``, as codes (OpenAPI ``x-roles``) and as a line
    for its description: the documentation reads the table that enforces them."""
    roles = sorted(ROUTE_ROLES.get((method.upper(), path), frozenset()), key=list(Role).index)
    codes = ", ".join(f"`{r.value}`" for r in roles)
    who = f"{roles_in_words(roles)} ({codes})" if roles else "no one"
    return [r.value for r in roles], f"**Who may call it:** {who}."
