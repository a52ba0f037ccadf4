"""Notices: a decision that affects the customer owes one; sending is recorded once, with the
letter itself (``domain.notices.NoticeDocument``) when the service produced it, and an email
goes through its steps: asked for, started, failed or sent."""

from __future__ import annotations

from dataclasses import replace
from uuid import UUID

from domain import events as ev
from domain.case.core import CaseCore
from domain.case.stamp import Stamp
from domain.errors import InvalidInput, NoticeAlreadySent, NoticeNotDeliverable
from domain.notices import NoticeDocument
from domain.permissions import CLOCK, FRONT_LINE
from domain.personal import PersonalData
from domain.records import Notice
from domain.rules import parse_code
from domain.vocabulary import CheckKind, NoticeChannel, NoticeFormat, NoticeLanguage


class NoticeCommands(CaseCore):

    def record_notice_sent(self, notice_id: UUID, notice_format: str, stamp: Stamp,
                           document: NoticeDocument | None = None,
                           channel: str = NoticeChannel.RECORDED.value,
                           message_id: str | None = None, confirmed: bool = True) -> None:
        self._open_for(stamp, FRONT_LINE | CLOCK, "record a notice as sent", closed_ok=True)
        notice = self._unsent(notice_id)
        fmt = self._format_needed(notice_format)
        how = parse_code(NoticeChannel, channel, "notice channel")
        fields: dict[str, object] = {"channel": how.value, "message_id": message_id,
                                     "confirmed": confirmed}
        if document is not None:
            document.check()
            fields.update(text=self._sealed_exactly(document.text),
                          document_sha256=document.sha256,
                          template_version=document.template_version,
                          language=parse_code(NoticeLanguage, document.language,
                                              "language").value)
        self._record(ev.NoticeSent, stamp, notice_id=notice.notice_id, format=fmt.value,
                     **fields)

    def adjustments(self) -> set[str]:
        check = self.checks.get(CheckKind.VULNERABILITY_ASSESSMENT)
        return set(check.adjustments) if check else set()

    def request_notice_email(self, notice_id: UUID, address: str, notice_format: str,
                             language: str, stamp: Stamp) -> None:
        """The notice's workflow sends it; the address is sealed with the customer's key."""
        self._open_for(stamp, FRONT_LINE, "send a notice by email", closed_ok=True)
        notice = self._unsent(notice_id)
        fmt = self._format_needed(notice_format)
        lang = parse_code(NoticeLanguage, language, "language")
        cleaned = address.strip()
        if "@" not in cleaned or any(c.isspace() for c in cleaned) or len(cleaned) > 254:
            raise InvalidInput("Give the email address the notice should go to.")
        if notice.email_pending:
            return  # already on its way: asking twice sends once
        self._record(ev.NoticeEmailRequested, stamp, notice_id=notice_id,
                     to=self.personal(cleaned), format=fmt.value, language=lang.value)

    def start_notice_email(self, notice_id: UUID, message_id: str, sha256: str,
                           stamp: Stamp) -> None:
        self._open_for(stamp, CLOCK, "start sending a notice by email", closed_ok=True)
        notice = self._unsent(notice_id)
        if not notice.email_pending:
            raise NoticeNotDeliverable("No email of this notice is waiting to be sent.")
        if notice.email_started is not None:
            return
        self._record(ev.NoticeEmailStarted, stamp, notice_id=notice_id,
                     message_id=message_id, document_sha256=sha256)

    def fail_notice_email(self, notice_id: UUID, code: str, retry: bool,
                          stamp: Stamp) -> None:
        """The email did not go. ``retry``: the server did not take it for now (the next
        attempt sends); otherwise it stays unsent until a caseworker asks again or posts it."""
        self._open_for(stamp, CLOCK, "record that a notice's email failed", closed_ok=True)
        if not self._notice(notice_id).email_pending:
            return
        self._record(ev.NoticeEmailFailed, stamp, notice_id=notice_id, code=code,
                     retry=retry)

    def _format_needed(self, notice_format: str) -> NoticeFormat:
        fmt = parse_code(NoticeFormat, notice_format, "notice format")
        needed = self.adjustments()
        if needed and fmt.value not in needed:
            raise InvalidInput(
                f"The customer's recorded adjustments need this notice as: "
                f"{', '.join(sorted(needed))}.")
        return fmt

    def _sealed_exactly(self, text: str) -> PersonalData:
        """The letter's text as it is, byte for byte (its hash is recorded beside it)."""
        sealed = self.sealed_text(text)
        return sealed if sealed.text is None else replace(sealed, text=text)

    def _unsent(self, notice_id: UUID) -> Notice:
        notice = self._notice(notice_id)
        if notice.sent_at is not None:
            raise NoticeAlreadySent("This notice has already been sent.")
        return notice
