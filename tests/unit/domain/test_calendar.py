"""Working days around weekends, bank holidays and Christmas to New Year, per nation."""

from datetime import UTC, date, datetime

import pytest

from domain.calendar import Period, Unit, WorkingCalendar, add_months, end_of, start_of, uk_date
from domain.errors import InvalidSetting
from domain.vocabulary import Nation

ENGLAND = WorkingCalendar()
SCOTLAND = WorkingCalendar(Nation.SCOTLAND)
NORTHERN_IRELAND = WorkingCalendar(Nation.NORTHERN_IRELAND)


def test_a_friday_plus_one_working_day_is_monday() -> None:
    assert ENGLAND.add_working_days(date(2026, 3, 6), 1) == date(2026, 3, 9)


def test_a_weekend_start_counts_from_monday() -> None:
    assert ENGLAND.add_working_days(date(2026, 3, 7), 1) == date(2026, 3, 9)


def test_easter_is_skipped() -> None:
    # Thu 2 April 2026; Good Friday 3rd, Easter Monday 6th
    assert ENGLAND.add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 7)


def test_christmas_to_new_year() -> None:
    # 2026: Christmas Fri 25th, Boxing Day Sat 26th observed Mon 28th, New Year Fri 1 Jan 2027
    assert ENGLAND.add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 29)
    assert ENGLAND.add_working_days(date(2026, 12, 24), 4) == date(2027, 1, 4)
    assert ENGLAND.working_days_between(date(2026, 12, 24), date(2027, 1, 4)) == 4


def test_scotland_has_the_second_of_january() -> None:
    assert ENGLAND.is_working_day(date(2026, 1, 2))
    assert not SCOTLAND.is_working_day(date(2026, 1, 2))


def test_northern_ireland_has_st_patricks_day() -> None:
    assert ENGLAND.is_working_day(date(2026, 3, 17))
    assert not NORTHERN_IRELAND.is_working_day(date(2026, 3, 17))


def test_twenty_working_days_appeal_window() -> None:
    assert ENGLAND.after(date(2026, 3, 2), Period(20, Unit.WORKING_DAYS)) == date(2026, 3, 30)
    # over Easter 2026: two bank holidays push it out by two days
    assert ENGLAND.after(date(2026, 3, 23), Period(20, Unit.WORKING_DAYS)) == date(2026, 4, 22)


def test_months_clamp_to_the_end_of_the_month() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert ENGLAND.after(date(2026, 8, 31), Period(6, Unit.MONTHS)) == date(2027, 2, 28)
    assert ENGLAND.after(date(2024, 2, 29), Period(6, Unit.YEARS)) == date(2030, 2, 28)


def test_periods_parse_and_refuse_nonsense() -> None:
    assert Period.parse("20 working days") == Period(20, Unit.WORKING_DAYS)
    with pytest.raises(InvalidSetting):
        Period.parse("soon")
    with pytest.raises(InvalidSetting):
        Period(-1, Unit.MONTHS)


def test_days_are_uk_days() -> None:
    late_summer_evening = datetime(2026, 7, 1, 23, 30, tzinfo=UTC)
    assert uk_date(late_summer_evening) == date(2026, 7, 2)
    assert start_of(date(2026, 7, 2)) == datetime(2026, 7, 1, 23, 0, tzinfo=UTC)
    assert end_of(date(2026, 1, 5)) == datetime(2026, 1, 6, 0, 0, tzinfo=UTC)
