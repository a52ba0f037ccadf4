"""Subject access requests and Ombudsman due dates: answered or closed in time, or escalated."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from domain.calendar import end_of
from domain.clocks import subject_access_due_on
from tests.unit.domain.story import CASEWORKER, MANAGER
from tests.workflows.conftest import Clockwork


def request_access(cw: Clockwork) -> UUID:
    case = cw.story.do("record_subject_access_request", CASEWORKER)
    return next(iter(case.subject_access_requests))


async def test_an_extended_request_escalates_at_its_extended_due_date(
        clockwork: Clockwork) -> None:
    cw = clockwork
    rid = request_access(cw)
    first_due = cw.story.case.sar_due_on[rid]
    await cw.sleep(days=7)
    cw.story.do("extend_subject_access", MANAGER, request_id=rid, reason="complex request")
    extended_due = cw.story.case.sar_due_on[rid]
    assert extended_due == subject_access_due_on(cw.story.case, rid, cw.app.policy_values(),
                                                 extended=True)
    await cw.sleep_until(end_of(first_due) + timedelta(days=2))
    await cw.settle()
    assert cw.facts("SubjectAccessOverdue") == []  # the extension moved the due date

    await cw.sleep_until(end_of(extended_due) + timedelta(hours=1))
    (overdue,) = await cw.until_fact("SubjectAccessOverdue")
    assert (overdue.occurred_at, overdue.actor_role) == (end_of(extended_due), "system")
    assert overdue.fields["due_on"] == extended_due
    assert (await cw.until_closed(f"sar-{rid}")).outcome == "overdue"


async def test_an_answered_request_ends_its_clock(clockwork: Clockwork) -> None:
    cw = clockwork
    rid = request_access(cw)
    await cw.sleep(days=10)
    cw.story.do("fulfil_subject_access", CASEWORKER, request_id=rid)
    await cw.settle()
    assert (await cw.until_closed(f"sar-{rid}")).outcome == "fulfilled"
    await cw.sleep(days=60)
    assert cw.facts("SubjectAccessOverdue") == []


def ombudsman_order(cw: Clockwork, due_on: date | None) -> UUID:
    case = cw.story.do("record_ombudsman_contact", MANAGER, stage="order",
                       reference="HOS-2026-0042", due_on=due_on)
    return list(case.ombudsman)[-1]


async def test_an_ombudsman_due_date_passing_escalates(clockwork: Clockwork) -> None:
    cw = clockwork
    due_on = cw.story.today + timedelta(days=14)
    mid = ombudsman_order(cw, due_on)
    undated = ombudsman_order(cw, None)  # an enquiry with no date has no clock
    await cw.sleep(days=10)
    assert cw.facts("OmbudsmanMatterOverdue") == []

    await cw.sleep_until(end_of(due_on) + timedelta(hours=1))
    (overdue,) = await cw.until_fact("OmbudsmanMatterOverdue")
    assert (overdue.occurred_at, overdue.actor_role) == (end_of(due_on), "system")
    assert (overdue.fields["matter_id"], overdue.fields["due_on"]) == (mid, due_on)
    assert (await cw.until_closed(f"ombudsman-{mid}")).outcome == "overdue"
    assert await cw.status(f"ombudsman-{undated}") is None


async def test_an_ombudsman_matter_closed_in_time_ends_its_clock(clockwork: Clockwork) -> None:
    cw = clockwork
    due_on = cw.story.today + timedelta(days=14)
    mid = ombudsman_order(cw, due_on)
    await cw.sleep(days=5)
    cw.story.do("close_ombudsman_matter", MANAGER, matter_id=mid)
    await cw.settle()
    assert (await cw.until_closed(f"ombudsman-{mid}")).outcome == "closed"
    await cw.sleep(days=30)
    assert cw.facts("OmbudsmanMatterOverdue") == []
