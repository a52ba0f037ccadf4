"""Restrictions: proposal, decision, immediate restriction and ratification, review,
extension, lift, the customer's appeal and complaints, and the notices every decision owes
the customer."""

from __future__ import annotations

from uuid import UUID

from fastapi import Response

from api.commands import Command, recorded
from api.routes import CASE, guarded_router
from api.schemas import (
    CompleteReview,
    DecideRestriction,
    ExtendRestriction,
    ImposeImmediateRestriction,
    LiftRestriction,
    LodgeAppeal,
    ProposeRestriction,
    Ratify,
    Recorded,
    RecordNoticeSent,
    RecordRestrictionComplaint,
)
from domain.errors import ReviewDateRequired

router = guarded_router("restrictions")
R = f"{CASE}/restrictions/{{restriction_id}}"


@router.post(f"{CASE}/restrictions", status_code=201, response_model=Recorded,
             summary="Propose a restriction, with terms, evidence and a review date")
def propose_restriction(case_id: UUID, body: ProposeRestriction, ctx: Command,
                        response: Response) -> Recorded:
    restriction_id = ctx.new_id(case_id)
    terms = body.terms.to_domain()
    case = ctx.run(lambda **o: ctx.service.propose_restriction(
        case_id, ctx.actor, terms=terms, evidence=[str(e) for e in body.evidence],
        reason=body.reason, review_date=body.review_date, ends_on=body.ends_on,
        restriction_id=restriction_id, occurred_at=body.occurred_at, **o))
    return recorded(ctx, case, response, created=restriction_id,
                    location=f"/api/v1/cases/{case_id}/restrictions/{restriction_id}")


@router.post(f"{CASE}/immediate-restrictions", status_code=201, response_model=Recorded,
             summary="Impose an immediate restriction after threats or violence")
def impose_immediate_restriction(case_id: UUID, body: ImposeImmediateRestriction,
                                 ctx: Command, response: Response) -> Recorded:
    restriction_id = ctx.new_id(case_id)
    terms = body.terms.to_domain()
    case = ctx.run(lambda **o: ctx.service.impose_immediate_restriction(
        case_id, ctx.actor, terms=terms, evidence=[str(e) for e in body.evidence],
        reason=body.reason, ends_on=body.ends_on, restriction_id=restriction_id,
        occurred_at=body.occurred_at, **o))
    return recorded(ctx, case, response, created=restriction_id,
                    location=f"/api/v1/cases/{case_id}/restrictions/{restriction_id}")


@router.post(f"{R}/decision", response_model=Recorded,
             summary="Approve or reject a proposed restriction (not its proposer)")
def decide_restriction(case_id: UUID, restriction_id: UUID, body: DecideRestriction,
                       ctx: Command, response: Response) -> Recorded:
    if body.outcome == "approved":
        case = ctx.run(lambda **o: ctx.service.approve_restriction(
            case_id, ctx.actor, restriction_id=restriction_id, reason=body.reason,
            review_date=body.review_date,
            behaviour_justification=body.behaviour_justification,
            occurred_at=body.occurred_at, **o))
    else:
        case = ctx.run(lambda **o: ctx.service.reject_restriction(
            case_id, ctx.actor, restriction_id=restriction_id, reason=body.reason,
            occurred_at=body.occurred_at, **o))
    return recorded(ctx, case, response)


@router.post(f"{R}/ratification", response_model=Recorded,
             summary="Ratify or refuse an immediate restriction (senior managers)")
def ratify(case_id: UUID, restriction_id: UUID, body: Ratify, ctx: Command,
           response: Response) -> Recorded:
    if body.outcome == "ratified":
        review_date = body.review_date
        if review_date is None:
            raise ReviewDateRequired("Set the review date to ratify the restriction.")
        case = ctx.run(lambda **o: ctx.service.ratify_immediate_restriction(
            case_id, ctx.actor, restriction_id=restriction_id, reason=body.reason,
            review_date=review_date, occurred_at=body.occurred_at, **o))
    else:
        case = ctx.run(lambda **o: ctx.service.refuse_ratification(
            case_id, ctx.actor, restriction_id=restriction_id, reason=body.reason,
            occurred_at=body.occurred_at, **o))
    return recorded(ctx, case, response)


