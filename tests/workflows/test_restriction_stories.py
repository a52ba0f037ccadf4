"""Restriction stories on the time-skipping server: months of clocks in seconds."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

import pytest
from temporalio.client import WorkflowExecutionStatus

from domain.calendar import add_months, end_of, start_of, uk_date
from domain.clocks import (
    appeal_window_closes,
    notice_appeal_window_closes,
    ratification_overdue_at,
    review_overdue_at,
)
from domain.terms import RestrictionTerms
from tests.unit.domain.story import CASEWORKER, MANAGER, MANAGER_2, SENIOR, TERMS
from tests.workflows.conftest import Clockwork
from workflows.restriction.activities import RestrictionInput
from workflows.restriction.workflows import RestrictionWorkflow
from workflows.schedule import Change


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


def variation_window(cw: Clockwork, rid: UUID) -> datetime:
    """When the next appeal window of the restriction closes: its variation notice opened a
    fresh one (and its own notice's may still be open, over a bank holiday season)."""
    case, policy = cw.story.case, cw.app.policy_values()
    (variation,) = [n.notice_id for n in case.notices.values()
                    if n.kind == "variation" and n.about_id == rid]
    closes = [notice_appeal_window_closes(case, n, policy) for n in (variation,)]
    if case.appeal_window_pending(rid):
        closes.append(appeal_window_closes(case, rid, policy))
    assert all(c is not None for c in closes)
    return min(c for c in closes if c is not None)


async def test_a_variation_moves_the_review(clockwork: Clockwork) -> None:
    cw = clockwork
    story = cw.story
    story.record_incident()
    rid = story.ready().activate()
    first_review = story.case.restrictions[rid].review_date
    assert first_review is not None
    await cw.sleep(days=30)

    moved_to = story.today + timedelta(days=30)
    varied = RestrictionTerms(single_point_of_contact="housing officer inbox",
                              services=("housing management", "repairs"))
    story.do("complete_review", MANAGER_2, restriction_id=rid, outcome="vary",
             reason="abuse now also at the repairs desk", next_review_date=moved_to,
             new_terms=varied)
    story.send_owed_notices()
    await cw.settle()
    schedule = await cw.client.get_workflow_handle(f"restriction-{rid}").query(
        RestrictionWorkflow.schedule)
    # the variation's notice opened a fresh appeal window, on this clock too
    assert schedule.next_due == min(start_of(moved_to), variation_window(cw, rid))

    await cw.sleep_until(start_of(moved_to) + timedelta(hours=1))
    (due,) = await cw.until_fact("ReviewDue")
    assert (due.occurred_at, due.fields["review_date"]) == (start_of(moved_to), moved_to)
    await cw.sleep_until(start_of(first_review) + timedelta(hours=1))
    assert [f.fields["review_date"] for f in cw.facts("ReviewDue")] == [moved_to]


async def test_an_immediate_restriction_not_ratified_in_time(clockwork: Clockwork) -> None:
    cw = clockwork
    story = cw.story
    rid = story.impose_immediate()
    imposed = story.case.restrictions[rid].proposed_at
    await cw.sleep(days=7)

    (overdue,) = await cw.until_fact("RatificationOverdue")
    organisation = cw.app.policy_values()
    assert overdue.occurred_at == ratification_overdue_at(story.case, rid, organisation)
    assert overdue.occurred_at == end_of(
        organisation.calendar.add_working_days(uk_date(imposed), 2))

    # Ratified late: the review clock starts, the restriction's workflow carries on.
    review_on = story.today + timedelta(days=60)
    story.do("ratify_immediate_restriction", SENIOR, restriction_id=rid,
             reason="threat confirmed by two officers", review_date=review_on)
    await cw.settle()
    schedule = await cw.client.get_workflow_handle(f"restriction-{rid}").query(
        RestrictionWorkflow.schedule)
    assert schedule.next_due == start_of(review_on)
    assert cw.facts("RatificationOverdue") == [overdue]


@pytest.mark.parametrize("action", ["escalate", "lift"])
async def test_an_overdue_review_under_each_policy_setting(clockwork: Clockwork,
                                                          action: str) -> None:
    cw = clockwork
    story = cw.story
    story.record_incident()
    rid = story.ready().activate()
    await cw.launch()
    if action == "lift":  # this case's own setting, changed while its clocks run
        story.do("override_setting", MANAGER, setting="overdue_review_action", value="lift",
                 reason="agreed with the customer's advocate")
    review_on = story.case.restrictions[rid].review_date
    assert review_on is not None
    overdue_at = review_overdue_at(story.case, rid, cw.app.policy_values())

    await cw.sleep_until(overdue_at + timedelta(hours=1))
    (overdue,) = await cw.until_fact("ReviewOverdue")
    assert overdue.occurred_at == overdue_at
    assert cw.facts("ReviewDue")[0].occurred_at == start_of(review_on)
    workflow_id = f"restriction-{rid}"
    if action == "lift":
        (lifted,) = await cw.until_fact("RestrictionLifted")
        assert lifted.fields["cause"] == "review_overdue"
        assert (await cw.until_closed(workflow_id)).outcome == "lifted"
        await cw.settle()  # the lift notice's clock starts
        assert await cw.status(f"notice-{lifted.fields['notice_id']}") is not None
    else:
        assert cw.facts("RestrictionLifted") == []
        # Escalated, not lifted: the clock waits for the review, then schedules the next one.
        next_review = story.today + timedelta(days=90)
        story.do("complete_review", MANAGER_2, restriction_id=rid, outcome="continue",
                 reason="reviewed late; contact still abusive", next_review_date=next_review)
        await cw.settle()
        schedule = await cw.client.get_workflow_handle(workflow_id).query(
            RestrictionWorkflow.schedule)
        assert schedule.next_due == start_of(next_review)


async def test_a_long_history_continues_as_new_and_keeps_its_clocks(
        clockwork: Clockwork) -> None:
    cw = clockwork
    story = cw.story
    story.record_incident()
    rid = story.ready().activate()
    workflow_id = f"restriction-{rid}"
    # Started as the launcher would, but with a low limit, so a few changes are "long".
    first = await cw.client.start_workflow(
        RestrictionWorkflow.run,
        RestrictionInput(case_id=story.case_id, restriction_id=rid, history_limit=30),
        id=workflow_id, task_queue=cw.task_queue)
    await cw.launch()  # the approval's start finds it running: USE_EXISTING
    for _ in range(6):
        await first.signal(RestrictionWorkflow.changed, Change(event="test"))
        await cw.settle()

    first_run = cw.client.get_workflow_handle(workflow_id, run_id=first.first_execution_run_id)
    assert (await first_run.describe()).status is WorkflowExecutionStatus.CONTINUED_AS_NEW
    latest = await cw.client.get_workflow_handle(workflow_id).describe()
    assert latest.run_id != first.first_execution_run_id
    assert latest.status is WorkflowExecutionStatus.RUNNING
    review_on = story.case.restrictions[rid].review_date
    assert review_on is not None
    await cw.sleep_until(start_of(review_on) + timedelta(hours=1))
    assert len(await cw.until_fact("ReviewDue")) == 1


async def test_an_extension_moves_the_expiry_and_owes_a_notice(clockwork: Clockwork) -> None:
    cw = clockwork
    story = cw.story
    story.record_incident()
    story.ready()
    first_end = story.today + timedelta(days=40)
    case = story.do("propose_restriction", CASEWORKER, terms=TERMS, evidence=[story.incident],
                    reason="abuse continued after the warning",
                    review_date=story.today + timedelta(days=90), ends_on=first_end)
    rid = next(iter(case.restrictions))
    story.do("approve_restriction", MANAGER, restriction_id=rid,
             reason="proportionate to the abuse recorded")
    story.send_owed_notices()
    await cw.sleep(days=20)

    new_end = story.today + timedelta(days=50)  # day 70: before the review on day 90
    case = story.do("extend_restriction", MANAGER_2, restriction_id=rid, ends_on=new_end,
                    reason="breaches of terms continue")
    (extension_notice,) = [n.notice_id for n in case.notices.values() if n.sent_at is None]
    await cw.settle()
    assert await cw.status(f"notice-{extension_notice}") is not None  # its dispatch clock
    story.send_owed_notices()
    await cw.sleep_until(start_of(first_end) + timedelta(days=1))
    await cw.settle()
    assert cw.facts("RestrictionExpired") == []  # the old end date passed: still in force
    schedule = await cw.client.get_workflow_handle(f"restriction-{rid}").query(
        RestrictionWorkflow.schedule)
    assert schedule.next_due == min(start_of(new_end), variation_window(cw, rid))

    await cw.sleep_until(start_of(new_end) + timedelta(hours=1))
    (expired,) = await cw.until_fact("RestrictionExpired")
    assert expired.occurred_at == start_of(new_end)
    assert (await cw.until_closed(f"restriction-{rid}")).outcome == "expired"
    assert cw.facts("ReviewDue") == []
