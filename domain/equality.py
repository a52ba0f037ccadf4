"""Equality monitoring: the protected-characteristic questions a customer may answer.

Answering is optional and separately consented: the customer agrees to answer for equality
monitoring only (not for the case), may skip any question or answer "prefer not to say",
and may withdraw that consent at any time. The answers are special-category data (UK GDPR
Art. 9): sealed with the customer's key in ``EqualityMonitoringRecorded``, shown to no one
who works the case, and read only to count the committee report's equality breakdown
(``projections.report``), where cells under the threshold are suppressed.

Codes follow the 2021 census's high-level groups, so a landlord can load its tenant base in
the same categories (``load_tenant_base``). Pure: no I/O.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from domain.errors import EqualityAnswersRequired, EqualityAnswerUnknown

PREFER_NOT_TO_SAY = "prefer_not_to_say"
NOT_RECORDED = "not_recorded"  # in the report: no answer, consent withdrawn, or erased

QUESTIONS: dict[str, tuple[str, ...]] = {
    "age_band": ("16_24", "25_34", "35_44", "45_54", "55_64", "65_74", "75_plus"),
    "disability": ("yes", "no"),
    "ethnicity": ("asian", "black", "mixed", "white", "other"),
    "sex": ("female", "male"),
    "religion": ("no_religion", "christian", "buddhist", "hindu", "jewish", "muslim", "sikh",
                 "other"),
    "sexual_orientation": ("heterosexual", "gay_or_lesbian", "bisexual", "other"),
}


def categories(question: str) -> tuple[str, ...]:
    """Every answer the report counts for a question, ``prefer_not_to_say`` and
    ``not_recorded`` included."""
    return (*QUESTIONS[question], PREFER_NOT_TO_SAY, NOT_RECORDED)


def parse_answers(answers: Mapping[str, str]) -> dict[str, str]:
    """The answers given, checked against the questions; unanswered questions are left out.

    Raises ``EqualityAnswerUnknown`` for a question or answer not in ``QUESTIONS`` and
    ``EqualityAnswersRequired`` when nothing was answered (to record nothing, record
    nothing)."""
    parsed: dict[str, str] = {}
    for question, answer in answers.items():
        if question not in QUESTIONS:
            raise EqualityAnswerUnknown(
                f"There is no equality question '{question}'; the questions are: "
                f"{', '.join(QUESTIONS)}.")
        allowed = (*QUESTIONS[question], PREFER_NOT_TO_SAY)
        if answer not in allowed:
            raise EqualityAnswerUnknown(
                f"'{answer}' is not an answer to {question.replace('_', ' ')}; expected one "
                f"of: {', '.join(allowed)}.")
        parsed[question] = answer
    if not parsed:
        raise EqualityAnswersRequired(
            "Give at least one answer (each may be 'prefer_not_to_say'), or record nothing.")
    return parsed


def encode_answers(answers: Mapping[str, str]) -> str:
    return json.dumps(dict(sorted(answers.items())), separators=(",", ":"))


def decode_answers(text: str | None) -> dict[str, str]:
    """The answers sealed in an event; empty when the key is gone (erased)."""
    if not text:
        return {}
    value = json.loads(text)
    return {str(k): str(v) for k, v in value.items() if k in QUESTIONS}
