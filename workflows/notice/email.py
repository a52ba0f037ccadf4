"""The notice workflow's email activity: render the letter from the case's events, send it
over SMTP, record ``NoticeSent`` with the letter itself. Sent at most once per notice.

Temporal runs an activity at least once, so the send is guarded on both sides by facts with
deterministic command ids: ``NoticeEmailStarted`` is recorded just before the message goes and
``NoticeSent`` just after. A retry that finds the first without the second (the worker died
between them) does not send again: it records the notice as sent, ``confirmed=False``, from
the same letter. A server that did not take the message (down, 4xx) is recorded as a failure
to retry, which clears the way for the next attempt; one that refused it for good (5xx), or a
letter the notice rules refuse, is recorded as failed and waits for a caseworker.
The Message-ID is derived from the notice id, so receiving systems see one message.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Any
from uuid import UUID

from pydantic import BaseModel
from temporalio import activity

from domain.actors import SYSTEM_ACTOR
from domain.application import CaseService
from domain.calendar import uk_date
from domain.errors import DomainError
from domain.notices import message_id_for
from domain.vocabulary import NoticeChannel
from letters import mail
from letters.render import DEFAULT_ORGANISATION
from letters.sending import document_of, events_of, render_for
from workflows.firing import activity_now
from workflows.notice.activities import NoticeInput

log = logging.getLogger("upc.notices")


class EmailOutcome(BaseModel):
    outcome: str  # sent, unconfirmed, failed, already-sent, not-requested
    code: str | None = None


def _last(events: list[Any], name: str, notice_id: UUID) -> Any:
    return next(e for e in reversed(events)
                if type(e).__name__ == name and e.notice_id == notice_id)


class NoticeMailer:
    def __init__(self, app: CaseService, smtp: mail.SmtpSettings | None,
                 organisation: str = DEFAULT_ORGANISATION) -> None:
        self.app, self.smtp, self.organisation = app, smtp, organisation

    @activity.defn(name="send_notice_email")
    def send_notice_email(self, clock: NoticeInput) -> EmailOutcome:
        app, case_id, nid = self.app, clock.case_id, clock.notice_id
        notice = app.get_case(case_id).notices[nid]
        if notice.sent_at is not None:
            return EmailOutcome(outcome="already-sent")
        if not notice.email_pending:
            return EmailOutcome(outcome="not-requested")
        events = events_of(app, case_id)
        request = _last(events, "NoticeEmailRequested", nid)
        attempt = f"{request.originator_version}:{activity.info().attempt}"
        if notice.email_started is not None:  # an earlier attempt died after starting to send
            started = _last(events, "NoticeEmailStarted", nid)
            rendered = render_for(app, case_id, nid, uk_date(started.occurred_at),
                                  notice_format=request.format, language=request.language,
                                  organisation=self.organisation)
            log.warning("notice %s: an earlier attempt was cut short after it started "
                        "sending; recorded as sent (unconfirmed), not sent again", nid)
            self._record_sent(case_id, nid, request.format, rendered, started.message_id,
                              started.occurred_at, confirmed=False)
            return EmailOutcome(outcome="unconfirmed")
        if self.smtp is None:
            return self._fail(case_id, nid, "smtp-not-configured", attempt)
        if request.to.erased:
            return self._fail(case_id, nid, "address-erased", attempt)
        # The server's clock (what fired the activity) may run ahead of this process's (clock
        # skew; the time-skipping test server): what we record never claims to have
        # happened later than the service's own "now", or the command refuses it as future.
        now = min(activity_now(), app.clock())
        try:
            rendered = render_for(app, case_id, nid, uk_date(now), notice_format=request.format,
                                  language=request.language, organisation=self.organisation)
        except DomainError as refused:
            return self._fail(case_id, nid, refused.code, attempt)
        activity.heartbeat("rendered")
        message_id = message_id_for(nid, self.smtp.mail_domain)
        message = mail.notice_message(rendered, request.to.text, self.smtp.sender, message_id,
                                      now)
        app.start_notice_email(case_id, nid, message_id=message_id, sha256=rendered.sha256,
                               occurred_at=now, command_id=f"notice-email:{nid}:start:{attempt}")
        try:
            mail.send(message, self.smtp)
        except mail.PermanentSmtpError as refused:
            return self._fail(case_id, nid, refused.code, attempt)
        except mail.TemporarySmtpError:
            self._fail(case_id, nid, "smtp-temporary", attempt, retry=True)
            raise  # Temporal tries again later
        activity.heartbeat("sent")
        self._record_sent(case_id, nid, request.format, rendered, message_id, now)
        return EmailOutcome(outcome="sent")

    def _record_sent(self, case_id: UUID, nid: UUID, notice_format: str, rendered: Any,
                     message_id: str, occurred_at: Any, confirmed: bool = True) -> None:
        self.app.record_notice_sent(
            case_id, SYSTEM_ACTOR, notice_id=nid, notice_format=notice_format,
            document=document_of(rendered), channel=NoticeChannel.EMAIL.value,
            message_id=message_id, confirmed=confirmed, occurred_at=occurred_at,
            command_id=f"notice-email:{nid}:sent")

    def _fail(self, case_id: UUID, nid: UUID, code: str, attempt: str,
              retry: bool = False) -> EmailOutcome:
        log.warning("notice %s: email not sent (%s)", nid, code)
        self.app.fail_notice_email(case_id, nid, code=code, retry=retry,
                                   command_id=f"notice-email:{nid}:fail:{attempt}")
        return EmailOutcome(outcome="failed", code=code)


def activities(app: CaseService) -> list[Callable[..., Any]]:
    smtp = mail.SmtpSettings.from_env(os.environ)
    return [NoticeMailer(app, smtp, os.environ.get("UPC_ORGANISATION_NAME",
                                                   DEFAULT_ORGANISATION)).send_notice_email]
