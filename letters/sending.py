"""Letters for a case: render a notice from its events, record it as posted, read a sent one.

The API (preview, post, download) and the notice workflow's email activity both go through
here, so a notice is always rendered the same way: from the events as the application reads
them, in the format the customer's recorded adjustments need and the language the case's
setting names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from domain.application import CaseService
from domain.calendar import uk_date
from domain.errors import NotFound, SubjectErased
from domain.notice_content import notice_content
from domain.notices import NoticeDocument, message_id_for
from domain.vocabulary import NoticeChannel, NoticeFormat, NoticeLanguage
from letters import mail
from letters.pdf import pdf_of
from letters.render import DEFAULT_ORGANISATION, RenderedNotice, render_notice

#: When the customer needs more than one format, the letter is produced in the first here
#: they need (the others are made from it by hand: braille, audio, a translation).
FORMAT_PREFERENCE = (NoticeFormat.EASY_READ, NoticeFormat.LARGE_PRINT, NoticeFormat.STANDARD)


def chosen_format(case: Any, asked: str | None = None) -> str:
    needed = case.adjustments()
    if asked:
        return asked
    for fmt in FORMAT_PREFERENCE:
        if fmt.value in needed:
            return fmt.value
    return min(needed) if needed else NoticeFormat.STANDARD.value


def chosen_language(case: Any, app: CaseService, asked: str | None = None) -> NoticeLanguage:
    if asked:
        return NoticeLanguage(asked)
    return case.policy(app.policy_values()).notice_language  # type: ignore[no-any-return]


def events_of(app: CaseService, case_id: UUID) -> list[Any]:
    return list(app.repository.event_store.get(case_id))


def render_for(app: CaseService, case_id: UUID, notice_id: UUID, on: date, *,
               notice_format: str | None = None, language: str | None = None,
               organisation: str = DEFAULT_ORGANISATION) -> RenderedNotice:
    """The notice as it would read if sent on ``on`` (checked against the notice rules)."""
    case = app.get_case(case_id)
    if notice_id not in case.notices:
        raise NotFound(f"There is no notice {notice_id} on this case.")
    if case.subject_id in case.erased_subjects:
        raise SubjectErased("This customer's personal data has been erased; their letters "
                            "can no longer be produced.")
    content = notice_content(case, events_of(app, case_id), notice_id, app.policy_values(), on)
    return render_notice(content, language=chosen_language(case, app, language),
                         notice_format=chosen_format(case, notice_format),
                         organisation=organisation)


def document_of(rendered: RenderedNotice) -> NoticeDocument:
    return NoticeDocument.of(rendered.text, rendered.template_version, rendered.language.value)


def record_posted(app: CaseService, case_id: UUID, actor: Any, notice_id: UUID, *,
                  notice_format: str | None = None, language: str | None = None,
                  organisation: str = DEFAULT_ORGANISATION, **options: Any) -> Any:
    """A caseworker printed and posted the letter: recorded with the letter itself, dated
    the day it was posted (``occurred_at``, today by default)."""
    on = uk_date(options.get("occurred_at") or app.clock())
    rendered = render_for(app, case_id, notice_id, on, notice_format=notice_format,
                          language=language, organisation=organisation)
    return app.record_notice_sent(
        case_id, actor, notice_id=notice_id, notice_format=rendered.notice_format,
        document=document_of(rendered), channel=NoticeChannel.POST.value, **options)


@dataclass(frozen=True)
class SentLetter:
    text: str | None  # None once the customer's data has been erased
    notice_format: str
    language: str
    sha256: str | None
    template_version: str | None
    channel: str

    def pdf(self) -> bytes:
        assert self.text is not None
        return pdf_of(self.text, self.notice_format, self.language)


def sent_letter(app: CaseService, case_id: UUID, notice_id: UUID) -> SentLetter:
    """The letter as it was sent, from the sealed text in its ``NoticeSent`` event."""
    for event in reversed(events_of(app, case_id)):
        if type(event).__name__ == "NoticeSent" and event.notice_id == notice_id:
            if event.document_sha256 is None:
                raise NotFound("This notice was recorded as sent without a letter produced "
                               "here, so there is no document to download.")
            text = None if event.text is None or event.text.erased else event.text.text
            return SentLetter(text, event.format, event.language or "en",
                              event.document_sha256, event.template_version, event.channel)
    raise NotFound(f"Notice {notice_id} has not been sent.")


def email_now(app: CaseService, case_id: UUID, actor: Any, notice_id: UUID, to: str,
              smtp: Any, *, organisation: str = DEFAULT_ORGANISATION, **options: Any) -> Any:
    """Render, send over SMTP and record at once, on the caller's clock (``upc demo``, which
    writes its cases as if over past months; the service itself sends through the notice
    workflow, which guards against sending twice)."""
    when = options.get("occurred_at") or app.clock()
    rendered = render_for(app, case_id, notice_id, uk_date(when), organisation=organisation)
    message_id = message_id_for(notice_id, smtp.mail_domain)
    mail.send(mail.notice_message(rendered, to, smtp.sender, message_id, when), smtp)
    return app.record_notice_sent(
        case_id, actor, notice_id=notice_id, notice_format=rendered.notice_format,
        document=document_of(rendered), channel=NoticeChannel.EMAIL.value,
        message_id=message_id, **options)
