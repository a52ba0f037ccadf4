"""Small input rules shared by every command: timestamps, reasons, codes."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import TypeVar

from domain.errors import FutureTimestamp, NaiveTimestamp, ReasonRequired, UnknownCode

# Clocks on different machines drift; a moment this far ahead of the server is still "now".
CLOCK_SKEW = timedelta(minutes=5)

E = TypeVar("E", bound=StrEnum)


def require_aware(moment: datetime, what: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise NaiveTimestamp(
            f"{what} must carry a time zone (for example 2026-03-01T09:30:00+00:00)")
    return moment


def require_past(moment: datetime, now: datetime, what: str) -> datetime:
    """Back-dating is allowed (when it happened); recording the future is not."""
    require_aware(moment, what)
    if moment > now + CLOCK_SKEW:
        raise FutureTimestamp(f"{what} {moment.isoformat()} is in the future")
    return moment


def require_reason(reason: str | None, decision: str) -> str:
    if reason is None or not reason.strip():
        raise ReasonRequired(f"Give the reason for {decision}; it goes on the record.")
    return reason.strip()


def parse_code(kind: type[E], value: str | E, what: str) -> E:
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(m.value for m in kind)
        raise UnknownCode(f"unknown {what} '{value}'; expected one of: {allowed}") from None
