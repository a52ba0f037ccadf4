"""Other events a case must take: allegations, representatives, the Ombudsman, subject access,
the end of a tenancy, per-case clock settings."""

from __future__ import annotations

from uuid import UUID

from fastapi import Response

from api.commands import Command, recorded
from api.routes import CASE, guarded_router
from api.schemas import (
    AssignOwner,
    NominateRepresentative,
    OverrideSetting,
    RecordCounterAllegation,
    Recorded,
    RecordOmbudsmanContact,
    RecordSubjectAccessRequest,
    RecordTenancyEnded,
)

router = guarded_router("other case events")


@router.post(f"{CASE}/owner", response_model=Recorded,
             summary="Assign the case owner (not staff the customer has made an allegation "
                     "against)")
def assign_owner(case_id: UUID, body: AssignOwner, ctx: Command,
                 response: Response) -> Recorded:
    """Assign the case owner, with a reason: not a member of staff the customer
    has made an allegation against, and not by a manager who is."""
    case = ctx.run(lambda **o: ctx.service.assign_owner(
        case_id, ctx.actor, owner_id=body.owner_id, reason=body.reason,
        occurred_at=body.occurred_at, **o))
    return recorded(ctx, case, response)


@router.post(f"{CASE}/counter-allegations", status_code=201, response_model=Recorded,
             summary="Record the customer's allegation against a staff member (conflicts them)")
def record_counter_allegation(case_id: UUID, body: RecordCounterAllegation, ctx: Command,
                              response: Response) -> Recorded:
    """Record the customer's allegation against a staff member: that
    person is then conflicted (cannot decide, review or own the case)."""
    case = ctx.run(lambda **o: ctx.service.record_counter_allegation(
        case_id, ctx.actor, staff_id=body.staff_id, summary=body.summary,
        occurred_at=body.occurred_at, **o))
    return recorded(ctx, case, response)


@router.post(f"{CASE}/representatives", status_code=201, response_model=Recorded,
             summary="Record a representative or advocate the customer nominated, with consent")
def nominate_representative(case_id: UUID, body: NominateRepresentative, ctx: Command,
                            response: Response) -> Recorded:
    """Record a representative or advocate the customer nominated, with
    the date they consented; their details are personal data, sealed."""
    case = ctx.run(lambda **o: ctx.service.nominate_representative(
        case_id, ctx.actor, kind=body.kind.value, details=body.details,
        consent_on=body.consent_on, occurred_at=body.occurred_at, **o))
    return recorded(ctx, case, response)


@router.post(f"{CASE}/ombudsman-contacts", status_code=201, response_model=Recorded,
             summary="Record an Ombudsman enquiry or order, with its due date")
def record_ombudsman_contact(case_id: UUID, body: RecordOmbudsmanContact, ctx: Command,
                             response: Response) -> Recorded:
    """Record an Ombudsman enquiry or order with its reference and due
    date (which overrides the normal schedule); an open matter is a legal hold on disposal."""
    case = ctx.run(lambda **o: ctx.service.record_ombudsman_contact(
        case_id, ctx.actor, stage=body.stage.value, reference=body.reference,
        due_on=body.due_on, details=body.details, occurred_at=body.occurred_at, **o))
    return recorded(ctx, case, response)


@router.post(f"{CASE}/subject-access-requests", status_code=201, response_model=Recorded,
             summary="Record a subject access request (always open)")
def record_subject_access_request(case_id: UUID, body: RecordSubjectAccessRequest,
                                  ctx: Command, response: Response) -> Recorded:
    """Record a subject access request (always open, whatever
    restriction applies); it is due in one calendar month (`subject_access` queue)."""
    case = ctx.run(lambda **o: ctx.service.record_subject_access_request(
        case_id, ctx.actor, occurred_at=body.occurred_at, **o))
    return recorded(ctx, case, response)


@router.post(f"{CASE}/tenancy-end", status_code=201, response_model=Recorded,
             summary="Record that the tenancy ended")
def record_tenancy_ended(case_id: UUID, body: RecordTenancyEnded, ctx: Command,
                         response: Response) -> Recorded:
    """Record that the tenancy ended (the case stays, for its
    retention)."""
    case = ctx.run(lambda **o: ctx.service.record_tenancy_ended(
        case_id, ctx.actor, ended_on=body.ended_on, occurred_at=body.occurred_at, **o))
    return recorded(ctx, case, response)


@router.post(f"{CASE}/setting-overrides", status_code=201, response_model=Recorded,
             summary="Set one of this case's clocks, with a reason")
def override_setting(case_id: UUID, body: OverrideSetting, ctx: Command,
                     response: Response) -> Recorded:
    """Set one of this case's clocks or thresholds (e.g. the appeal window),
    with a reason; `GET /settings` lists the organisation defaults."""
    case = ctx.run(lambda **o: ctx.service.override_setting(
        case_id, ctx.actor, setting=body.setting.value, value=body.value, reason=body.reason,
        occurred_at=body.occurred_at, **o))
    return recorded(ctx, case, response)
