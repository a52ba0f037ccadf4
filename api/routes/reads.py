"""Read models: contact rules, work queues, compliance audits, the committee report and the
special-category access log."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any
from uuid import UUID

from fastapi import Query

from api.access_log import read_log
from api.deps import Pool, Service, Views
from api.reading import Cursor, Limit, MinPosition, cursor_errors, view, wait_for_position
from api.routes import guarded_router
from api.schemas import AccessLogPage, CustomerRef, Page
from projections import queries

router = guarded_router("views, queues, audits and reports")


@router.get("/customers/{customer_ref}/contact-rules", response_model=dict[str, Any],
            summary="What the front line may offer this customer now (no reasons, no details)")
def contact_rules(customer_ref: CustomerRef, service: Service, views: Views,
                  min_position: MinPosition = None) -> dict[str, Any]:
    rules_view = view(views, "contact_rules")
    wait_for_position(service, [rules_view], min_position)
    return queries.contact_rules(rules_view, customer_ref)


Queue = StrEnum("Queue", {name: name for name in queries.WORK_QUEUES})  # type: ignore[misc]


@router.get("/queues", response_model=list[str], summary="The work queues there are")
def list_queues() -> list[str]:
    return list(queries.WORK_QUEUES)


@router.get("/queues/{queue}", response_model=Page,
            summary="A work queue, oldest or soonest due first")
def work_queue(queue: Queue, service: Service, views: Views, min_position: MinPosition = None,
               as_of: date | None = None, cursor: Cursor = None,
               limit: Limit = 50) -> dict[str, Any]:
    case_view = view(views, "case_view")
    wait_for_position(service, [case_view], min_position)
    with cursor_errors():
        result: dict[str, Any] = queries.WORK_QUEUES[queue.value](
            case_view, as_of=as_of, cursor=cursor, limit=limit)
    return result


@router.get("/audit/access-log", response_model=AccessLogPage,
            summary="Who read special-category data, when, on which case, through what")
def access_log(pool: Pool, case_id: UUID | None = None,
               user_id: Annotated[str | None, Query(max_length=200)] = None,
               since: datetime | None = None, cursor: Cursor = None,
               limit: Limit = 100) -> dict[str, Any]:
    return read_log(pool, case_id=case_id, user_id=user_id, since=since, cursor=cursor,
                    limit=limit)
