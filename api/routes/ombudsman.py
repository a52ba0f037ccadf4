"""Ombudsman determinations: the remedies ordered (apology, compensation, review, policy
change), each due by a date, with its own clock that escalates once when overdue; and each
remedy recorded as done. Managers record them, senior managers too."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from fastapi import Response
from pydantic import Field

from api.commands import Command, recorded
from api.routes import CASE, guarded_router
from api.schemas import Body, OptionalText, Recorded, example
from api.schemas import Command as CommandBody
from domain.vocabulary import RemedyKind

router = guarded_router("ombudsman")


class OrderedRemedy(Body):
    kind: RemedyKind
    due_on: date = Field(description="the date the Ombudsman set for it (not before the "
                                     "determination)")


class RecordDetermination(CommandBody):
    remedies: list[OrderedRemedy] = Field(default_factory=list, max_length=20,
                                          description="each remedy ordered; none is fine")
    details: OptionalText = ""
    model_config = example(remedies=[{"kind": "apology", "due_on": "2026-12-16"},
                                     {"kind": "compensation", "due_on": "2026-12-30"}],
                           details="Maladministration: the restriction was not reviewed.")


class CompleteRemedy(CommandBody):
    note: OptionalText = ""
    model_config = example(note="Letter of apology sent by the head of housing.")


class RecordedDetermination(Recorded):
    remedy_ids: list[UUID] = Field(default_factory=list,
                                   description="the ids of the remedies ordered, in order")


@router.post(f"{CASE}/ombudsman-contacts/{{matter_id}}/determination", status_code=201,
             response_model=RecordedDetermination,
             summary="Record the Ombudsman's determination and the remedies it ordered")
def record_ombudsman_determination(case_id: UUID, matter_id: UUID, body: RecordDetermination,
                                   ctx: Command, response: Response) -> RecordedDetermination:
    """Record the Ombudsman's determination on an open matter, once: each remedy ordered
    with its due date. Each remedy gets a clock (``remedy-<id>``) that escalates once when
    its date passes; the matter's own due-date clock ends, and the matter cannot be closed
    while a remedy is not done."""
    case = ctx.run(lambda **o: ctx.service.record_ombudsman_determination(
        case_id, ctx.actor, matter_id=matter_id,
        remedies=[(r.kind.value, r.due_on) for r in body.remedies], details=body.details,
        occurred_at=body.occurred_at, **o))
    out = recorded(ctx, case, response, created=matter_id)
    remedy_ids = [rid for rid, r in case.remedies.items() if r.matter_id == matter_id]
    return RecordedDetermination(**out.model_dump(), remedy_ids=remedy_ids)


@router.post(f"{CASE}/remedies/{{remedy_id}}/completion", response_model=Recorded,
             summary="Record that an Ombudsman remedy was done")
def complete_remedy(case_id: UUID, remedy_id: UUID, body: CompleteRemedy, ctx: Command,
                    response: Response) -> Recorded:
    """Record that a remedy the Ombudsman ordered was done (on time or late), once."""
    case = ctx.run(lambda **o: ctx.service.complete_remedy(
        case_id, ctx.actor, remedy_id=remedy_id, note=body.note,
        occurred_at=body.occurred_at, **o))
    return recorded(ctx, case, response)
