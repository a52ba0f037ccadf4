"""Restriction stories on the time-skipping server: months of clocks in seconds."""

from __future__ import annotations

from datetime import timedelta

from domain.calendar import add_months, start_of
from tests.unit.domain.story import CASEWORKER, MANAGER, MANAGER_2, TERMS
from tests.workflows.conftest import Clockwork


async def test_three_months_reviewed_continued_then_expires_with_lift_notice(
        clockwork: Clockwork) -> None:
    cw = clockwork
    story = cw.story
    story.record_incident()
    story.ready()
    today = story.today
    review_on, ends_on = add_months(today, 3), add_months(today, 6)
    case = story.do("propose_restriction", CASEWORKER, terms=TERMS, evidence=[story.incident],
                    reason="abuse continued after the warning", review_date=review_on,
                    ends_on=ends_on)
    rid = next(iter(case.restrictions))
    case = story.do("approve_restriction", MANAGER, restriction_id=rid,
                    reason="proportionate to the abuse recorded")
    story.do("record_notice_sent", CASEWORKER, notice_id=case.restrictions[rid].notice_id)

    await cw.sleep_until(start_of(review_on) + timedelta(hours=1))
    (due,) = await cw.until_fact("ReviewDue")
    assert due.occurred_at == start_of(review_on)
    assert due.actor_role == "system"

    story.do("complete_review", MANAGER_2, restriction_id=rid, outcome="continue",
             reason="contact still abusive", next_review_date=ends_on + timedelta(days=14))
    story.send_owed_notices()

    await cw.sleep_until(start_of(ends_on) + timedelta(hours=1))
    (expired,) = await cw.until_fact("RestrictionExpired")
    assert expired.occurred_at == start_of(ends_on)
    assert cw.facts("ReviewDue") == [due]  # the next review was never due: it ended first
    assert (await cw.until_closed(f"restriction-{rid}")).outcome == "expired"

    lift_notice = expired.fields["notice_id"]
    await cw.settle()
    story.do("record_notice_sent", CASEWORKER, notice_id=lift_notice)
    await cw.settle()
    assert (await cw.until_closed(f"notice-{lift_notice}")).outcome == "sent"
    assert cw.facts("NoticeOverdue") == []
