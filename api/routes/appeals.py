"""Appeals: decided by a senior manager who took no part; late appeals accepted or rejected."""

from __future__ import annotations

from uuid import UUID

from fastapi import Response

from api.commands import Command, recorded
from api.routes import CASE, guarded_router
from api.schemas import DecideAppeal, LateAppealDecision, Recorded

router = guarded_router("appeals")
A = f"{CASE}/appeals/{{appeal_id}}"


@router.post(f"{A}/decision", response_model=Recorded,
             summary="Decide an appeal: dismissed, varied (new terms) or upheld (lifts it)")
def decide_appeal(case_id: UUID, appeal_id: UUID, body: DecideAppeal, ctx: Command,
                  response: Response) -> Recorded:
    """Decide an appeal: `dismissed`, `varied` (with new terms) or `upheld` (lifts
    the restriction). The decider is a senior manager who took no part in the restriction (not its
    proposer, approver, ratifier or a reviewer) and is not the subject of a counter-allegation."""
    new_terms = body.new_terms.to_domain() if body.new_terms else None
    case = ctx.run(lambda **o: ctx.service.decide_appeal(
        case_id, ctx.actor, appeal_id=appeal_id, outcome=body.outcome.value,
        reason=body.reason, evidence=[str(e) for e in body.evidence], new_terms=new_terms,
        occurred_at=body.occurred_at, **o))
    return recorded(ctx, case, response)


@router.post(f"{A}/late-acceptance", response_model=Recorded,
             summary="Accept a late appeal, with reasons (senior managers)")
def accept_late_appeal(case_id: UUID, appeal_id: UUID, body: LateAppealDecision,
                       ctx: Command, response: Response) -> Recorded:
    """Accept an appeal received after the appeal window, with the reasons;
    its decision clock starts now."""
    case = ctx.run(lambda **o: ctx.service.accept_late_appeal(
        case_id, ctx.actor, appeal_id=appeal_id, reason=body.reason,
        occurred_at=body.occurred_at, **o))
    return recorded(ctx, case, response)


@router.post(f"{A}/late-rejection", response_model=Recorded,
             summary="Reject a late appeal, with reasons")
def reject_late_appeal(case_id: UUID, appeal_id: UUID, body: LateAppealDecision,
                       ctx: Command, response: Response) -> Recorded:
    """Reject an appeal received after the appeal window, with the
    reasons."""
    case = ctx.run(lambda **o: ctx.service.reject_late_appeal(
        case_id, ctx.actor, appeal_id=appeal_id, reason=body.reason,
        occurred_at=body.occurred_at, **o))
    return recorded(ctx, case, response)
