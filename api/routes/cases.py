"""Cases: open, list and read one (from the views); its timeline and its full event history."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import HTTPException, Query, Response

from api.access import CASE_READERS, sees_special_category
from api.access_log import record_read
from api.auth import CurrentActor
from api.commands import Command, recorded
from api.deps import Pool, Service, Views
from api.identity import with_customer_refs
from api.reading import Cursor, Limit, MinPosition, cursor_errors, poll, view, wait_for_position
from api.routes import CASE, guarded_router
from api.schemas import CloseCase, CustomerRef, EventOut, OpenCase, Page, Recorded
from domain.application import CaseService
from domain.errors import CaseAlreadyOpen
from domain.personal import PersonalData
from domain.vocabulary import CheckKind
from projections import queries
from projections.fold_base import CaseStatus, Stage

router = guarded_router("cases")

# Personal data fields that are special category (vulnerability, health).
SPECIAL_FIELDS = {("VulnerabilityInfoRecorded", "details"), ("CheckRecorded", "notes")}
WITHHELD_FIELDS = {("EqualityMonitoringRecorded", "answers")}


def case_id_of_customer(service: CaseService, customer_ref: str) -> UUID | None:
    """The id of the customer's case, None when they have none: the one place the API turns
    a customer reference into a case id (through the keyed index, ``domain.identity``)."""
    return service.case_id_of(customer_ref)


@router.post("/cases", status_code=201, response_model=Recorded,
             summary="Open the case of a customer (one case per customer)")
def open_case(body: OpenCase, ctx: Command, response: Response) -> Recorded:
    """Open the case of the customer with this reference (your housing system's customer or
    tenancy reference). A customer has one case: it carries every contact, incident,
    concern, warning, restriction and appeal. The response's `case_id` (also `id`, and the
    `Location` header) is the id every other call takes.

    A customer who already has a case: `409 case-already-open`, with that case's id in
    `case_id` (to roles that may read cases)."""
    try:
        case = ctx.service.open_case(body.customer_ref, ctx.actor,
                                     occurred_at=body.occurred_at, command_id=ctx.command_id)
    except CaseAlreadyOpen as exc:
        existing = case_id_of_customer(ctx.service, body.customer_ref)
        if existing is not None and ctx.actor.role in CASE_READERS:
            exc.problem_extra = {"case_id": str(existing),  # type: ignore[attr-defined]
                                 "case": f"/api/v1/cases/{existing}"}
            exc.detail = f"{exc.detail} Its id is {existing}."
        raise
    return recorded(ctx, case, response, created=case.id,
                    location=f"/api/v1/cases/{case.id}")


@router.get("/cases", response_model=Page, summary="Cases, filtered, a page at a time")
def list_cases(actor: CurrentActor, service: Service, views: Views,
               min_position: MinPosition = None,
               cursor: Cursor = None, limit: Limit = 50,
               status: Annotated[CaseStatus | None, Query(
                   description="`open` (takes new records) or `closed`")] = None,
               stage: Annotated[Stage | None, Query(
                   description="where the case is in the lifecycle (see `stage` on a case)")
               ] = None,
               restricted: Annotated[bool | None, Query(
                   description="true: only cases with a restriction in force")] = None,
               customer_ref: Annotated[CustomerRef | None, Query(
                   description="only the case of this customer reference (at most one)",
                   examples=["T-1001"])] = None) -> dict[str, Any]:
    """The cases, a page at a time, ordered by case id, each with its `status`, `stage`,
    owner, current restriction and appeal, warnings and flags (no personal data, no free
    text). Filters combine; `next_cursor` gives the next page."""
    case_view = view(views, "case_view")
    wait_for_position(service, [case_view], min_position)
    case_id = None
    if customer_ref is not None:
        case_id = case_id_of_customer(service, customer_ref)
        if case_id is None:
            return {"items": [], "next_cursor": None}
    with cursor_errors():
        page = queries.list_cases(case_view, status=status and status.value,
                                  stage=stage and stage.value, restricted=restricted,
                                  case_id=case_id, cursor=cursor, limit=limit)
    with_customer_refs(service, page["items"], actor)
    return page


@router.get(f"{CASE}", response_model=dict[str, Any],
            summary="One case: stage, restriction, review, appeal, warnings, flags")
def get_case(case_id: UUID, actor: CurrentActor, service: Service, views: Views,
             response: Response, min_position: MinPosition = None,
             min_version: Annotated[int | None, Query(
                 ge=1, le=2**31, description="wait briefly until the view has reached this "
                                             "case version")] = None) -> dict[str, Any]:
    """One case as the views show it: `status` (`open`, or `closed`: nothing more can be
    recorded), `stage` (where it is in the lifecycle: `open`, `concern_raised`, `informal_warning`,
    `formal_warning`, `restriction_proposed`, `immediate_restriction`, `restricted`, `closed`),
    owner, the current restriction and its terms, next review, open appeal, warnings, flags and
    contact counts. No personal data, no free text. The `ETag` is the case version for
    `If-Match`; `min_version` waits for a write you just made."""
    case_view = view(views, "case_view")
    wait_for_position(service, [case_view], min_position)
    row = poll(lambda: queries.case_detail(case_view, case_id),
               lambda r: not min_version or (r is not None and r["version"] >= min_version))
    if row is None:
        raise HTTPException(404, f"There is no case with id {case_id}.")
    with_customer_refs(service, [row], actor)
    response.headers["ETag"] = f'"{row["version"]}"'
    return row


@router.get(f"{CASE}/timeline", response_model=Page,
            summary="The case's events in order, coded (no free text)")
def timeline(case_id: UUID, service: Service, views: Views, min_position: MinPosition = None,
             cursor: Cursor = None, limit: Limit = 50) -> dict[str, Any]:
    """The case's events in order, coded: type, when it happened and was recorded, who
    (id and role) and the coded details (ids, kinds, outcomes, dates), never reasons or notes."""
    timeline_view = view(views, "case_timeline")
    wait_for_position(service, [timeline_view], min_position)
    with cursor_errors():
        page = queries.case_timeline(timeline_view, case_id, cursor=cursor, limit=limit)
    if not page["items"] and cursor is None and \
            not service.recorder.select_events(case_id, limit=1):
        raise HTTPException(404, f"There is no case with id {case_id}.")
    return page


_REASON_FIELDS = frozenset({"reason", "behaviour_justification"})


@router.get(f"{CASE}/events", response_model=list[EventOut],
            summary="The full event history from the event store, with personal data")
def case_events(case_id: UUID, actor: CurrentActor, service: Service, pool: Pool,
                response: Response,
                after_version: Annotated[int, Query(ge=0, le=2**31)] = 0,
                limit: Limit = 200) -> list[EventOut]:
    """The full event history from the event store, with the personal data opened
    (vulnerability details only for managers and auditors); reading decision reasons or
    vulnerability details here is recorded in the access log. Pages by `after_version`
    (`Link: rel="next"`)."""
    case = service.get_case(case_id)  # 404 when there is no such case
    special = sees_special_category(actor)
    shown_special = False
    # Decision reasons are free text staff write about the customer; they can hold
    # special-category details, so reading them is logged like the decision trail.
    shown_reasons = False
    out = []
    for event in service.events.get(case_id, gt=after_version or None, limit=limit):
        name = type(event).__name__
        data = {}
        for key, value in vars(event).items():
            if key in _ENVELOPE:
                continue
            if isinstance(value, PersonalData):
                if (name, key) in WITHHELD_FIELDS:
                    value = None  # equality answers: counted in the report, shown to no one
                elif _is_special(name, key, event) and not special:
                    value = None
                else:
                    shown_special |= _is_special(name, key, event) and value.text is not None
                    shown_reasons |= key in _REASON_FIELDS and value.text is not None
                    value = str(value)
            data[key] = _jsonable(value)
        out.append(EventOut(version=event.originator_version, type=name,
                            occurred_at=getattr(event, "occurred_at", None),
                            recorded_at=getattr(event, "recorded_at", event.timestamp),
                            actor_id=getattr(event, "actor_id", None),
                            actor_role=getattr(event, "actor_role", None), data=data))
    fields = (["vulnerability_details"] if shown_special else []) + \
        (["decision_reasons"] if shown_reasons else [])
    if fields:
        record_read(pool, actor, case_id, f"GET /api/v1/cases/{case_id}/events", fields)
    if out and out[-1].version < case.version:
        response.headers["Link"] = (f'</api/v1/cases/{case_id}/events?after_version='
                                    f'{out[-1].version}&limit={limit}>; rel="next"')
    response.headers["ETag"] = f'"{case.version}"'
    return out


@router.post(f"{CASE}/closure", response_model=Recorded,
             summary="Close the case (nothing in force, no appeal open, lift notice sent)")
def close_case(case_id: UUID, body: CloseCase, ctx: Command, response: Response) -> Recorded:
    """Close the case, with a reason. Refused while a restriction is in force or
    proposed, an appeal awaits a decision, or the customer has not been sent the notice that a
    restriction was lifted. A closed case is kept until its retention date."""
    case = ctx.run(lambda **o: ctx.service.close_case(
        case_id, ctx.actor, reason=body.reason, occurred_at=body.occurred_at, **o))
    return recorded(ctx, case, response)


_ENVELOPE = {"originator_id", "originator_version", "timestamp", "occurred_at", "recorded_at",
             "actor_id", "actor_role", "command_id", "upc_trace"}


def _is_special(event_name: str, field: str, event: Any) -> bool:
    if (event_name, field) not in SPECIAL_FIELDS:
        return False
    return event_name != "CheckRecorded" or \
        getattr(event, "kind", None) == CheckKind.VULNERABILITY_ASSESSMENT.value


def _jsonable(value: Any) -> Any:
    if isinstance(value, (set, frozenset, tuple)):
        return [_jsonable(v) for v in sorted(value, key=str)]
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value) if not hasattr(value, "isoformat") else value.isoformat()

