"""Notices sent: by email (asked for, started, failed, sent), by post, or recorded as sent."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from domain.events.base import CaseEvent
from domain.personal import PersonalData


class NoticeSent(CaseEvent):
    """The notice went to the customer. From v2 it keeps the letter itself: the exact text
    (sealed with the customer's key: erasure removes it), its SHA-256 and the template
    version, the language and how it went (``email``, ``post``; ``recorded`` for a notice
    recorded as sent without a letter produced here, as every v1 notice was)."""

    TOPIC = "upc.case:Case.NoticeSent"
    class_version = 2
    notice_id: UUID
    format: str  # NoticeFormat
    channel: str = "recorded"  # NoticeChannel
    text: PersonalData | None = None
    document_sha256: str | None = None
    template_version: str | None = None
    language: str | None = None  # NoticeLanguage
    message_id: str | None = None  # email: the Message-ID, derived from the notice id
    # False: an email whose sending was cut short after it started (see NoticeEmailStarted)
    confirmed: bool = True

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state.update(channel="recorded", text=None, document_sha256=None,
                     template_version=None, language=None, message_id=None, confirmed=True)

    def change(self, case: Any) -> None:
        notice = case.notices[self.notice_id]
        notice.sent_at = self.occurred_at
        notice.format = self.format
        notice.channel = self.channel


class NoticeEmailRequested(CaseEvent):
    """A caseworker asked for the notice to be emailed; the notice's workflow sends it."""

    TOPIC = "upc.case:Case.NoticeEmailRequested"
    notice_id: UUID
    to: PersonalData  # the address: the customer's (or their representative's) contact detail
    format: str  # NoticeFormat
    language: str  # NoticeLanguage

    def change(self, case: Any) -> None:
        notice = case.notices[self.notice_id]
        notice.email_requested = self.recorded_at
        notice.email_failed = None
        notice.email_started = None


class NoticeEmailStarted(CaseEvent):
    """Recorded just before the email goes: a retried send that finds it does not send again."""

    TOPIC = "upc.case:Case.NoticeEmailStarted"
    notice_id: UUID
    message_id: str
    document_sha256: str

    def change(self, case: Any) -> None:
        case.notices[self.notice_id].email_started = self.message_id


class NoticeEmailFailed(CaseEvent):
    """The email did not go (a rule refused the letter, the server refused it...): a code."""

    TOPIC = "upc.case:Case.NoticeEmailFailed"
    notice_id: UUID
    code: str
    retry: bool  # the server did not take it for now: the next attempt sends it

    def change(self, case: Any) -> None:
        notice = case.notices[self.notice_id]
        notice.email_started = None  # it did not go: the next attempt may send
        if not self.retry:
            notice.email_failed = self.code
