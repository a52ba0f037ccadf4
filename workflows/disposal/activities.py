"""Disposal at the end of retention: find the cases due, dispose of each (idempotent).

Inputs and results are opaque ids, dates and codes only. Each disposal is recorded as a
``CaseDisposed`` event by the case service, which then destroys the people's keys.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

from pydantic import BaseModel
from temporalio import activity

from domain.application import CaseService
from domain.errors import LegalHoldApplies, RetentionNotEnded
from domain.privacy import disposable


class DisposalQuery(BaseModel):
    as_of: date


class DisposalCandidates(BaseModel):
    disposable: list[UUID]
    held: list[UUID]  # past retention, kept by a legal hold


class DisposeCase(BaseModel):
    case_id: UUID


class DisposalOutcome(BaseModel):
    case_id: UUID
    outcome: str  # "disposed", "held", "not_due"


class DisposalActivities:
    def __init__(self, app: CaseService) -> None:
        self.app = app

    @activity.defn(name="find_disposable_cases")
    def find_disposable_cases(self, query: DisposalQuery) -> DisposalCandidates:
        found = DisposalCandidates(disposable=[], held=[])
        for case in self.app.disposal_candidates(query.as_of):
            (found.disposable if disposable(case, query.as_of) else found.held).append(case.id)
        return found

    @activity.defn(name="dispose_of_case")
    def dispose_of_case(self, request: DisposeCase) -> DisposalOutcome:
        try:
            self.app.dispose_case(request.case_id,
                                  command_id=f"disposal:{request.case_id}")
        except LegalHoldApplies:  # a hold arrived since the case was found
            return DisposalOutcome(case_id=request.case_id, outcome="held")
        except RetentionNotEnded:
            return DisposalOutcome(case_id=request.case_id, outcome="not_due")
        return DisposalOutcome(case_id=request.case_id, outcome="disposed")


def activities(app: CaseService) -> list[Callable[..., Any]]:
    service = DisposalActivities(app)
    return [service.find_disposable_cases, service.dispose_of_case]
