"""Clocks firing (called by workflows; each idempotent)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from domain.actors import SYSTEM_ACTOR, Actor
from domain.case import Case
from domain.service.base import ServiceBase


class ClockCommands(ServiceBase):

    def mark_review_due(self, case_id: UUID, restriction_id: UUID,
                        actor: Actor = SYSTEM_ACTOR, **options: Any) -> Case:
        return self._do(case_id, actor, options,
                        lambda case, stamp: case.mark_review_due(restriction_id, stamp))

    def escalate_review_overdue(self, case_id: UUID, restriction_id: UUID,
                                actor: Actor = SYSTEM_ACTOR, **options: Any) -> Case:
        policy = self.policy_values()
        return self._do(case_id, actor, options,
                        lambda case, stamp: case.escalate_review_overdue(
                            restriction_id, stamp, policy))

    def expire_restriction(self, case_id: UUID, restriction_id: UUID,
                           actor: Actor = SYSTEM_ACTOR, **options: Any) -> Case:
        return self._do(case_id, actor, options,
                        lambda case, stamp: case.expire_restriction(restriction_id, stamp))

    def escalate_ratification_overdue(self, case_id: UUID, restriction_id: UUID,
                                      actor: Actor = SYSTEM_ACTOR, **options: Any) -> Case:
        policy = self.policy_values()
        return self._do(case_id, actor, options,
                        lambda case, stamp: case.escalate_ratification_overdue(
                            restriction_id, stamp, policy))

    def mark_appeal_overdue(self, case_id: UUID, appeal_id: UUID,
                            actor: Actor = SYSTEM_ACTOR, **options: Any) -> Case:
        policy = self.policy_values()
        return self._do(case_id, actor, options,
                        lambda case, stamp: case.mark_appeal_overdue(appeal_id, stamp, policy))

    def lapse_warning(self, case_id: UUID, warning_id: UUID, actor: Actor = SYSTEM_ACTOR,
                      **options: Any) -> Case:
        policy = self.policy_values()
        return self._do(case_id, actor, options,
                        lambda case, stamp: case.lapse_warning(warning_id, stamp, policy))

    def escalate_notice_overdue(self, case_id: UUID, notice_id: UUID,
                                actor: Actor = SYSTEM_ACTOR, **options: Any) -> Case:
        policy = self.policy_values()
        return self._do(case_id, actor, options,
                        lambda case, stamp: case.escalate_notice_overdue(
                            notice_id, stamp, policy))

    def close_appeal_window(self, case_id: UUID, restriction_id: UUID,
                            actor: Actor = SYSTEM_ACTOR, *, notice_id: UUID | None = None,
                            **options: Any) -> Case:
        policy = self.policy_values()
        return self._do(case_id, actor, options,
                        lambda case, stamp: case.close_appeal_window(
                            restriction_id, stamp, policy, notice_id))

    def remind_appeal_decision(self, case_id: UUID, appeal_id: UUID,
                               actor: Actor = SYSTEM_ACTOR, **options: Any) -> Case:
        policy = self.policy_values()
        return self._do(case_id, actor, options,
                        lambda case, stamp: case.remind_appeal_decision(
                            appeal_id, stamp, policy))

    def escalate_subject_access_overdue(self, case_id: UUID, request_id: UUID,
                                        actor: Actor = SYSTEM_ACTOR, **options: Any) -> Case:
        return self._do(case_id, actor, options,
                        lambda case, stamp: case.escalate_subject_access_overdue(
                            request_id, stamp))

    def escalate_ombudsman_overdue(self, case_id: UUID, matter_id: UUID,
                                   actor: Actor = SYSTEM_ACTOR, **options: Any) -> Case:
        return self._do(case_id, actor, options,
                        lambda case, stamp: case.escalate_ombudsman_overdue(matter_id, stamp))
