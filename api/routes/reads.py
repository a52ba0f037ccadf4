"""Read models: contact rules, work queues, compliance audits, the committee report and the
special-category access log."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any
from uuid import UUID

from fastapi import HTTPException, Query, Request
from fastapi.responses import PlainTextResponse

from api.access_log import read_log, record_read
from api.auth import CurrentActor
from api.deps import Pool, Service, Views
from api.identity import with_customer_refs
from api.reading import Cursor, Limit, MinPosition, cursor_errors, view, wait_for_position
from api.routes import guarded_router
from api.schemas import AccessLogPage, CustomerRef, DecisionOut, DecisionTrail, Page
from domain.trail import decision_trail, shows_personal_text
from projections import audit, queries, report
from projections.timeline import timeline_detail

router = guarded_router("views, queues, audits and reports")


@router.get("/customers/{customer_ref}/contact-rules", response_model=dict[str, Any],
            summary="What the front line may offer this customer now (no reasons, no details)")
def contact_rules(customer_ref: CustomerRef, service: Service, views: Views,
                  min_position: MinPosition = None) -> dict[str, Any]:
    """What the front line may offer this customer now: whether they are
    restricted, the permitted channels, days and hours, single point of contact, other
    structured terms and the always-open exceptions. No reasons, no details."""
    rules_view = view(views, "contact_rules")
    wait_for_position(service, [rules_view], min_position)
    return queries.contact_rules(rules_view, service.case_id_of(customer_ref), customer_ref)


Queue = StrEnum("Queue", {name: name for name in queries.WORK_QUEUES})  # type: ignore[misc]
Check = StrEnum("Check", {name: name for name in audit.CHECKS_BY_NAME})  # type: ignore[misc]


@router.get("/queues", response_model=list[str], summary="The work queues there are")
def list_queues() -> list[str]:
    """The names of the work queues (`GET /queues/{queue}` reads one)."""
    return list(queries.WORK_QUEUES)


@router.get("/queues/{queue}", response_model=Page,
            summary="A work queue, oldest or soonest due first")
def work_queue(queue: Queue, actor: CurrentActor, service: Service, views: Views,
               min_position: MinPosition = None, as_of: date | None = None,
               cursor: Cursor = None, limit: Limit = 50) -> dict[str, Any]:
    """One work queue (`GET /queues` lists them), a page at a time. Every row names its case
    (`case_id`, the `customer_ref` to roles that may see it, and the case `owner`) and what
    is waiting: the review, appeal, ratification, contact, notice, subject access request or
    Ombudsman matter, with its due date and whether it is overdue on `as_of` (default today,
    UK time)."""
    case_view = view(views, "case_view")
    wait_for_position(service, [case_view], min_position)
    with cursor_errors():
        result: dict[str, Any] = queries.WORK_QUEUES[queue.value](
            case_view, as_of=as_of, cursor=cursor, limit=limit)
    with_customer_refs(service, result["items"], actor)
    return result


@router.get("/audit/access-log", response_model=AccessLogPage,
            summary="Who read special-category data, when, on which case, through what")
def access_log(pool: Pool, case_id: UUID | None = None,
               user_id: Annotated[str | None, Query(max_length=200)] = None,
               since: datetime | None = None, cursor: Cursor = None,
               limit: Limit = 100) -> dict[str, Any]:
    """Who read special-category data (vulnerability details, decision reasons,
    exports), when, on which case and through which endpoint; newest last."""
    return read_log(pool, case_id=case_id, user_id=user_id, since=since, cursor=cursor,
                    limit=limit)


@router.get("/audit/cases/{case_id}/decision-trail", response_model=DecisionTrail,
            summary="Every decision on a case: who, role, when, what, why, on what evidence")
def case_decision_trail(case_id: UUID, actor: CurrentActor, service: Service,
                        pool: Pool) -> DecisionTrail:
    """Read from the event store (the views keep no reasons), with the reasons opened.
    Reasons are written by staff and can hold special-category data (health, disability),
    so a trail that shows any is logged as a special-category read before it is sent."""
    service.get_case(case_id)  # 404 when there is no such case
    trail = decision_trail(service.events.get(case_id), timeline_detail)
    if shows_personal_text(trail):
        record_read(pool, actor, case_id,
                    f"GET /api/v1/audit/cases/{case_id}/decision-trail", ["decision_reasons"])
    return DecisionTrail(case_id=case_id, items=[DecisionOut(**entry) for entry in trail])


@router.get("/audit/checks", response_model=dict[str, Any],
            summary="Every compliance check, its findings so far and whether it must be empty")
def audit_checks(service: Service, views: Views, min_position: MinPosition = None,
                 as_of: date | None = None) -> dict[str, Any]:
    """Every compliance check with its first findings; a check that must be empty
    lists what breaks it."""
    case_view = view(views, "case_view")
    wait_for_position(service, [case_view], min_position)
    return {"checks": audit.run_all(case_view, as_of=as_of, limit=20)}


@router.get("/audit/checks/{check}", response_model=Page,
            summary="What one compliance check finds, a page at a time")
def audit_check(check: Check, service: Service, views: Views,
                min_position: MinPosition = None, as_of: date | None = None,
                cursor: Cursor = None, limit: Limit = 50) -> dict[str, Any]:
    """What one compliance check (`GET /audit/checks` lists them) finds, a page at a time:
    each finding names the case and the fact that breaks the rule. A check marked `must be
    empty` finds nothing in a service that follows the policy."""
    case_view = view(views, "case_view")
    wait_for_position(service, [case_view], min_position)
    with cursor_errors():
        return audit.run_check(case_view, check.value, as_of=as_of, cursor=cursor,
                               limit=limit)


@router.get("/reports/committee", response_model=dict[str, Any],
            responses={200: {"content": {"text/csv": {}}}},
            summary="The anonymised quarterly report (JSON, or CSV by Accept: text/csv)")
def committee_report(request: Request, service: Service, views: Views,
                     quarter: Annotated[str, Query(
                         pattern=r"^[0-9]{4}-?Q[1-4]$", examples=["2026Q3"],
                         description="the year and quarter, `2026Q3` or `2026-Q3`")],
                     min_position: MinPosition = None) -> Any:
    """The anonymised quarterly report for the Customer Assurance Committee:
    counts of warnings, restrictions, appeals and reviews by outcome, overdue items, Ombudsman
    referrals. Any count from 1 to 4 is suppressed (shown as null, `suppressed: true`) so no
    customer can be recognised: on small data most cells are suppressed. JSON, or CSV with
    `Accept: text/csv`."""
    quarter = f"{quarter[:4]}-{quarter[-2:]}"
    case_view, timeline_view = view(views, "case_view"), view(views, "case_timeline")
    wait_for_position(service, [case_view, timeline_view], min_position)
    try:
        result = report.committee_report(case_view, timeline_view, quarter,
                                         equality_answers=service.equality_answers())
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    if _wants_csv(request.headers.get("accept", "")):
        return PlainTextResponse(report.report_csv(result), media_type="text/csv",
                                 headers={"Content-Disposition":
                                          f'attachment; filename="committee-{quarter}.csv"'})
    return result


def _wants_csv(accept: str) -> bool:
    types = [part.split(";")[0].strip().lower() for part in accept.split(",")]
    return "text/csv" in types and types.index("text/csv") < (
        types.index("application/json") if "application/json" in types else len(types))
