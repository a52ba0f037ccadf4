"""Appeal stories: the decision clock, its escalation, late appeals, and the consequences."""

from __future__ import annotations

from domain.calendar import end_of, uk_date
from tests.unit.domain.story import CASEWORKER, MANAGER_2, SENIOR, SENIOR_2
from tests.workflows.conftest import Clockwork


async def active_restriction(cw: Clockwork):  # type: ignore[no-untyped-def]
    cw.story.record_incident()
    rid = cw.story.ready().activate()
    await cw.launch()
    return rid


async def test_an_appeal_lodged_on_day_five_and_upheld(clockwork: Clockwork) -> None:
    cw = clockwork
    rid = await active_restriction(cw)
    await cw.sleep(days=5)
    aid = cw.story.lodge_appeal()
    assert not cw.story.case.appeals[aid].late
    await cw.sleep(days=3)

    cw.story.do("decide_appeal", SENIOR, appeal_id=aid, outcome="upheld",
                reason="the incidents recorded do not support the restriction")
    await cw.settle()
    assert (await cw.until_closed(f"appeal-{aid}")).outcome == "upheld"
    assert (await cw.until_closed(f"restriction-{rid}")).outcome == "lifted"
    (lifted,) = cw.facts("RestrictionLifted")
    assert lifted.fields["cause"] == "appeal_upheld"
    # The appeal outcome and the lift each owe the customer a notice: both clocks run.
    decided = cw.facts("AppealDecided")[0]
    for notice_id in (decided.fields["notice_id"], lifted.fields["notice_id"]):
        assert await cw.status(f"notice-{notice_id}") is not None
    assert cw.facts("AppealOverdue") == []


async def test_an_appeal_decision_falls_overdue(clockwork: Clockwork) -> None:
    cw = clockwork
    await active_restriction(cw)
    await cw.sleep(days=2)
    aid = cw.story.lodge_appeal()
    received = cw.story.case.appeals[aid].received_at
    await cw.sleep(days=21)

    (overdue,) = await cw.until_fact("AppealOverdue")
    calendar = cw.app.policy_values().calendar
    assert overdue.occurred_at == end_of(calendar.add_working_days(uk_date(received), 10))
    # Overdue is escalated, not decided: the appeal stays open for its decision.
    cw.story.do("decide_appeal", SENIOR, appeal_id=aid, outcome="dismissed",
                reason="the restriction is proportionate")
    await cw.settle()
    assert (await cw.until_closed(f"appeal-{aid}")).outcome == "dismissed"


async def test_a_late_appeal_refused(clockwork: Clockwork) -> None:
    cw = clockwork
    await active_restriction(cw)
    await cw.sleep(days=40)  # well past 20 working days from the notice
    aid = cw.story.lodge_appeal()
    assert cw.story.case.appeals[aid].late
    await cw.sleep(days=20)
    assert cw.facts("AppealOverdue") == []  # no decision clock for a late appeal

    cw.story.do("reject_late_appeal", MANAGER_2, appeal_id=aid,
                reason="no reason given for the delay")
    await cw.settle()
    assert (await cw.until_closed(f"appeal-{aid}")).outcome == "rejected_as_late"


async def test_a_late_appeal_accepted_by_a_senior_manager(clockwork: Clockwork) -> None:
    cw = clockwork
    await active_restriction(cw)
    await cw.sleep(days=40)
    aid = cw.story.lodge_appeal()
    await cw.sleep(days=3)
    cw.story.do("accept_late_appeal", SENIOR_2, appeal_id=aid,
                reason="the customer was in hospital")
    accepted = cw.story.case.appeals[aid].clock_from
    assert accepted is not None
    await cw.sleep(days=20)

    (overdue,) = await cw.until_fact("AppealOverdue")
    calendar = cw.app.policy_values().calendar
    assert overdue.occurred_at == end_of(calendar.add_working_days(uk_date(accepted), 10))
    cw.story.do("decide_appeal", SENIOR, appeal_id=aid, outcome="dismissed",
                reason="the restriction is proportionate")
    await cw.settle()
    assert (await cw.until_closed(f"appeal-{aid}")).outcome == "dismissed"
    assert [f.name for f in cw.facts() if f.actor_role == "system"] == ["AppealOverdue"]
    assert cw.facts("NoticeSent")  # CASEWORKER sent the restriction notice
    assert CASEWORKER.user_id in {f.fields["actor_id"] for f in cw.facts("NoticeSent")}
