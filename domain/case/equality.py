"""Equality monitoring: separately consented answers, and withdrawing that consent."""

from __future__ import annotations

from collections.abc import Mapping

from domain import events as ev
from domain.case.core import CaseCore
from domain.case.stamp import Stamp
from domain.equality import encode_answers, parse_answers
from domain.errors import EqualityConsentNotGiven, EqualityConsentRequired
from domain.permissions import ADMIN, FRONT_LINE


class EqualityCommands(CaseCore):

    def record_equality_monitoring(self, answers: Mapping[str, str], consent: bool,
                                   stamp: Stamp) -> None:
        """Record the customer's answers; ``consent`` is their consent to monitoring, asked
        for apart from anything about the case (no consent: nothing is recorded)."""
        self._open_for(stamp, FRONT_LINE, "record equality monitoring answers")
        if consent is not True:
            raise EqualityConsentRequired(
                "Equality monitoring answers are recorded only when the customer has "
                "consented to equality monitoring (consent: true); answering is optional and "
                "has no bearing on their case.")
        parsed = parse_answers(answers)
        self._record(ev.EqualityMonitoringRecorded, stamp,
                     answers=self.personal(encode_answers(parsed)), consent="given")

    def withdraw_equality_consent(self, stamp: Stamp) -> None:
        """The customer withdraws consent: the answers stop being counted. Allowed on a
        closed case too (consent can always be withdrawn)."""
        self._open_for(stamp, FRONT_LINE | ADMIN, "record a withdrawal of consent",
                       closed_ok=True)
        if not getattr(self, "equality_consent", False):  # False in older snapshots
            raise EqualityConsentNotGiven(
                "No equality monitoring answers are held with this customer's consent; "
                "there is nothing to withdraw.")
        self._record(ev.EqualityConsentWithdrawn, stamp)
