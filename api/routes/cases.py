"""Cases: open one, record contacts, read the case view and its event history."""

from __future__ import annotations

import time
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, HTTPException, Query, Response

from api.auth import CurrentActor
from api.deps import Service, Views
from api.schemas import CaseViewOut, ContactWritten, EventOut, OpenCase, RecordContact, Written

router = APIRouter(prefix="/api/v1/cases", tags=["cases"])

# Read-your-writes: a read may wait this long for the projection to reach a version.
MAX_WAIT_SECONDS = 3.0


@router.post("", status_code=201, response_model=Written)
def open_case(body: OpenCase, actor: CurrentActor, service: Service,
              response: Response) -> Written:
    case = service.open_case(body.customer_ref, actor)
    response.headers["Location"] = f"/api/v1/cases/{case.id}"
    response.headers["ETag"] = f'"{case.version}"'
    return Written(case_id=case.id, version=case.version)


@router.post("/{case_id}/contacts", status_code=201, response_model=ContactWritten)
def record_contact(case_id: UUID, body: RecordContact, actor: CurrentActor,
                   service: Service, response: Response) -> ContactWritten:
    case = service.record_contact(case_id, actor, channel=body.channel.value,
                                  direction=body.direction.value,
                                  occurred_at=body.occurred_at, summary=body.summary)
    response.headers["ETag"] = f'"{case.version}"'
    return ContactWritten(case_id=case.id, version=case.version)


@router.get("/{case_id}", response_model=CaseViewOut)
def get_case(case_id: UUID, actor: CurrentActor, views: Views, response: Response,
             min_version: Annotated[int | None, Query(
                 ge=1, description="wait briefly until the view has reached this version")] = None,
             ) -> CaseViewOut:
    view = views["case_view"]
    row = view.get(case_id)
    deadline = time.monotonic() + MAX_WAIT_SECONDS
    while min_version and (row is None or row["version"] < min_version) \
            and time.monotonic() < deadline:
        time.sleep(0.02)
        row = view.get(case_id)
    if row is None:
        raise HTTPException(404, f"no case with id {case_id}")
    response.headers["ETag"] = f'"{row["version"]}"'
    return CaseViewOut(**row)


@router.get("/{case_id}/events", response_model=list[EventOut])
def case_events(case_id: UUID, actor: CurrentActor, service: Service) -> list[EventOut]:
    service.get_case(case_id)  # 404 when there is no such case
    return [
        EventOut(
            version=event.originator_version,
            type=type(event).__qualname__.split(".")[-1],
            occurred_at=getattr(event, "occurred_at", None),
            recorded_at=event.timestamp,
            actor_id=getattr(event, "actor_id", None),
            actor_role=getattr(event, "actor_role", None),
        )
        for event in service.events.get(case_id)
    ]
