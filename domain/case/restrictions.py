"""Restrictions: proposed and decided, imposed at once and ratified, lifted, extended,
and reviewed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from uuid import UUID

from domain import events as ev
from domain.calendar import start_of, uk_date
from domain.case.core import CaseCore
from domain.case.stamp import Stamp
from domain.errors import (
    EndDateInPast,
    EndDateNotLater,
    InvalidInput,
    RatifierIsImposer,
    RestrictionNotActive,
    ReviewDateRequired,
    ThreatRequired,
)
from domain.permissions import (
    CLOCK_OR_MANAGEMENT,
    FRONT_LINE,
    MANAGEMENT,
    SENIOR,
)
from domain.rules import parse_code, require_reason
from domain.settings import PolicyValues
from domain.terms import RestrictionTerms
from domain.vocabulary import (
    BehaviourCategory,
    LiftCause,
    RestrictionStatus,
    ReviewOutcome,
)


class RestrictionCommands(CaseCore):

    def propose_restriction(self, restriction_id: UUID, terms: RestrictionTerms,
                            evidence: Sequence[str], reason: str, review_date: date,
                            stamp: Stamp, policy: PolicyValues,
                            ends_on: date | None = None) -> None:
        self._open_for(stamp, FRONT_LINE, "propose a restriction")
        self._require_concern()
        reason = require_reason(reason, "proposing a restriction")
        proof = self._evidence(evidence)
        self._require_written_only_confirmed(terms)
        self._require_review_date(review_date, stamp, policy)
        self._record(ev.RestrictionProposed, stamp, restriction_id=restriction_id,
                     terms=terms.to_dict(), review_date=review_date, ends_on=ends_on,
                     reason=reason, evidence=proof)

    def approve_restriction(self, restriction_id: UUID, reason: str, stamp: Stamp,
                            policy: PolicyValues, review_date: date | None = None,
                            behaviour_justification: str | None = None) -> None:
        self._open_for(stamp, MANAGEMENT, "decide a proposed restriction")
        restriction = self._proposed(restriction_id)
        terms = RestrictionTerms.from_dict(restriction.terms)
        self._require_scope_authority(terms, stamp.actor)
        self._require_not_proposer(restriction, stamp.actor)
        self._require_not_conflicted(stamp.actor)
        reason = require_reason(reason, "approving a restriction")
        self._require_checks(stamp, behaviour_justification)
        self._require_written_only_confirmed(terms)
        review_on = review_date or restriction.review_date
        assert review_on is not None
        self._require_review_date(review_on, stamp, policy)
        self._record(ev.RestrictionApproved, stamp, restriction_id=restriction_id,
                     review_date=review_on, notice_id=self.new_id("notice"), reason=reason,
                     evidence=[], behaviour_justification=behaviour_justification)

    def reject_restriction(self, restriction_id: UUID, reason: str, stamp: Stamp) -> None:
        self._open_for(stamp, MANAGEMENT, "decide a proposed restriction")
        restriction = self._proposed(restriction_id)
        self._require_not_proposer(restriction, stamp.actor)
        self._record(ev.RestrictionRejected, stamp, restriction_id=restriction_id,
                     reason=require_reason(reason, "rejecting a restriction"), evidence=[])

    def impose_immediate_restriction(self, restriction_id: UUID, terms: RestrictionTerms,
                                     evidence: Sequence[str], reason: str, stamp: Stamp,
                                     ends_on: date | None = None) -> None:
        self._open_for(stamp, FRONT_LINE, "impose an immediate restriction")
        reason = require_reason(reason, "an immediate restriction")
        proof = self._evidence(evidence)
        threats = [ref for ref in proof if (incident := self._maybe_incident(ref))
                   and incident.category == BehaviourCategory.THREATS_OR_VIOLENCE]
        if not threats:
            raise ThreatRequired(
                "An immediate restriction needs a recorded incident of threats or violence "
                "as evidence; otherwise propose a restriction for a manager to decide.")
        self._require_written_only_confirmed(terms)
        self._require_scope_authority(terms, stamp.actor)
        self._record(ev.ImmediateRestrictionImposed, stamp, restriction_id=restriction_id,
                     terms=terms.to_dict(), ends_on=ends_on, notice_id=self.new_id("notice"),
                     reason=reason, evidence=proof)

    def ratify_immediate_restriction(self, restriction_id: UUID, reason: str,
                                     review_date: date, stamp: Stamp,
                                     policy: PolicyValues) -> None:
        self._open_for(stamp, SENIOR, "ratify an immediate restriction")
        restriction = self._awaiting_ratification(restriction_id)
        if stamp.actor.user_id == restriction.proposer_id:
            raise RatifierIsImposer(
                "The person who imposed an immediate restriction cannot ratify it; another "
                "senior manager must.")
        self._require_not_conflicted(stamp.actor)
        reason = require_reason(reason, "ratifying an immediate restriction")
        self._require_review_date(review_date, stamp, policy)
        self._record(ev.ImmediateRestrictionRatified, stamp, restriction_id=restriction_id,
                     review_date=review_date, reason=reason, evidence=[])

    def refuse_ratification(self, restriction_id: UUID, reason: str, stamp: Stamp) -> None:
        self._open_for(stamp, SENIOR, "refuse to ratify an immediate restriction")
        self._awaiting_ratification(restriction_id)
        self._lift(restriction_id, LiftCause.RATIFICATION_REFUSED,
                   require_reason(reason, "refusing ratification"), stamp)

    def lift_restriction(self, restriction_id: UUID, reason: str, stamp: Stamp) -> None:
        """Early lift by a manager, or by the system when policy lifts overdue reviews."""
        self._open_for(stamp, CLOCK_OR_MANAGEMENT, "lift a restriction")
        restriction = self._restriction(restriction_id)
        if restriction.status in (RestrictionStatus.LIFTED, RestrictionStatus.EXPIRED):
            return
        self._require_in_force(restriction)
        self._lift(restriction_id, LiftCause.EARLY_LIFT,
                   require_reason(reason, "lifting a restriction"), stamp)

    def extend_restriction(self, restriction_id: UUID, ends_on: date, reason: str,
                           stamp: Stamp) -> None:
        """Move an active restriction's end date later, or give an open-ended one an end date.

        A manager's decision (organisation-wide: a senior manager's), with reasons, that owes
        the customer a notice as a variation does. The new end date is after today and after
        the current one: an earlier end is a lift or a review, and a restriction that has
        reached its end date has ended, whether or not the expiry is recorded yet.
        """
        self._open_for(stamp, MANAGEMENT, "extend a restriction")
        restriction = self._restriction(restriction_id)
        if restriction.status != RestrictionStatus.ACTIVE:
            raise RestrictionNotActive(
                f"This restriction is {restriction.status}; only an active restriction can be "
                "extended.")
        if restriction.ends_on is not None and start_of(restriction.ends_on) <= stamp.recorded_at:
            raise RestrictionNotActive(
                f"This restriction reached its end date {restriction.ends_on}; it has ended "
                "and cannot be extended. Decide a new restriction if one is needed.")
        self._require_scope_authority(RestrictionTerms.from_dict(restriction.terms), stamp.actor)
        self._require_not_conflicted(stamp.actor)
        reason = require_reason(reason, "extending a restriction")
        if ends_on <= uk_date(stamp.recorded_at):
            raise EndDateInPast(f"The new end date {ends_on} must be after today.")
        if restriction.ends_on is not None and ends_on <= restriction.ends_on:
            raise EndDateNotLater(
                f"The new end date {ends_on} must be after the current one "
                f"({restriction.ends_on}); to end it sooner, lift it or review it.")
        self._record(ev.RestrictionExtended, stamp, restriction_id=restriction_id,
                     ends_on=ends_on, previous_ends_on=restriction.ends_on,
                     notice_id=self.new_id("notice"), reason=reason, evidence=[])


    def complete_review(self, restriction_id: UUID, outcome: str, reason: str,
                        evidence: Sequence[str], stamp: Stamp, policy: PolicyValues,
                        next_review_date: date | None = None,
                        new_terms: RestrictionTerms | None = None,
                        behaviour_justification: str | None = None) -> None:
        self._open_for(stamp, MANAGEMENT, "conduct a review")
        decision = parse_code(ReviewOutcome, outcome, "review outcome")
        restriction = self._restriction(restriction_id)
        if restriction.status != RestrictionStatus.ACTIVE:
            raise RestrictionNotActive("Only an active restriction can be reviewed.")
        self._require_not_conflicted(stamp.actor)
        reason = require_reason(reason, "a review decision")
        if decision is not ReviewOutcome.LIFT:
            if next_review_date is None:
                raise ReviewDateRequired(
                    "To continue or vary a restriction, set the next review date.")
            self._require_checks(stamp, behaviour_justification)
            self._require_review_date(next_review_date, stamp, policy)
        if decision is ReviewOutcome.VARY:
            if new_terms is None:
                raise InvalidInput("Varying a restriction needs the new terms.")
            self._require_written_only_confirmed(new_terms)
            self._require_scope_authority(new_terms, stamp.actor)
        self._record(ev.ReviewCompleted, stamp, restriction_id=restriction_id,
                     outcome=decision.value,
                     next_review_date=None if decision is ReviewOutcome.LIFT
                     else next_review_date,
                     new_terms=new_terms.to_dict() if decision is ReviewOutcome.VARY
                     and new_terms else None,
                     notice_id=self.new_id("notice"), reason=reason, evidence=list(evidence),
                     behaviour_justification=behaviour_justification)
        if decision is ReviewOutcome.LIFT:
            self._lift(restriction_id, LiftCause.REVIEW, reason, stamp)
