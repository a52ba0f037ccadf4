"""Restrictions, appeals and reviews (notices: ``domain.service.notices``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import UUID

from domain.actors import Actor
from domain.case import Case
from domain.service.base import ServiceBase
from domain.terms import RestrictionTerms


class DecisionCommands(ServiceBase):

    def propose_restriction(self, case_id: UUID, actor: Actor, *, terms: RestrictionTerms,
                            evidence: Sequence[str], reason: str, review_date: date,
                            ends_on: date | None = None, restriction_id: UUID | None = None,
                            **options: Any) -> Case:
        new_id = restriction_id or self.new_id(case_id, options.get("command_id"))
        policy = self.policy_values()
        return self._do(case_id, actor, options, lambda case, stamp: case.propose_restriction(
            new_id, terms, evidence, reason, review_date, stamp, policy, ends_on))

    def approve_restriction(self, case_id: UUID, actor: Actor, *, restriction_id: UUID,
                            reason: str, review_date: date | None = None,
                            behaviour_justification: str | None = None,
                            **options: Any) -> Case:
        policy = self.policy_values()
        return self._do(case_id, actor, options, lambda case, stamp: case.approve_restriction(
            restriction_id, reason, stamp, policy, review_date, behaviour_justification))

    def reject_restriction(self, case_id: UUID, actor: Actor, *, restriction_id: UUID,
                           reason: str, **options: Any) -> Case:
        return self._do(case_id, actor, options, lambda case, stamp: case.reject_restriction(
            restriction_id, reason, stamp))

    def impose_immediate_restriction(self, case_id: UUID, actor: Actor, *,
                                     terms: RestrictionTerms, evidence: Sequence[str],
                                     reason: str, ends_on: date | None = None,
                                     restriction_id: UUID | None = None,
                                     **options: Any) -> Case:
        new_id = restriction_id or self.new_id(case_id, options.get("command_id"))
        return self._do(case_id, actor, options,
                        lambda case, stamp: case.impose_immediate_restriction(
                            new_id, terms, evidence, reason, stamp, ends_on))

    def ratify_immediate_restriction(self, case_id: UUID, actor: Actor, *,
                                     restriction_id: UUID, reason: str, review_date: date,
                                     **options: Any) -> Case:
        policy = self.policy_values()
        return self._do(case_id, actor, options,
                        lambda case, stamp: case.ratify_immediate_restriction(
                            restriction_id, reason, review_date, stamp, policy))

    def refuse_ratification(self, case_id: UUID, actor: Actor, *, restriction_id: UUID,
                            reason: str, **options: Any) -> Case:
        return self._do(case_id, actor, options, lambda case, stamp: case.refuse_ratification(
            restriction_id, reason, stamp))

    def lift_restriction(self, case_id: UUID, actor: Actor, *, restriction_id: UUID,
                         reason: str, **options: Any) -> Case:
        return self._do(case_id, actor, options, lambda case, stamp: case.lift_restriction(
            restriction_id, reason, stamp))

    def extend_restriction(self, case_id: UUID, actor: Actor, *, restriction_id: UUID,
                           ends_on: date, reason: str, **options: Any) -> Case:
        return self._do(case_id, actor, options, lambda case, stamp: case.extend_restriction(
            restriction_id, ends_on, reason, stamp))

    # --- appeals and reviews -------------------------------------------------------------

    def lodge_appeal(self, case_id: UUID, actor: Actor, *, restriction_id: UUID,
                     grounds: str = "", appeal_id: UUID | None = None,
                     notice_id: UUID | None = None, **options: Any) -> Case:
        """``notice_id``: the variation notice the appeal answers (default: the
        restriction's own notice)."""
        new_id = appeal_id or self.new_id(case_id, options.get("command_id"))
        policy = self.policy_values()
        return self._do(case_id, actor, options, lambda case, stamp: case.lodge_appeal(
            new_id, restriction_id, grounds, stamp, policy, notice_id))

    def reject_late_appeal(self, case_id: UUID, actor: Actor, *, appeal_id: UUID,
                           reason: str, **options: Any) -> Case:
        return self._do(case_id, actor, options, lambda case, stamp: case.reject_late_appeal(
            appeal_id, reason, stamp))

    def accept_late_appeal(self, case_id: UUID, actor: Actor, *, appeal_id: UUID,
                           reason: str, **options: Any) -> Case:
        return self._do(case_id, actor, options, lambda case, stamp: case.accept_late_appeal(
            appeal_id, reason, stamp))

    def decide_appeal(self, case_id: UUID, actor: Actor, *, appeal_id: UUID, outcome: str,
                      reason: str, evidence: Sequence[str] = (),
                      new_terms: RestrictionTerms | None = None, **options: Any) -> Case:
        return self._do(case_id, actor, options, lambda case, stamp: case.decide_appeal(
            appeal_id, outcome, reason, evidence, stamp, new_terms))

    def complete_review(self, case_id: UUID, actor: Actor, *, restriction_id: UUID,
                        outcome: str, reason: str, evidence: Sequence[str] = (),
                        next_review_date: date | None = None,
                        new_terms: RestrictionTerms | None = None,
                        behaviour_justification: str | None = None, **options: Any) -> Case:
        policy = self.policy_values()
        return self._do(case_id, actor, options, lambda case, stamp: case.complete_review(
            restriction_id, outcome, reason, evidence, stamp, policy, next_review_date,
            new_terms, behaviour_justification))
