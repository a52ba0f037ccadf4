"""A variation's appeal window on the restriction's clock (``restriction-<id>``): an extension
notice opens a fresh window that closes by itself, after the restriction's own."""

from __future__ import annotations

from datetime import timedelta

from domain.clocks import appeal_window_closes, notice_appeal_window_closes
from tests.unit.domain.story import CASEWORKER, MANAGER, MANAGER_2
from tests.workflows.conftest import Clockwork


async def test_an_extension_opens_a_fresh_window_that_closes_on_the_restrictions_clock(
        clockwork: Clockwork) -> None:
    cw = clockwork
    story = cw.story
    story.record_incident()
    rid = story.ready().activate()
    own = story.case.restrictions[rid].notice_id
    await cw.sleep(days=10)
    case = story.do("extend_restriction", MANAGER, restriction_id=rid,
                    ends_on=story.today + timedelta(days=200), reason="breaches continue")
    (variation,) = [n.notice_id for n in case.notices.values() if n.kind == "variation"]
    story.do("record_notice_sent", CASEWORKER, notice_id=variation)
    policy = cw.app.policy_values()
    first = appeal_window_closes(story.case, rid, policy)
    fresh = notice_appeal_window_closes(story.case, variation, policy)
    assert first is not None and fresh is not None and fresh > first

    await cw.sleep_until(first + timedelta(hours=1))
    (closed,) = await cw.until_fact("AppealWindowClosed")
    assert (closed.occurred_at, closed.fields["notice_id"]) == (first, own)
    # the customer appeals the extension after the first window closed: in time
    appeal = story.do("lodge_appeal", MANAGER_2, restriction_id=rid, grounds="too long",
                      notice_id=variation)
    assert not next(iter(appeal.appeals.values())).late
    await cw.settle()
    await cw.sleep_until(fresh + timedelta(days=1))
    await cw.settle()
    assert [f.fields["notice_id"] for f in cw.facts("AppealWindowClosed")] == [own]


async def test_an_unanswered_variation_window_closes_at_its_own_time(
        clockwork: Clockwork) -> None:
    cw = clockwork
    story = cw.story
    story.record_incident()
    rid = story.ready().activate()
    await cw.sleep(days=15)
    case = story.do("extend_restriction", MANAGER, restriction_id=rid,
                    ends_on=story.today + timedelta(days=200), reason="breaches continue")
    (variation,) = [n.notice_id for n in case.notices.values() if n.kind == "variation"]
    story.do("record_notice_sent", CASEWORKER, notice_id=variation)
    fresh = notice_appeal_window_closes(story.case, variation, cw.app.policy_values())
    assert fresh is not None
    await cw.sleep_until(fresh + timedelta(hours=1))
    closed = await cw.until_fact("AppealWindowClosed", count=2)
    assert [(f.occurred_at, f.fields["notice_id"], f.actor_role) for f in closed][1] == (
        fresh, variation, "system")
    assert story.case.restrictions[rid].in_force
