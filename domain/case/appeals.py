"""Appeals: lodged within the window (or late, for a senior manager to accept), decided by
someone who took no part in the restriction."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from domain import events as ev
from domain.case.core import CaseCore
from domain.case.stamp import Stamp
from domain.clocks import (
    notice_appeal_window_closes,
)
from domain.errors import (
    AppealAlreadyOpen,
    AppealNotOpen,
    DeciderInvolved,
    InvalidInput,
    LateAppealNotAccepted,
)
from domain.permissions import (
    MANAGEMENT,
    SENIOR,
)
from domain.rules import parse_code, require_reason
from domain.settings import PolicyValues
from domain.terms import RestrictionTerms
from domain.vocabulary import (
    AppealOutcome,
    AppealStatus,
    LiftCause,
)


class AppealCommands(CaseCore):

    def lodge_appeal(self, appeal_id: UUID, restriction_id: UUID, grounds: str, stamp: Stamp,
                     policy: PolicyValues, notice_id: UUID | None = None) -> None:
        """Record an appeal the customer made (received at ``occurred_at``) against the
        decision a notice told them about: the restriction's own (``notice_id`` None) or a
        variation of it (a review that varied it, an extension), each with its own appeal
        window counted from that notice. It is late only against that notice's window."""
        self._open_for(stamp, MANAGEMENT, "record an appeal")
        restriction = self._restriction(restriction_id)
        self._require_in_force(restriction)
        answers = self.appealed_notice(restriction_id, notice_id)
        if any(a.restriction_id == restriction_id and a.status in
               (AppealStatus.LODGED, AppealStatus.LATE_AWAITING_DECISION)
               for a in self.appeals.values()):
            raise AppealAlreadyOpen("An appeal against this restriction is already open.")

        closes = notice_appeal_window_closes(self, answers, policy) if answers else None
        late = closes is not None and stamp.occurred_at >= closes
        self._record(ev.AppealLodged, stamp, appeal_id=appeal_id,
                     restriction_id=restriction_id, late=late, grounds=self.personal(grounds),
                     notice_id=answers)

    def reject_late_appeal(self, appeal_id: UUID, reason: str, stamp: Stamp) -> None:
        self._open_for(stamp, MANAGEMENT, "reject a late appeal")
        self._late_appeal(appeal_id)
        self._record(ev.LateAppealRejected, stamp, appeal_id=appeal_id,
                     reason=require_reason(reason, "rejecting a late appeal"), evidence=[])

    def accept_late_appeal(self, appeal_id: UUID, reason: str, stamp: Stamp) -> None:
        self._open_for(stamp, SENIOR, "accept a late appeal")
        self._late_appeal(appeal_id)
        self._record(ev.LateAppealAccepted, stamp, appeal_id=appeal_id,
                     reason=require_reason(reason, "accepting a late appeal"), evidence=[])

    def decide_appeal(self, appeal_id: UUID, outcome: str, reason: str,
                      evidence: Sequence[str], stamp: Stamp,
                      new_terms: RestrictionTerms | None = None) -> None:
        self._open_for(stamp, SENIOR, "decide an appeal")
        decision = parse_code(AppealOutcome, outcome, "appeal outcome")
        appeal = self._appeal(appeal_id)
        if appeal.status == AppealStatus.LATE_AWAITING_DECISION:
            raise LateAppealNotAccepted(
                "This appeal arrived after the appeal window; a senior manager must accept it "
                "as late, with reasons, before it is decided.")
        if appeal.status != AppealStatus.LODGED:
            raise AppealNotOpen("This appeal is not awaiting a decision.")
        restriction = self._restriction(appeal.restriction_id)
        if stamp.actor.user_id in restriction.involved():
            raise DeciderInvolved(
                "You took part in this restriction (proposed, approved, ratified or reviewed "
                "it), so another senior manager must decide the appeal.")
        self._require_not_conflicted(stamp.actor)
        reason = require_reason(reason, "an appeal decision")
        if decision is AppealOutcome.VARIED:
            if new_terms is None:
                raise InvalidInput("A varied appeal outcome needs the new terms.")
            self._require_written_only_confirmed(new_terms)
            self._require_scope_authority(new_terms, stamp.actor)
        self._record(ev.AppealDecided, stamp, appeal_id=appeal_id, outcome=decision.value,
                     new_terms=new_terms.to_dict() if decision is AppealOutcome.VARIED
                     and new_terms else None,
                     notice_id=self.new_id("notice"), reason=reason, evidence=list(evidence))
        if decision is AppealOutcome.UPHELD and restriction.in_force:
            self._lift(restriction.restriction_id, LiftCause.APPEAL_UPHELD, reason, stamp)