@router.post(f"{R}/lift", response_model=Recorded, summary="Lift a restriction early")
def lift(case_id: UUID, restriction_id: UUID, body: LiftRestriction, ctx: Command,
         response: Response) -> Recorded:
    case = ctx.run(lambda **o: ctx.service.lift_restriction(
        case_id, ctx.actor, restriction_id=restriction_id, reason=body.reason,
        occurred_at=body.occurred_at, **o))
    return recorded(ctx, case, response)


@router.post(f"{R}/extension", response_model=Recorded,
             summary="Extend an active restriction: a later end date, with reasons (owes the "
                     "customer a notice, as a variation does)")
def extend(case_id: UUID, restriction_id: UUID, body: ExtendRestriction, ctx: Command,
           response: Response) -> Recorded:
    case = ctx.run(lambda **o: ctx.service.extend_restriction(
        case_id, ctx.actor, restriction_id=restriction_id, ends_on=body.ends_on,
        reason=body.reason, occurred_at=body.occurred_at, **o))
    return recorded(ctx, case, response)


@router.post(f"{R}/reviews", status_code=201, response_model=Recorded,
             summary="Complete a review: continue, vary (new review date) or lift")
def complete_review(case_id: UUID, restriction_id: UUID, body: CompleteReview, ctx: Command,
                    response: Response) -> Recorded:
    new_terms = body.new_terms.to_domain() if body.new_terms else None
    case = ctx.run(lambda **o: ctx.service.complete_review(
        case_id, ctx.actor, restriction_id=restriction_id, outcome=body.outcome.value,
        reason=body.reason, evidence=[str(e) for e in body.evidence],
        next_review_date=body.next_review_date, new_terms=new_terms,
        behaviour_justification=body.behaviour_justification,
        occurred_at=body.occurred_at, **o))
    return recorded(ctx, case, response)


@router.post(f"{R}/appeals", status_code=201, response_model=Recorded,
             summary="Record the customer's appeal (starts its workflow); received at "
                     "`occurred_at`")
def lodge_appeal(case_id: UUID, restriction_id: UUID, body: LodgeAppeal, ctx: Command,
                 response: Response) -> Recorded:
    appeal_id = ctx.new_id(case_id)
    case = ctx.run(lambda **o: ctx.service.lodge_appeal(
        case_id, ctx.actor, restriction_id=restriction_id, grounds=body.grounds,
        appeal_id=appeal_id, occurred_at=body.occurred_at, **o))
    return recorded(ctx, case, response, created=appeal_id,
                    location=f"/api/v1/cases/{case_id}/appeals/{appeal_id}")


@router.post(f"{R}/complaints", status_code=201, response_model=Recorded,
             summary="Record the customer's complaint about a restriction")
def record_restriction_complaint(case_id: UUID, restriction_id: UUID,
                                 body: RecordRestrictionComplaint, ctx: Command,
                                 response: Response) -> Recorded:
    case = ctx.run(lambda **o: ctx.service.record_restriction_complaint(
        case_id, ctx.actor, restriction_id=restriction_id, summary=body.summary,
        occurred_at=body.occurred_at, **o))
    return recorded(ctx, case, response)


@router.post(f"{CASE}/notices/{{notice_id}}/dispatch", response_model=Recorded,
             summary="Record that a notice was sent, in the format the customer needs")
def record_notice_sent(case_id: UUID, notice_id: UUID, body: RecordNoticeSent, ctx: Command,
                       response: Response) -> Recorded:
    case = ctx.run(lambda **o: ctx.service.record_notice_sent(
        case_id, ctx.actor, notice_id=notice_id, notice_format=body.notice_format.value,
        occurred_at=body.occurred_at, **o))
    return recorded(ctx, case, response)
