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
    """Propose a restriction: structured terms, the evidence (incident or
    contact ids), the reason and a review date within the maximum. A manager other than the
    proposer decides it (`.../decision`). The always-open exceptions are added, always."""
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
    """Impose a restriction at once after threats or violence (the
    evidence must include such an incident). A senior manager must ratify it within the
    ratification window (`.../ratification`); the customer can appeal it like any other."""
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
    """Approve or reject a proposed restriction. The decider is a manager who
    did not propose it; every pre-decision check must be recorded and current; an
    organisation-wide scope needs a senior manager. Approval owes the customer a notice: send it
    (`.../notices/{notice_id}/dispatch`) to put the restriction in front of the customer."""
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
    """Ratify (with a review date) or refuse an immediate restriction; a senior manager
    who did not impose it. Refusal ends it and owes the customer a lift notice."""
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
    """Lift a restriction early, with a reason; it owes the customer a lift notice, and the
    case cannot close until that notice is sent."""
    case = ctx.run(lambda **o: ctx.service.lift_restriction(
        case_id, ctx.actor, restriction_id=restriction_id, reason=body.reason,
        occurred_at=body.occurred_at, **o))
    return recorded(ctx, case, response)


@router.post(f"{R}/extension", response_model=Recorded,
             summary="Extend an active restriction: a later end date, with reasons (owes the "
                     "customer a notice, as a variation does)")
def extend(case_id: UUID, restriction_id: UUID, body: ExtendRestriction, ctx: Command,
           response: Response) -> Recorded:
    """Extend an active restriction to a later end date, with reasons; it owes the
    customer a notice, as a variation does."""
    case = ctx.run(lambda **o: ctx.service.extend_restriction(
        case_id, ctx.actor, restriction_id=restriction_id, ends_on=body.ends_on,
        reason=body.reason, occurred_at=body.occurred_at, **o))
    return recorded(ctx, case, response)


@router.post(f"{R}/reviews", status_code=201, response_model=Recorded,
             summary="Complete a review: continue, vary (new review date) or lift")
def complete_review(case_id: UUID, restriction_id: UUID, body: CompleteReview, ctx: Command,
                    response: Response) -> Recorded:
    """Complete the review of an active restriction: `continue` or `vary` (new
    terms) with reasons and a new review date, or `lift`. Each outcome owes the customer a
    notice."""
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
    """Record the customer's appeal against a restriction, received at
    `occurred_at`. Within the appeal window it is lodged at once; after it, it waits for a senior
    manager to accept or reject it as late. The restriction stays in force meanwhile."""
    appeal_id = ctx.new_id(case_id)
    case = ctx.run(lambda **o: ctx.service.lodge_appeal(
        case_id, ctx.actor, restriction_id=restriction_id, grounds=body.grounds,
        appeal_id=appeal_id, notice_id=body.notice_id, occurred_at=body.occurred_at, **o))
    return recorded(ctx, case, response, created=appeal_id,
                    location=f"/api/v1/cases/{case_id}/appeals/{appeal_id}")


@router.post(f"{R}/complaints", status_code=201, response_model=Recorded,
             summary="Record the customer's complaint about a restriction")
def record_restriction_complaint(case_id: UUID, restriction_id: UUID,
                                 body: RecordRestrictionComplaint, ctx: Command,
                                 response: Response) -> Recorded:
    """Record the customer's complaint about a restriction; an open
    complaint is a legal hold on disposal."""
    case = ctx.run(lambda **o: ctx.service.record_restriction_complaint(
        case_id, ctx.actor, restriction_id=restriction_id, summary=body.summary,
        occurred_at=body.occurred_at, **o))
    return recorded(ctx, case, response)


@router.post(f"{CASE}/notices/{{notice_id}}/dispatch", response_model=Recorded,
             summary="Record that a notice was sent, in the format the customer needs")
def record_notice_sent(case_id: UUID, notice_id: UUID, body: RecordNoticeSent, ctx: Command,
                       response: Response) -> Recorded:
    """Record that a notice owed to the customer (warning, restriction,
    variation, review outcome, appeal outcome, lift) was sent, in the format their adjustments
    need. Its id is in the decision's response (`events[].ids.notice_id`) and the
    `notices_unsent` queue."""
    case = ctx.run(lambda **o: ctx.service.record_notice_sent(
        case_id, ctx.actor, notice_id=notice_id, notice_format=body.notice_format.value,
        occurred_at=body.occurred_at, **o))
    return recorded(ctx, case, response)
