"""Equality monitoring: the customer's optional, separately consented answers.

Write-only for staff: the answers are special-category data, sealed with the customer's key,
never shown in the case, its timeline or its events; they are counted only in the
committee report's equality breakdown (cells under 5 suppressed)."""

from __future__ import annotations

from enum import StrEnum
from uuid import UUID

from fastapi import Response
from pydantic import Field

from api.commands import Command, recorded
from api.routes import CASE, guarded_router
from api.schemas import Command as CommandBody
from api.schemas import Recorded, example
from api.schemas_privacy import EmptyCommand
from domain.equality import PREFER_NOT_TO_SAY, QUESTIONS

router = guarded_router("equality monitoring")


def _answers(question: str) -> type[StrEnum]:
    """The answers to one question, as an enum (the 422 and OpenAPI list them)."""
    name = "".join(w.capitalize() for w in question.split("_"))
    codes = (*QUESTIONS[question], PREFER_NOT_TO_SAY)
    return StrEnum(name, {c: c for c in codes})  # type: ignore[return-value]


AgeBand, Disability, Ethnicity = _answers("age_band"), _answers("disability"), \
    _answers("ethnicity")
Sex, Religion, SexualOrientation = _answers("sex"), _answers("religion"), \
    _answers("sexual_orientation")


class RecordEqualityMonitoring(CommandBody):
    consent: bool = Field(description="the customer consented to equality monitoring, asked "
                                      "separately from their case; must be true")
    age_band: AgeBand | None = None  # type: ignore[valid-type]
    disability: Disability | None = None  # type: ignore[valid-type]
    ethnicity: Ethnicity | None = None  # type: ignore[valid-type]
    sex: Sex | None = None  # type: ignore[valid-type]
    religion: Religion | None = None  # type: ignore[valid-type]
    sexual_orientation: SexualOrientation | None = None  # type: ignore[valid-type]
    model_config = example(consent=True, age_band="35_44", disability="yes",
                           ethnicity=PREFER_NOT_TO_SAY)


@router.post(f"{CASE}/equality-monitoring", status_code=201, response_model=Recorded,
             summary="Record the customer's equality monitoring answers (with their consent)")
def record_equality_monitoring(case_id: UUID, body: RecordEqualityMonitoring, ctx: Command,
                               response: Response) -> Recorded:
    """Each question is optional and allows `prefer_not_to_say`; `consent` must be true.
    Recorded again, the new answers replace the old. The answers are sealed with the
    customer's key and shown to no one; only the committee report counts them."""
    answers = {q: getattr(body, q).value for q in QUESTIONS if getattr(body, q) is not None}
    case = ctx.run(lambda **o: ctx.service.record_equality_monitoring(
        case_id, ctx.actor, answers=answers, consent=body.consent,
        occurred_at=body.occurred_at, **o))
    return recorded(ctx, case, response)


@router.post(f"{CASE}/equality-monitoring/withdrawal", response_model=Recorded,
             summary="Record that the customer withdrew consent to equality monitoring")
def withdraw_equality_consent(case_id: UUID, body: EmptyCommand, ctx: Command,
                              response: Response) -> Recorded:
    """From now on the answers are not counted anywhere (they go for good with erasure)."""
    case = ctx.run(lambda **o: ctx.service.withdraw_equality_consent(
        case_id, ctx.actor, occurred_at=body.occurred_at, **o))
    return recorded(ctx, case, response)
