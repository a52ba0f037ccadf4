"""Personal data over time: subject access, complaints and Ombudsman matters closing, legal
holds, erasure (crypto-shredding) and disposal at the end of retention."""

from __future__ import annotations

from uuid import UUID

from fastapi import Response

from api.commands import Command, recorded
from api.routes import CASE, guarded_router
from api.schemas import Recorded
from api.schemas_privacy import EmptyCommand, ErasePerson, ExtendSubjectAccess, LegalHoldReason

router = guarded_router("personal data")
SAR = f"{CASE}/subject-access-requests/{{request_id}}"


@router.post(f"{SAR}/extension", response_model=Recorded,
             summary="Extend a complex subject access request (by up to two months)")
def extend_subject_access(case_id: UUID, request_id: UUID, body: ExtendSubjectAccess,
                          ctx: Command, response: Response) -> Recorded:
    """Extend a complex subject access request by up to two months, with
    a reason (once)."""
    case = ctx.run(lambda **o: ctx.service.extend_subject_access(
        case_id, ctx.actor, request_id=request_id, reason=body.reason,
        occurred_at=body.occurred_at, **o))
    return recorded(ctx, case, response)


@router.post(f"{SAR}/response", response_model=Recorded,
             summary="Record that a subject access request was answered")
def fulfil_subject_access(case_id: UUID, request_id: UUID, body: EmptyCommand, ctx: Command,
                          response: Response) -> Recorded:
    """Record that a subject access request was answered."""
    case = ctx.run(lambda **o: ctx.service.fulfil_subject_access(
        case_id, ctx.actor, request_id=request_id, occurred_at=body.occurred_at, **o))
    return recorded(ctx, case, response)


@router.post(f"{CASE}/complaints/{{complaint_id}}/resolution", response_model=Recorded,
             summary="Record that a complaint about a restriction was resolved")
def resolve_complaint(case_id: UUID, complaint_id: UUID, body: EmptyCommand, ctx: Command,
                      response: Response) -> Recorded:
    """Record that a complaint about a restriction was resolved (it stops
    being a legal hold)."""
    case = ctx.run(lambda **o: ctx.service.resolve_restriction_complaint(
        case_id, ctx.actor, complaint_id=complaint_id, occurred_at=body.occurred_at, **o))
    return recorded(ctx, case, response)


@router.post(f"{CASE}/ombudsman-contacts/{{matter_id}}/closure", response_model=Recorded,
             summary="Record that an Ombudsman matter is closed")
def close_ombudsman_matter(case_id: UUID, matter_id: UUID, body: EmptyCommand, ctx: Command,
                           response: Response) -> Recorded:
    """Record that an Ombudsman matter is closed (it stops being a legal
    hold)."""
    case = ctx.run(lambda **o: ctx.service.close_ombudsman_matter(
        case_id, ctx.actor, matter_id=matter_id, occurred_at=body.occurred_at, **o))
    return recorded(ctx, case, response)


@router.post(f"{CASE}/legal-holds", status_code=201, response_model=Recorded,
             summary="Place a litigation hold (keeps the case past retention)")
def place_legal_hold(case_id: UUID, body: LegalHoldReason, ctx: Command,
                     response: Response) -> Recorded:
    """Place a litigation hold, with a reason: the case is kept past its
    retention date until the hold is released."""
    case = ctx.run(lambda **o: ctx.service.place_legal_hold(
        case_id, ctx.actor, reason=body.reason, occurred_at=body.occurred_at, **o))
    return recorded(ctx, case, response)


@router.post(f"{CASE}/legal-holds/{{hold_id}}/release", response_model=Recorded,
             summary="Release a litigation hold")
def release_legal_hold(case_id: UUID, hold_id: UUID, body: LegalHoldReason, ctx: Command,
                       response: Response) -> Recorded:
    """Release a litigation hold, with a reason."""
    case = ctx.run(lambda **o: ctx.service.release_legal_hold(
        case_id, ctx.actor, hold_id=hold_id, reason=body.reason,
        occurred_at=body.occurred_at, **o))
    return recorded(ctx, case, response)


@router.post(f"{CASE}/erasures", status_code=201, response_model=Recorded,
             summary="Erase a person's personal data: their key is destroyed")
def erase_person(case_id: UUID, body: ErasePerson, ctx: Command,
                 response: Response) -> Recorded:
    """Erase a person's personal data (the customer, or a representative): their
    key is destroyed, so every view, export and report shows `[erased]` for their details while
    the rest of the history stays. Refused while a legal hold applies."""
    case = ctx.run(lambda **o: ctx.service.erase_person(
        case_id, ctx.actor, person=body.person.value, representative_id=body.representative_id,
        ground=body.ground.value, occurred_at=body.occurred_at, **o))
    return recorded(ctx, case, response)


@router.post(f"{CASE}/disposal", response_model=Recorded,
             summary="Dispose of a closed case past its retention date (no legal hold)")
def dispose_case(case_id: UUID, body: EmptyCommand, ctx: Command,
                 response: Response) -> Recorded:
    """Dispose of a closed case past its retention date: every person's key on it
    is destroyed. Refused while a legal hold applies."""
    case = ctx.run(lambda **o: ctx.service.dispose_case(
        case_id, ctx.actor, occurred_at=body.occurred_at, **o))
    return recorded(ctx, case, response)
