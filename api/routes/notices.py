"""Letters: preview a notice (rendered from the case's events, not recorded), send it by
email (the notice's workflow sends it) or record it as printed and posted, and download the
letter that was sent. Letters carry decision reasons: every preview and download is in the
access log."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated
from uuid import UUID

from fastapi import HTTPException, Query, Response
from pydantic import Field

from api.access_log import record_read
from api.auth import CurrentActor
from api.commands import Command, recorded
from api.deps import Pool, Service
from api.routes import CASE, guarded_router
from api.schemas import Command as CommandBody
from api.schemas import Recorded, example
from domain.calendar import uk_date
from domain.vocabulary import NoticeFormat, NoticeLanguage
from letters.layout import letter_html, to_plain
from letters.sending import (
    chosen_format,
    chosen_language,
    record_posted,
    render_for,
    sent_letter,
)

router = guarded_router("notices")
N = f"{CASE}/notices/{{notice_id}}"


class As(StrEnum):
    PDF = "pdf"
    HTML = "html"
    TEXT = "text"


class LetterChoice(CommandBody):
    notice_format: NoticeFormat | None = Field(
        default=None, description="the format; default: what the customer's recorded "
        "adjustments need (easy read, large print), else standard")
    language: NoticeLanguage | None = Field(
        default=None, description="en or cy; default: the case's notice_language setting")
    model_config = example(notice_format="large_print", language="en")


class EmailNotice(LetterChoice):
    address: str = Field(min_length=3, max_length=254, examples=["customer@example.org"],
                         description="where to send it (sealed with the customer's key)")
    model_config = example(address="customer@example.org")


def _letter(text: str, notice_format: str, language: str, form: As,
            pdf: bytes | None = None) -> Response:
    if form is As.TEXT:
        return Response(to_plain(text), media_type="text/plain; charset=utf-8")
    if form is As.HTML:
        return Response(letter_html(text, notice_format, language),
                        media_type="text/html; charset=utf-8")
    return Response(pdf, media_type="application/pdf")


@router.get(f"{N}/preview", summary="Preview a notice as it would be sent today",
            response_class=Response,
            responses={200: {"content": {"application/pdf": {}, "text/html": {},
                                         "text/plain": {}}}})
def preview_notice(case_id: UUID, notice_id: UUID, actor: CurrentActor, service: Service,
                   pool: Pool, form: Annotated[As, Query(alias="as")] = As.HTML,
                   notice_format: NoticeFormat | None = None,
                   language: NoticeLanguage | None = None,
                   on: date | None = None) -> Response:
    """The letter rendered from the case's events now: nothing is recorded. A notice the
    rules refuse (no appeal deadline, no review date, no always-open exceptions, a label
    about the person) answers with that rule's problem instead."""
    rendered = render_for(service, case_id, notice_id, on or uk_date(service.clock()),
                          notice_format=notice_format and notice_format.value,
                          language=language and language.value)
    record_read(pool, actor, case_id, f"GET /api/v1/cases/{case_id}/notices/{notice_id}/"
                "preview", ["decision_reasons"])
    response = _letter(rendered.text, rendered.notice_format, rendered.language.value, form,
                       rendered.pdf() if form is As.PDF else None)
    response.headers["Upc-Template-Version"] = rendered.template_version
    return response


@router.post(f"{N}/email", status_code=202, response_model=Recorded,
             summary="Send a notice by email (the notice's workflow sends it)")
def email_notice(case_id: UUID, notice_id: UUID, body: EmailNotice, ctx: Command,
                 response: Response) -> Recorded:
    """Ask for the notice to be emailed with its PDF. Its workflow renders the letter from
    the events at the moment it sends, sends it once, and records `NoticeSent` with the
    letter's text, hash and template version."""
    case_now = ctx.service.get_case(case_id)
    fmt = chosen_format(case_now, body.notice_format and body.notice_format.value)
    lang = chosen_language(case_now, ctx.service, body.language and body.language.value)
    render_for(ctx.service, case_id, notice_id, uk_date(ctx.service.clock()),
               notice_format=fmt, language=lang.value)  # refused now rather than later
    case = ctx.run(lambda **o: ctx.service.request_notice_email(
        case_id, ctx.actor, notice_id=notice_id, address=body.address, notice_format=fmt,
        language=lang.value, occurred_at=body.occurred_at, **o))
    return recorded(ctx, case, response)


@router.post(f"{N}/post", response_model=Recorded,
             summary="Record that the notice was printed and posted")
def post_notice(case_id: UUID, notice_id: UUID, body: LetterChoice, ctx: Command,
                response: Response) -> Recorded:
    """Record the letter as printed and posted today (or on `occurred_at`), with the letter
    itself; then download it (`.../document`) to print it."""
    case = ctx.run(lambda **o: record_posted(
        ctx.service, case_id, ctx.actor, notice_id,
        notice_format=body.notice_format and body.notice_format.value,
        language=body.language and body.language.value, occurred_at=body.occurred_at, **o))
    return recorded(ctx, case, response)


@router.get(f"{N}/document", summary="Download the letter that was sent",
            response_class=Response,
            responses={200: {"content": {"application/pdf": {}, "text/html": {},
                                         "text/plain": {}}}})
def notice_document(case_id: UUID, notice_id: UUID, actor: CurrentActor, service: Service,
                    pool: Pool, form: Annotated[As, Query(alias="as")] = As.PDF) -> Response:
    """The letter as sent, laid out from the exact text recorded in `NoticeSent` (its
    SHA-256 in `Upc-Document-Sha256`). `410` once the customer's data has been erased."""
    letter = sent_letter(service, case_id, notice_id)
    if letter.text is None:
        raise HTTPException(410, "The customer's personal data has been erased; the letter's "
                                 "text is gone.")
    record_read(pool, actor, case_id, f"GET /api/v1/cases/{case_id}/notices/{notice_id}/"
                "document", ["decision_reasons"])
    response = _letter(letter.text, letter.notice_format, letter.language, form,
                       letter.pdf() if form is As.PDF else None)
    response.headers["Upc-Document-Sha256"] = letter.sha256 or ""
    response.headers["Upc-Template-Version"] = letter.template_version or ""
    if form is As.PDF:
        response.headers["Content-Disposition"] = (
            f'inline; filename="notice-N-{str(notice_id)[:8].upper()}.pdf"')
    return response
