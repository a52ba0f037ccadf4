"""The rules a notice passes before it is sent (POLICY.md "A notice is sent for every decision").

A notice that would leave out how and by when to appeal, when the restriction is reviewed,
or what always stays open, or that calls the person names instead of describing the
behaviour, is refused with a coded error; nothing is recorded. ``check_content`` runs on the
facts before rendering; ``check_text`` on the words the customer will read.
"""

from __future__ import annotations

from collections.abc import Iterable

from domain.errors import (
    NoticeAlwaysOpenMissing,
    NoticeAppealDeadlineMissing,
    NoticePejorativeLabel,
    NoticeReviewDateMissing,
)
from domain.language import pejorative_labels
from domain.notice_content import NoticeContent
from domain.terms import ALWAYS_OPEN


def check_content(content: NoticeContent) -> None:
    if content.appealable and (content.appeal_deadline is None or not content.appeal_window):
        raise NoticeAppealDeadlineMissing(
            "This notice does not say how long the customer has to appeal and by which date; "
            "a decision that restricts contact always tells them.")
    if content.in_force and content.review_date is None:
        raise NoticeReviewDateMissing(
            "This notice does not give the date the restriction will be reviewed; a "
            "restriction is never indefinite and the customer is told when it is reviewed.")
    if content.in_force and set(content.always_open) != set(ALWAYS_OPEN):
        missing = sorted(a.value.replace("_", " ") for a in ALWAYS_OPEN - set(
            content.always_open))
        raise NoticeAlwaysOpenMissing(
            "This notice does not list everything that always stays open whatever the "
            f"restriction says: {', '.join(missing)}.")
    check_text(content.customer_text(), "the recorded reasons or terms")


def check_text(texts: Iterable[str] | str, where: str = "the notice") -> None:
    """No pejorative labels about the person in anything the customer will read."""
    for text in [texts] if isinstance(texts, str) else texts:
        flags = pejorative_labels(text)
        if flags:
            labels = ", ".join(sorted({f"'{f.label}'" for f in flags}))
            raise NoticePejorativeLabel(
                f"{where[0].upper()}{where[1:]} use {labels} about the person. A notice "
                "describes the behaviour, never the person: reword it (e.g. 'you phoned 14 "
                "times in one day about the same repair') before sending.")
