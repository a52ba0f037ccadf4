"""Appeal stories: the decision clock, its escalation, late appeals, and the consequences."""

from __future__ import annotations

from datetime import timedelta

from temporalio.client import WorkflowExecutionStatus

from domain.calendar import end_of, start_of, uk_date
from domain.clocks import appeal_decision_due_on, appeal_window_closes
from tests.unit.domain.story import CASEWORKER, MANAGER_2, SENIOR, SENIOR_2
from tests.workflows.conftest import Clockwork
from workflows.restriction.workflows import RestrictionWorkflow


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
    # The window closed unappealed (which did not stop the late appeal), then the accepted
    # appeal's decider was reminded before the decision fell overdue.
    assert [f.name for f in cw.facts() if f.actor_role == "system"] == [
        "AppealWindowClosed", "AppealDecisionReminded", "AppealOverdue"]
    assert cw.facts("NoticeSent")  # CASEWORKER sent the restriction notice
    assert CASEWORKER.user_id in {f.fields["actor_id"] for f in cw.facts("NoticeSent")}


async def test_the_decider_is_reminded_before_the_decision_falls_due(
        clockwork: Clockwork) -> None:
    cw = clockwork
    await active_restriction(cw)
    await cw.sleep(days=1)
    aid = cw.story.lodge_appeal()
    organisation = cw.app.policy_values()
    due_on = appeal_decision_due_on(cw.story.case, aid, organisation)
    assert due_on is not None
    calendar = organisation.calendar
    await cw.sleep_until(start_of(due_on))

    (reminded,) = await cw.until_fact("AppealDecisionReminded")
    assert reminded.occurred_at == start_of(calendar.subtract_working_days(due_on, 2))
    assert (reminded.actor_role, reminded.fields["due_on"]) == ("system", due_on)
    assert cw.facts("AppealOverdue") == []  # reminded, not yet overdue
    await cw.sleep(days=5)
    (overdue,) = await cw.until_fact("AppealOverdue")
    assert overdue.occurred_at == end_of(due_on)
    assert len(cw.facts("AppealDecisionReminded")) == 1


async def test_the_appeal_window_closes_unappealed_and_a_late_appeal_still_comes_in(
        clockwork: Clockwork) -> None:
    cw = clockwork
    rid = await active_restriction(cw)
    closes = appeal_window_closes(cw.story.case, rid, cw.app.policy_values())
    assert closes is not None
    await cw.sleep_until(closes + timedelta(days=2))

    (closed,) = await cw.until_fact("AppealWindowClosed")
    assert (closed.occurred_at, closed.actor_role) == (closes, "system")
    assert closed.fields["notice_id"] == cw.story.case.restrictions[rid].notice_id
    aid = cw.story.lodge_appeal()
    assert cw.story.case.appeals[aid].late
    cw.story.do("accept_late_appeal", SENIOR_2, appeal_id=aid, reason="the customer was abroad")
    await cw.settle()
    assert await cw.status(f"restriction-{rid}") is WorkflowExecutionStatus.RUNNING
    assert len(cw.facts("AppealWindowClosed")) == 1


async def test_no_window_close_once_an_appeal_is_lodged_in_time(clockwork: Clockwork) -> None:
    cw = clockwork
    rid = await active_restriction(cw)
    await cw.sleep(days=3)
    aid = cw.story.lodge_appeal()
    cw.story.do("decide_appeal", SENIOR, appeal_id=aid, outcome="dismissed",
                reason="the restriction is proportionate")
    cw.story.send_owed_notices()
    await cw.settle()
    schedule = await cw.client.get_workflow_handle(f"restriction-{rid}").query(
        RestrictionWorkflow.schedule)
    review_on = cw.story.case.restrictions[rid].review_date
    assert review_on is not None and schedule.next_due == start_of(review_on)
    await cw.sleep(days=40)
    assert cw.facts("AppealWindowClosed") == []
