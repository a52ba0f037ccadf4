"""Render a notice from its content: the text (the source of every format), HTML and PDF.

``render_notice`` checks the content against the domain's notice rules first and the
finished words after (pejorative labels, and that the appeal deadline and review date made it
into the text), so a letter that breaks a rule is never produced, let alone sent.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import jinja2

from domain.errors import NoticeAppealDeadlineMissing, NoticeReviewDateMissing
from domain.notice_content import NoticeContent
from domain.notice_rules import check_content, check_text
from domain.notices import text_sha256
from domain.vocabulary import NoticeFormat
from letters import words
from letters.catalogue import Language, translator
from letters.layout import letter_html, to_plain
from letters.pdf import pdf_of

#: Bumped by hand when the letters change meaning; the digest of the templates and catalogues
#: is added, so any edit to a template gives a new recorded version.
LETTERS_VERSION = "1"
DEFAULT_ORGANISATION = "Customer Services"

LARGE_PRINT_FORMATS = frozenset({NoticeFormat.LARGE_PRINT.value})
EASY_READ_FORMATS = frozenset({NoticeFormat.EASY_READ.value})


@cache
def template_version() -> str:
    root = resources.files("letters")
    digest = hashlib.sha256()
    for folder in ("templates", "templates/notices", "catalogues"):
        for entry in sorted(root.joinpath(folder).iterdir(), key=lambda e: e.name):
            if entry.is_file():
                digest.update(entry.name.encode())
                digest.update(entry.read_bytes())
    return f"{LETTERS_VERSION}.{digest.hexdigest()[:12]}"


@cache
def environment(language: Language) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("letters", "templates"),
        extensions=["jinja2.ext.i18n"], autoescape=False, trim_blocks=True,
        lstrip_blocks=True, keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    env.policies["ext.i18n.trimmed"] = True
    gettext, ngettext = translator(language)
    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(
        longdate=lambda d: words.long_date(d, gettext),
        period=lambda p: words.period(p, gettext),
        category=lambda c: gettext(words.CATEGORIES.get(c, c.replace("_", " "))),
        always_open=lambda a: gettext(words.ALWAYS_OPEN[str(a)]),
        terms_in_words=lambda t: words.terms_in_words(t, gettext))
    return env


def template_name(content: NoticeContent, notice_format: str) -> str:
    if notice_format in EASY_READ_FORMATS:
        return "easy_read.txt.j2"
    return f"notices/{content.variant.value}.txt.j2"


@dataclass(frozen=True)
class RenderedNotice:
    content: NoticeContent
    language: Language
    notice_format: str
    text: str  # the source of every format; sealed in NoticeSent
    template_version: str

    @property
    def sha256(self) -> str:
        return text_sha256(self.text)

    @property
    def plain(self) -> str:
        return to_plain(self.text)

    @property
    def html(self) -> str:
        return letter_html(self.text, self.notice_format, self.language)

    def pdf(self) -> bytes:
        return pdf_of(self.text, self.notice_format, self.language)


def render_notice(content: NoticeContent, *, language: Language | str = Language.ENGLISH,
                  notice_format: str = NoticeFormat.STANDARD.value,
                  organisation: str = DEFAULT_ORGANISATION) -> RenderedNotice:
    check_content(content)
    lang = Language(language)
    env = environment(lang)
    gettext, _ = translator(lang)
    context: dict[str, Any] = {
        "c": content, "reference": f"N-{str(content.notice_id)[:8].upper()}",
        "organisation": organisation, "signed_by": _signed_by(content, gettext),
    }
    text = env.get_template(template_name(content, notice_format)).render(context)
    text = "\n".join(line.rstrip() for line in text.strip().split("\n")) + "\n"
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    check_text(text)
    if content.appeal_deadline and words.long_date(content.appeal_deadline, gettext) not in text:
        raise NoticeAppealDeadlineMissing("The letter's text does not give the appeal deadline.")
    if content.in_force and content.review_date and words.long_date(
            content.review_date, gettext) not in text:
        raise NoticeReviewDateMissing("The letter's text does not give the review date.")
    return RenderedNotice(content, lang, notice_format, text, template_version())


def _signed_by(content: NoticeContent, gettext: Any) -> str:
    role = gettext(words.ROLES.get(content.decided_by_role, content.decided_by_role))
    if content.decided_by_role == "system":
        return str(role)
    return f"{content.decided_by}, {role}"
