"""The gaps the workflow engineer reported: an appeal decision reminder, extending a
restriction, the appeal window closing, and overdue subject access requests and Ombudsman
matters. Each rule: the allowed path, and the refused path recording nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from domain import clocks, errors
from domain.actors import SYSTEM_ACTOR, Actor
from domain.calendar import Period, WorkingCalendar, end_of, start_of
from domain.settings import SEED, PolicyValues, Setting
from domain.terms import RestrictionTerms
from tests.unit.domain.story import (
    ADMIN,
    AUDITOR,
    CASEWORKER,
    MANAGER,
    MANAGER_2,
    ORG_WIDE,
    SENIOR,
    SENIOR_2,
    TERMS,
    Story,
)
from tests.unit.domain.test_clocks import fire
from tests.unit.domain.test_rules import refused

DEFAULTS = PolicyValues()


def restriction_ending(story: Story, days: int | None = 60,
                       terms: RestrictionTerms = TERMS) -> UUID:
    """An active restriction (notice sent) ending ``days`` from today, or open-ended."""
    story.ready()
    ends_on = None if days is None else story.today + timedelta(days=days)
    case = story.do("propose_restriction", CASEWORKER, terms=terms, evidence=[story.incident],
                    reason="abuse continued", review_date=story.review_date(), ends_on=ends_on)
    rid = list(case.restrictions)[-1]
    approver = SENIOR if terms.organisation_wide else MANAGER_2
    case = story.do("approve_restriction", approver, restriction_id=rid, reason="proportionate")
    story.do("record_notice_sent", CASEWORKER, notice_id=case.restrictions[rid].notice_id)
    story.restriction = rid
    return rid


# --- working days backwards ---------------------------------------------------------------

def test_working_days_count_backwards_over_weekends_and_bank_holidays() -> None:
    calendar = WorkingCalendar()
    assert calendar.subtract_working_days(date(2026, 3, 16), 2) == date(2026, 3, 12)
    # Easter 2026: Good Friday 3 April and Easter Monday 6 April are bank holidays.
    assert calendar.subtract_working_days(date(2026, 4, 7), 1) == date(2026, 4, 2)
    assert calendar.before(date(2026, 4, 7), Period.parse("1 working_days")) == date(2026, 4, 2)
    assert calendar.before(date(2026, 3, 31), Period.parse("1 months")) == date(2026, 2, 28)
    assert calendar.before(date(2026, 3, 16), Period.parse("3 calendar_days")) == date(
        2026, 3, 13)
    for day in (date(2026, 3, 2), date(2026, 12, 29)):
        assert calendar.subtract_working_days(calendar.add_working_days(day, 7), 7) == day


# --- appeal decision reminder ---------------------------------------------------------------

def test_the_reminder_setting_has_an_organisation_default() -> None:
    assert SEED[Setting.APPEAL_DECISION_REMINDER] == "2 working_days"
    assert str(DEFAULTS.period(Setting.APPEAL_DECISION_REMINDER)) == "2 working days"


def test_the_decider_is_reminded_two_working_days_before_the_decision_is_due(
        story: Story) -> None:
    restriction_ending(story, None)
    appeal = story.lodge_appeal()  # Monday 2 March: due by Monday 16 March
    assert clocks.appeal_decision_due_on(story.case, appeal, DEFAULTS) == date(2026, 3, 16)
    remind_at = clocks.appeal_decision_reminder_at(story.case, appeal, DEFAULTS)
    assert remind_at == start_of(date(2026, 3, 12))
    refused(story, errors.NotYetDue, lambda: story.app.remind_appeal_decision(
        story.case_id, appeal))
    story.clock.set(remind_at)  # type: ignore[arg-type]
    assert fire(story, "remind_appeal_decision", appeal) == 1  # once, however often fired
    event = story.app.repository.event_store.get(story.case_id)
    reminded = [e for e in event if type(e).__name__ == "AppealDecisionReminded"]
    assert [(e.due_on, e.actor_role) for e in reminded] == [(date(2026, 3, 16), "system")]
    assert story.case.appeals[appeal].reminded


def test_a_case_override_moves_the_reminder(story: Story) -> None:
    story.do("override_setting", MANAGER, setting="appeal_decision_reminder",
             value="5 working_days", reason="the decider works part time")
    restriction_ending(story, None)
    appeal = story.lodge_appeal()
    assert clocks.appeal_decision_reminder_at(story.case, appeal, DEFAULTS) == start_of(
        date(2026, 3, 9))
    organisation = PolicyValues({**SEED, Setting.APPEAL_DECISION_REMINDER: "1 working_days"})
    assert clocks.appeal_decision_reminder_at(story.case, appeal, organisation) == start_of(
        date(2026, 3, 9))  # the case's own setting wins over the organisation's


def test_a_reminder_period_as_long_as_the_decision_period_reminds_at_once(
        story: Story) -> None:
    story.do("override_setting", MANAGER, setting="appeal_decision_reminder",
             value="15 working_days", reason="r")
    restriction_ending(story, None)
    appeal = story.lodge_appeal()
    received = story.case.appeals[appeal].received_at
    assert clocks.appeal_decision_reminder_at(story.case, appeal, DEFAULTS) == received
    assert fire(story, "remind_appeal_decision", appeal) == 1


def test_the_reminder_is_the_systems_alone(story: Story) -> None:
    restriction_ending(story, None)
    appeal = story.lodge_appeal()
    story.clock.set(start_of(date(2026, 3, 13)))
    for actor in (MANAGER, SENIOR, CASEWORKER):
        refused(story, errors.RoleNotPermitted, lambda a=actor: story.app.remind_appeal_decision(
            story.case_id, appeal, a))
    story.app.remind_appeal_decision(story.case_id, appeal, SYSTEM_ACTOR)


def test_no_reminder_for_a_decided_or_unaccepted_late_appeal(story: Story) -> None:
    restriction_ending(story, None)
    appeal = story.lodge_appeal()
    story.do("decide_appeal", SENIOR_2, appeal_id=appeal, outcome="dismissed", reason="r")
    story.clock.set(start_of(date(2026, 3, 13)))
    assert fire(story, "remind_appeal_decision", appeal) == 0

    story.clock.advance(days=60)  # well past the window: a late appeal has no clock yet
    late = story.lodge_appeal()
    assert clocks.appeal_decision_reminder_at(story.case, late, DEFAULTS) is None
    assert fire(story, "remind_appeal_decision", late) == 0
    story.do("accept_late_appeal", SENIOR_2, appeal_id=late, reason="in hospital")
    remind_at = clocks.appeal_decision_reminder_at(story.case, late, DEFAULTS)
    assert remind_at is not None and remind_at > story.clock.now
    story.clock.set(remind_at)
    assert fire(story, "remind_appeal_decision", late) == 1


def test_no_reminder_once_the_decision_is_overdue(story: Story) -> None:
    restriction_ending(story, None)
    appeal = story.lodge_appeal()
    story.clock.set(datetime(2026, 3, 17, 0, 0, tzinfo=UTC))
    assert fire(story, "mark_appeal_overdue", appeal) == 1
    assert fire(story, "remind_appeal_decision", appeal) == 0


# --- extending a restriction ----------------------------------------------------------------

def test_a_manager_extends_an_active_restriction_and_owes_a_notice(story: Story) -> None:
    rid = restriction_ending(story, 60)
    old_end = story.case.restrictions[rid].ends_on
    new_end = story.today + timedelta(days=120)
    case = story.do("extend_restriction", MANAGER, restriction_id=rid, ends_on=new_end,
                    reason="breaches of terms continue")
    assert case.restrictions[rid].ends_on == new_end
    assert clocks.expiry_at(case, rid) == start_of(new_end)
    (owed,) = [n for n in case.notices.values() if n.sent_at is None]
    assert (owed.kind, owed.about_id) == ("variation", rid)
    (extended,) = [e for e in story.app.repository.event_store.get(story.case_id)
                   if type(e).__name__ == "RestrictionExtended"]
    assert (extended.previous_ends_on, extended.ends_on) == (old_end, new_end)
    assert str(extended.reason) == "breaches of terms continue"


def test_an_open_ended_restriction_can_be_given_an_end_date(story: Story) -> None:
    rid = restriction_ending(story, None)
    end = story.today + timedelta(days=30)
    case = story.do("extend_restriction", SENIOR, restriction_id=rid, ends_on=end, reason="r")
    assert case.restrictions[rid].ends_on == end


@pytest.mark.parametrize("actor", [CASEWORKER, AUDITOR, ADMIN])
def test_only_managers_extend(story: Story, actor: Actor) -> None:
    rid = restriction_ending(story)
    refused(story, errors.RoleNotPermitted, lambda: story.do(
        "extend_restriction", actor, restriction_id=rid,
        ends_on=story.today + timedelta(days=90), reason="r"))
    refused(story, errors.RoleNotPermitted, lambda: story.app.extend_restriction(
        story.case_id, SYSTEM_ACTOR, restriction_id=rid,
        ends_on=story.today + timedelta(days=90), reason="r"))


def test_an_extension_needs_a_reason(story: Story) -> None:
    rid = restriction_ending(story)
    refused(story, errors.ReasonRequired, lambda: story.do(
        "extend_restriction", MANAGER, restriction_id=rid,
        ends_on=story.today + timedelta(days=90), reason="  "))


def test_the_new_end_date_is_in_the_future_and_later(story: Story) -> None:
    rid = restriction_ending(story, 60)
    current = story.case.restrictions[rid].ends_on
    assert current is not None
    for ends_on in (story.today, story.today - timedelta(days=1)):
        refused(story, errors.EndDateInPast, lambda e=ends_on: story.do(
            "extend_restriction", MANAGER, restriction_id=rid, ends_on=e, reason="r"))
    for ends_on in (current, current - timedelta(days=10)):
        refused(story, errors.EndDateNotLater, lambda e=ends_on: story.do(
            "extend_restriction", MANAGER, restriction_id=rid, ends_on=e, reason="r"))
    story.do("extend_restriction", MANAGER, restriction_id=rid,
             ends_on=current + timedelta(days=1), reason="r")


def test_only_an_active_restriction_is_extended(story: Story) -> None:
    later = story.today + timedelta(days=200)
    proposed = (story.ready(), story.propose())[1]
    refused(story, errors.RestrictionNotActive, lambda: story.do(
        "extend_restriction", MANAGER, restriction_id=proposed, ends_on=later, reason="r"))
    immediate = story.impose_immediate()
    refused(story, errors.RestrictionNotActive, lambda: story.do(
        "extend_restriction", MANAGER, restriction_id=immediate, ends_on=later, reason="r"))
    lifted = restriction_ending(story)
    story.do("lift_restriction", MANAGER, restriction_id=lifted, reason="improved")
    refused(story, errors.RestrictionNotActive, lambda: story.do(
        "extend_restriction", MANAGER, restriction_id=lifted, ends_on=later, reason="r"))
    refused(story, errors.NotFound, lambda: story.do(
        "extend_restriction", MANAGER, restriction_id=uuid4(), ends_on=later, reason="r"))


def test_a_restriction_past_its_end_date_is_not_revived(story: Story) -> None:
    rid = restriction_ending(story, 10)
    story.clock.advance(days=10)  # the end date has come; the expiry is not recorded yet
    assert story.case.restrictions[rid].status == "active"
    refused(story, errors.RestrictionNotActive, lambda: story.do(
        "extend_restriction", MANAGER, restriction_id=rid,
        ends_on=story.today + timedelta(days=30), reason="r"))


def test_an_organisation_wide_restriction_is_extended_by_a_senior_manager(
        story: Story) -> None:
    rid = restriction_ending(story, 60, ORG_WIDE)
    later = story.today + timedelta(days=90)
    refused(story, errors.OrganisationWideNeedsSeniorManager, lambda: story.do(
        "extend_restriction", MANAGER, restriction_id=rid, ends_on=later, reason="r"))
    story.do("extend_restriction", SENIOR_2, restriction_id=rid, ends_on=later, reason="r")


def test_a_conflicted_manager_cannot_extend(story: Story) -> None:
    rid = restriction_ending(story)
    story.do("record_counter_allegation", CASEWORKER, staff_id=MANAGER.user_id,
             summary="says the manager was rude")
    later = story.today + timedelta(days=90)
    refused(story, errors.StaffConflicted, lambda: story.do(
        "extend_restriction", MANAGER, restriction_id=rid, ends_on=later, reason="r"))
    story.do("extend_restriction", MANAGER_2, restriction_id=rid, ends_on=later, reason="r")


# --- the appeal window closing --------------------------------------------------------------

def test_the_appeal_window_closes_with_no_appeal_and_a_late_appeal_is_still_possible(
        story: Story) -> None:
    rid = restriction_ending(story, None)
    closes = clocks.appeal_window_closes(story.case, rid, DEFAULTS)
    assert closes == datetime(2026, 3, 30, 23, 0, tzinfo=UTC)
    refused(story, errors.NotYetDue, lambda: story.app.close_appeal_window(story.case_id, rid))
    story.clock.set(closes)  # type: ignore[arg-type]
    assert fire(story, "close_appeal_window", rid) == 1
    assert story.case.restrictions[rid].appeal_window_closed
    assert not story.case.appeal_window_pending(rid)

    appeal = story.lodge_appeal()  # not blocked: recorded as late
    assert story.case.appeals[appeal].late
    story.do("accept_late_appeal", SENIOR_2, appeal_id=appeal, reason="in hospital")
    assert story.case.appeals[appeal].status == "lodged"


def test_no_window_close_when_an_appeal_was_lodged_in_time(story: Story) -> None:
    rid = restriction_ending(story, None)
    appeal = story.lodge_appeal()
    story.do("decide_appeal", SENIOR_2, appeal_id=appeal, outcome="dismissed", reason="r")
    assert not story.case.appeal_window_pending(rid)
    story.clock.set(datetime(2026, 4, 1, tzinfo=UTC))
    assert fire(story, "close_appeal_window", rid) == 0


def test_no_window_before_the_notice_is_sent_nor_after_a_lift(story: Story) -> None:
    story.ready()
    rid = story.propose()
    story.do("approve_restriction", MANAGER_2, restriction_id=rid, reason="r")
    story.clock.advance(days=60)
    refused(story, errors.NotYetDue, lambda: story.app.close_appeal_window(story.case_id, rid))
    story.do("lift_restriction", MANAGER, restriction_id=rid, reason="improved")
    assert fire(story, "close_appeal_window", rid) == 0


def test_closing_the_window_is_the_systems_alone(story: Story) -> None:
    rid = restriction_ending(story, None)
    story.clock.advance(days=40)
    for actor in (MANAGER, SENIOR, CASEWORKER):
        refused(story, errors.RoleNotPermitted, lambda a=actor: story.app.close_appeal_window(
            story.case_id, rid, a))


# --- subject access requests overdue -------------------------------------------------------

def sar(story: Story) -> UUID:
    case = story.do("record_subject_access_request", CASEWORKER)
    return next(iter(case.subject_access_requests))


def test_an_unanswered_subject_access_request_escalates_at_its_due_date(story: Story) -> None:
    request = sar(story)
    due = clocks.subject_access_overdue_at(story.case, request)
    assert due == end_of(clocks.subject_access_due_on(story.case, request, DEFAULTS))
    assert due == end_of(date(2026, 4, 2))
    refused(story, errors.NotYetDue, lambda: story.app.escalate_subject_access_overdue(
        story.case_id, request))
    story.clock.set(due)
    assert fire(story, "escalate_subject_access_overdue", request) == 1
    assert request in story.case.sar_overdue


def test_an_extension_moves_the_escalation(story: Story) -> None:
    request = sar(story)
    story.do("extend_subject_access", MANAGER, request_id=request, reason="complex request")
    due = clocks.subject_access_overdue_at(story.case, request)
    assert due == end_of(clocks.subject_access_due_on(story.case, request, DEFAULTS,
                                                      extended=True))
    story.clock.set(end_of(date(2026, 4, 2)))
    refused(story, errors.NotYetDue, lambda: story.app.escalate_subject_access_overdue(
        story.case_id, request))
    story.clock.set(due)
    assert fire(story, "escalate_subject_access_overdue", request) == 1


def test_an_answered_request_never_escalates(story: Story) -> None:
    request = sar(story)
    story.do("fulfil_subject_access", CASEWORKER, request_id=request)
    story.clock.set(end_of(date(2026, 6, 30)))
    assert fire(story, "escalate_subject_access_overdue", request) == 0


def test_subject_access_escalation_roles_and_unknown_requests(story: Story) -> None:
    request = sar(story)
    story.clock.set(end_of(date(2026, 4, 2)))
    refused(story, errors.RoleNotPermitted, lambda: story.app.escalate_subject_access_overdue(
        story.case_id, request, CASEWORKER))
    refused(story, errors.NotFound, lambda: story.app.escalate_subject_access_overdue(
        story.case_id, uuid4()))
    story.app.escalate_subject_access_overdue(story.case_id, request, MANAGER)
    assert request in story.case.sar_overdue


# --- Ombudsman due dates --------------------------------------------------------------------

def matter(story: Story, due_on: date | None) -> UUID:
    case = story.do("record_ombudsman_contact", MANAGER, stage="order", reference="HOS-9",
                    due_on=due_on)
    return list(case.ombudsman)[-1]


def test_an_ombudsman_due_date_passing_escalates(story: Story) -> None:
    matter_id = matter(story, date(2026, 4, 1))
    due = clocks.ombudsman_overdue_at(story.case, matter_id)
    assert due == end_of(date(2026, 4, 1))
    refused(story, errors.NotYetDue, lambda: story.app.escalate_ombudsman_overdue(
        story.case_id, matter_id))
    story.clock.set(due)
    assert fire(story, "escalate_ombudsman_overdue", matter_id) == 1
    assert story.case.ombudsman[matter_id].overdue


def test_a_closed_ombudsman_matter_never_escalates(story: Story) -> None:
    matter_id = matter(story, date(2026, 4, 1))
    story.do("close_ombudsman_matter", MANAGER, matter_id=matter_id)
    story.clock.set(end_of(date(2026, 5, 1)))
    assert fire(story, "escalate_ombudsman_overdue", matter_id) == 0


def test_ombudsman_escalation_needs_a_due_date_and_the_right_role(story: Story) -> None:
    undated = matter(story, None)
    assert clocks.ombudsman_overdue_at(story.case, undated) is None
    refused(story, errors.NotYetDue, lambda: story.app.escalate_ombudsman_overdue(
        story.case_id, undated))
    dated = matter(story, date(2026, 3, 3))
    story.clock.set(end_of(date(2026, 3, 3)))
    refused(story, errors.RoleNotPermitted, lambda: story.app.escalate_ombudsman_overdue(
        story.case_id, dated, CASEWORKER))
    refused(story, errors.NotFound, lambda: story.app.escalate_ombudsman_overdue(
        story.case_id, uuid4()))
    story.app.escalate_ombudsman_overdue(story.case_id, dated, MANAGER)
    assert story.case.ombudsman[dated].overdue
