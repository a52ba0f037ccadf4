"""Notices: a decision that affects the customer owes one; sending is recorded once."""

from __future__ import annotations

from uuid import UUID

from domain import events as ev
from domain.case.core import CaseCore
from domain.case.stamp import Stamp
from domain.errors import (
    InvalidInput,
    NoticeAlreadySent,
)
from domain.permissions import (
    CLOCK,
    FRONT_LINE,
)
from domain.rules import parse_code
from domain.vocabulary import (
    CheckKind,
    NoticeFormat,
)


class NoticeCommands(CaseCore):

    def record_notice_sent(self, notice_id: UUID, notice_format: str, stamp: Stamp) -> None:
        self._open_for(stamp, FRONT_LINE | CLOCK, "record a notice as sent", closed_ok=True)
        notice = self._notice(notice_id)
        fmt = parse_code(NoticeFormat, notice_format, "notice format")
        if notice.sent_at is not None:
            raise NoticeAlreadySent("This notice has already been sent.")
        needed = self.adjustments()
        if needed and fmt.value not in needed:
            raise InvalidInput(
                f"The customer's recorded adjustments need this notice as: "
                f"{', '.join(sorted(needed))}.")
        self._record(ev.NoticeSent, stamp, notice_id=notice_id, format=fmt.value)

    def adjustments(self) -> set[str]:
        check = self.checks.get(CheckKind.VULNERABILITY_ASSESSMENT)
        return set(check.adjustments) if check else set()
