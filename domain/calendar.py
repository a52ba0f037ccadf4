"""Working days and periods: pure date arithmetic on the ``holidays`` package.

Working days exclude weekends and the bank holidays of the landlord's nation. "N working
days from a date" is the Nth working day after it (the start date itself never counts).
Moments are turned into dates on the UK clock (Europe/London), where the landlord works.
"""

from __future__ import annotations

import calendar as _stdcal
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from domain.errors import InvalidSetting
from domain.vocabulary import Nation

UK_TIME = ZoneInfo("Europe/London")

_SUBDIVISION = {
    Nation.ENGLAND_AND_WALES: "ENG",
    Nation.SCOTLAND: "SCT",
    Nation.NORTHERN_IRELAND: "NIR",
}


class Unit(StrEnum):
    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"
    MONTHS = "months"
    YEARS = "years"


@dataclass(frozen=True)
class Period:
    amount: int
    unit: Unit

    def __post_init__(self) -> None:
        if self.amount < 0:
            raise InvalidSetting("a period cannot be negative")

    def __str__(self) -> str:
        return f"{self.amount} {self.unit.value.replace('_', ' ')}"

    @classmethod
    def parse(cls, text: str) -> Period:
        """``"20 working_days"`` (or ``"20 working days"``) to a Period."""
        amount, _, unit = text.strip().partition(" ")
        try:
            return cls(int(amount), Unit(unit.strip().replace(" ", "_")))
        except ValueError:
            allowed = ", ".join(u.value for u in Unit)
            raise InvalidSetting(
                f"'{text}' is not a period; write a number and one of: {allowed}") from None


@lru_cache(maxsize=8)
def _bank_holidays(nation: Nation) -> holidays.HolidayBase:
    return holidays.country_holidays("GB", subdiv=_SUBDIVISION[nation])


@dataclass(frozen=True)
class WorkingCalendar:
    nation: Nation = Nation.ENGLAND_AND_WALES

    def is_bank_holiday(self, day: date) -> bool:
        return day in _bank_holidays(self.nation)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and not self.is_bank_holiday(day)

    def add_working_days(self, start: date, days: int) -> date:
        day = start
        remaining = days
        while remaining > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def subtract_working_days(self, end: date, days: int) -> date:
        """The Nth working day before ``end`` (``end`` itself never counts)."""
        day = end
        remaining = days
        while remaining > 0:
            day -= timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end``."""
        count = 0
        day = start
        while day < end:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count

    def after(self, start: date, period: Period) -> date:
        if period.unit is Unit.WORKING_DAYS:
            return self.add_working_days(start, period.amount)
        if period.unit is Unit.CALENDAR_DAYS:
            return start + timedelta(days=period.amount)
        months = period.amount * (12 if period.unit is Unit.YEARS else 1)
        return add_months(start, months)

    def before(self, end: date, period: Period) -> date:
        """The day ``period`` before ``end``: the mirror of ``after`` (e.g. a reminder)."""
        if period.unit is Unit.WORKING_DAYS:
            return self.subtract_working_days(end, period.amount)
        if period.unit is Unit.CALENDAR_DAYS:
            return end - timedelta(days=period.amount)
        months = period.amount * (12 if period.unit is Unit.YEARS else 1)
        return add_months(end, -months)


def add_months(start: date, months: int) -> date:
    """Same day N months later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    day = min(start.day, _stdcal.monthrange(year, month)[1])
    return date(year, month, day)


def uk_date(moment: datetime) -> date:
    return moment.astimezone(UK_TIME).date()


def start_of(day: date) -> datetime:
    """The first instant of a UK day, in UTC: when something falls due on that day."""
    return datetime.combine(day, time(0), tzinfo=UK_TIME).astimezone(UTC)


def end_of(day: date) -> datetime:
    """The first instant after a UK day, in UTC: when a deadline on that day has passed."""
    return start_of(day + timedelta(days=1))
