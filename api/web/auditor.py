"""Auditors' pages: the compliance checks with counts, each drilling down to the cases and
the event that shows the problem; a case's event history and decision trail; the access log.

Reading reasons or vulnerability details is logged exactly as through the API: these pages
call the API's route functions, which write the special-category read log first."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from starlette.responses import Response

from api.access import C
from api.deps import Pool, Service, Views
from api.identity import with_customer_refs
from api.routes import cases, reads
from api.routes import settings as settings_routes
from api.web.pages import Form, PageRoute, case_or_404, event_words, render
from api.web.session import Allow
from domain.actors import Actor
from projections import audit

router = APIRouter(route_class=PageRoute, include_in_schema=False)
CHECKS = ("GET", "/api/v1/audit/checks")
CHECK = ("GET", "/api/v1/audit/checks/{check}")
TRAIL = ("GET", "/api/v1/audit/cases/{case_id}/decision-trail")
LOG = ("GET", "/api/v1/audit/access-log")


def check_title(name: str) -> str:
    return name.replace("_", " ").capitalize()


@router.get("/audit")
def checks_page(request: Request, service: Service, views: Views,
                actor: Annotated[Actor, Depends(Allow(CHECKS))]) -> Response:
    found = reads.audit_checks(service, views)["checks"]
    for check in found:
        check["total"] = check["count"] if check["count"] is not None else \
            audit.count_check(views["case_view"], check["check"])
    return render(request, "audit_checks.html", actor=actor, title="Audit checks",
                  checks=found, check_title=check_title)


@router.get("/audit/checks/{check}")
def check_page(request: Request, check: Annotated[str, Path(max_length=80)],
               service: Service, views: Views,
               actor: Annotated[Actor, Depends(Allow(CHECK, ("GET", C)))],
               cursor: Annotated[str | None, Query(max_length=500)] = None) -> Response:
    if check not in audit.CHECKS_BY_NAME:
        raise HTTPException(404, f"There is no audit check '{check}'.")
    page = reads.audit_check(reads.Check(check), service, views, cursor=cursor, limit=50)
    with_customer_refs(service, page["items"])
    for row in page["items"]:
        row["customer_ref"] = row["customer_ref"] or str(row["case_id"])
    columns = [c for c in (page["items"][0] if page["items"] else {})
               if c not in ("case_id", "customer_ref", "event_version")]
    return render(request, "audit_check.html", actor=actor, title=check_title(check),
                  check=check, page=page, columns=columns)


@router.get("/cases/{case_id}/events")
def events_page(request: Request, case_id: UUID, service: Service, views: Views, pool: Pool,
                actor: Annotated[Actor, Depends(Allow(("GET", f"{C}/events"), ("GET", C)))]
                ) -> Response:
    case = case_or_404(views, case_id, service)
    events = cases.case_events(case_id, actor, service, pool, Response(), limit=500)
    return render(request, "events.html", actor=actor, title=f"Event history of "
                  f"{case['customer_ref']}", case=case, events=events, event_words=event_words)


@router.get("/audit/cases/{case_id}/decision-trail")
def trail_page(request: Request, case_id: UUID, service: Service, views: Views, pool: Pool,
               actor: Annotated[Actor, Depends(Allow(TRAIL, ("GET", C)))]) -> Response:
    case = case_or_404(views, case_id, service)
    trail = reads.case_decision_trail(case_id, actor, service, pool)
    return render(request, "trail.html", actor=actor, title=f"Decision trail of "
                  f"{case['customer_ref']}", case=case, trail=trail.items,
                  event_words=event_words)


@router.get("/audit/access-log")
def access_log_page(request: Request, pool: Pool,
                    actor: Annotated[Actor, Depends(Allow(LOG))],
                    case_id: Annotated[str | None, Query(max_length=40)] = None,
                    user_id: Annotated[str | None, Query(max_length=200)] = None,
                    cursor: Annotated[str | None, Query(max_length=500)] = None) -> Response:
    try:
        case = UUID(case_id) if case_id else None
    except ValueError:
        raise HTTPException(404, "That is not a case id.") from None
    page = reads.access_log(pool, case_id=case, user_id=user_id or None, since=None,
                            cursor=cursor, limit=100)
    return render(request, "access_log.html", actor=actor, title="Access log", page=page,
                  case_id=case_id or "", user_id=user_id or "",
                  form_values=Form({"case_id": case_id or "", "user_id": user_id or ""}))


@router.get("/settings")
def settings_page(request: Request, service: Service,
                  actor: Annotated[Actor, Depends(Allow(("GET", "/api/v1/settings")))]
                  ) -> Response:
    values = settings_routes.read_settings(service).values
    return render(request, "settings.html", actor=actor, title="Policy settings",
                  values=values)
