"""Equality monitoring: answers given with the customer's separate consent, and its
withdrawal. The answers are special-category data, sealed with the customer's key."""

from __future__ import annotations

from typing import Any

from domain.events.base import CaseEvent
from domain.personal import PersonalData

__all__ = ["EqualityConsentWithdrawn", "EqualityMonitoringRecorded"]


class EqualityMonitoringRecorded(CaseEvent):
    """The customer consented to equality monitoring and gave these answers (JSON of
    question -> answer code, sealed). Recorded again, the later answers replace the earlier."""

    TOPIC = "upc.case:Case.EqualityMonitoringRecorded"
    answers: PersonalData
    consent: str  # "given": the customer's consent to monitoring, separate from the case

    def change(self, case: Any) -> None:
        case.equality_consent = True
        case.equality_recorded_at = self.occurred_at


class EqualityConsentWithdrawn(CaseEvent):
    """The customer withdrew consent: the answers are no longer counted anywhere."""

    TOPIC = "upc.case:Case.EqualityConsentWithdrawn"

    def change(self, case: Any) -> None:
        case.equality_consent = False
