"""Notices: recorded as sent (with the letter), and the steps of an email."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from domain.actors import SYSTEM_ACTOR, Actor
from domain.case import Case
from domain.notices import NoticeDocument
from domain.service.base import ServiceBase


class NoticeCommands(ServiceBase):

    def record_notice_sent(self, case_id: UUID, actor: Actor, *, notice_id: UUID,
                           notice_format: str = "standard",
                           document: NoticeDocument | None = None, channel: str = "recorded",
                           message_id: str | None = None, confirmed: bool = True,
                           **options: Any) -> Case:
        return self._do(case_id, actor, options, lambda case, stamp: case.record_notice_sent(
            notice_id, notice_format, stamp, document, channel, message_id, confirmed))

    def request_notice_email(self, case_id: UUID, actor: Actor, *, notice_id: UUID,
                             address: str, notice_format: str, language: str,
                             **options: Any) -> Case:
        return self._do(case_id, actor, options, lambda case, stamp: case.request_notice_email(
            notice_id, address, notice_format, language, stamp))

    def start_notice_email(self, case_id: UUID, notice_id: UUID, *, message_id: str,
                           sha256: str, actor: Actor = SYSTEM_ACTOR, **options: Any) -> Case:
        return self._do(case_id, actor, options, lambda case, stamp: case.start_notice_email(
            notice_id, message_id, sha256, stamp))

    def fail_notice_email(self, case_id: UUID, notice_id: UUID, *, code: str, retry: bool,
                          actor: Actor = SYSTEM_ACTOR, **options: Any) -> Case:
        return self._do(case_id, actor, options, lambda case, stamp: case.fail_notice_email(
            notice_id, code, retry, stamp))
