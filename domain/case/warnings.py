"""Concerns, warnings and the pre-decision checks that come before anything formal."""

from __future__ import annotations

from collections.abc import Sequence

from domain import events as ev
from domain.case.core import CaseCore
from domain.case.stamp import Stamp
from domain.permissions import (
    FRONT_LINE,
    MANAGEMENT,
)
from domain.rules import parse_code, require_reason
from domain.vocabulary import (
    BehaviourCategory,
    CheckKind,
    NoticeFormat,
    WarningKind,
)


class WarningCommands(CaseCore):

    def raise_concern(self, evidence: Sequence[str], categories: Sequence[str], reason: str,
                      stamp: Stamp) -> None:
        self._open_for(stamp, FRONT_LINE, "raise a concern")
        codes = [parse_code(BehaviourCategory, c, "behaviour category").value
                 for c in categories]
        self._record(ev.ConcernRaised, stamp, concern_id=self.new_id("concern"),
                     categories=codes, reason=require_reason(reason, "raising a concern"),
                     evidence=self._evidence(evidence))

    def give_warning(self, kind: str, evidence: Sequence[str], reason: str, stamp: Stamp,
                     behaviour_justification: str | None = None) -> None:
        warning = parse_code(WarningKind, kind, "warning kind")
        if warning is WarningKind.FORMAL:
            self._open_for(stamp, MANAGEMENT, "issue a formal warning")
        else:
            self._open_for(stamp, FRONT_LINE, "give an informal warning")
        self._require_concern()
        reason = require_reason(reason, f"an {warning.value} warning")
        proof = self._evidence(evidence)
        if warning is WarningKind.FORMAL:
            self._require_checks(stamp, behaviour_justification)
        self._record(ev.WarningGiven, stamp, warning_id=self.new_id("warning"),
                     kind=warning.value, notice_id=self.new_id("notice"), reason=reason,
                     evidence=proof, behaviour_justification=behaviour_justification)

    def record_check(self, kind: str, notes: str, stamp: Stamp, *,
                     customer_declined: bool = False, written_communication_ok: bool = False,
                     legitimate_issue_found: bool = False,
                     adjustments: Sequence[str] = ()) -> None:
        self._open_for(stamp, MANAGEMENT, "complete a pre-decision check")
        check = parse_code(CheckKind, kind, "check")
        formats = [parse_code(NoticeFormat, a, "adjustment").value for a in adjustments]
        self._record(ev.CheckRecorded, stamp, check_id=self.new_id("check"), kind=check.value,
                     customer_declined=customer_declined,
                     written_communication_ok=written_communication_ok,
                     legitimate_issue_found=legitimate_issue_found,
                     adjustments=formats, notes=self.personal(notes))

    def record_vulnerability_info(self, details: str, stamp: Stamp) -> None:
        self._open_for(stamp, FRONT_LINE, "record vulnerability information")
        require_reason(details, "recording vulnerability information (the details)")
        self._record(ev.VulnerabilityInfoRecorded, stamp, details=self.personal(details))

    def resolve_legitimate_issue(self, reason: str, evidence: Sequence[str],
                                 stamp: Stamp) -> None:
        self._open_for(stamp, MANAGEMENT, "record that a legitimate issue is resolved")
        self._record(ev.LegitimateIssueResolved, stamp,
                     reason=require_reason(reason, "resolving the legitimate issue"),
                     evidence=list(evidence))
