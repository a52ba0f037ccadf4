"""Warnings lapse when nothing else happens; every notice is sent in time or escalates."""

from __future__ import annotations

from datetime import timedelta

from domain.calendar import add_months, end_of, start_of, uk_date
from tests.unit.domain.story import CASEWORKER
from tests.workflows.conftest import Clockwork


async def give_warning(cw: Clockwork):  # type: ignore[no-untyped-def]
    cw.story.record_incident()
    cw.story.raise_concern()
    case = cw.story.do("give_warning", CASEWORKER, kind="informal",
                       evidence=[cw.story.incident], reason="shouted at the officer")
    return next(iter(case.warnings.values())), next(iter(case.warnings))


async def test_a_warning_lapses_after_its_period(clockwork: Clockwork) -> None:
    cw = clockwork
    warning, wid = await give_warning(cw)
    cw.story.send_owed_notices()
    await cw.sleep(days=200)

    (lapsed,) = await cw.until_fact("WarningLapsed")
    assert lapsed.occurred_at == start_of(add_months(uk_date(warning.given_at), 6))
    assert (await cw.until_closed(f"warning-{wid}")).outcome == "lapsed"


async def test_a_further_incident_starts_the_lapse_period_again(clockwork: Clockwork) -> None:
    cw = clockwork
    _, wid = await give_warning(cw)
    cw.story.send_owed_notices()
    await cw.sleep(days=90)
    cw.story.record_incident()  # routed: the warning's clock re-reads the case
    incident_day = cw.story.today
    await cw.sleep(days=120)
    assert cw.facts("WarningLapsed") == []  # 210 days after the warning, 120 after the incident

    await cw.sleep_until(start_of(add_months(incident_day, 6)) + timedelta(hours=1))
    (lapsed,) = await cw.until_fact("WarningLapsed")
    assert lapsed.occurred_at == start_of(add_months(incident_day, 6))
    assert (await cw.until_closed(f"warning-{wid}")).outcome == "lapsed"


async def test_a_notice_sent_in_time_closes_its_clock(clockwork: Clockwork) -> None:
    cw = clockwork
    warning, _ = await give_warning(cw)
    await cw.settle()
    cw.story.send_owed_notices()
    await cw.sleep(days=10)
    assert (await cw.until_closed(f"notice-{warning.notice_id}")).outcome == "sent"
    assert cw.facts("NoticeOverdue") == []


async def test_a_notice_not_sent_within_the_dispatch_window_escalates(
        clockwork: Clockwork) -> None:
    cw = clockwork
    warning, _ = await give_warning(cw)
    owed = cw.story.case.notices[warning.notice_id].owed_since
    await cw.sleep(days=5)

    (overdue,) = await cw.until_fact("NoticeOverdue")
    calendar = cw.app.policy_values().calendar
    assert overdue.occurred_at == end_of(calendar.add_working_days(uk_date(owed), 1))
    assert overdue.fields["notice_id"] == warning.notice_id
    assert (await cw.until_closed(f"notice-{warning.notice_id}")).outcome == "overdue"
