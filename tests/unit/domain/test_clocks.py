"""Clocks: pure due dates, and idempotent commands the workflows call when a clock fires."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from domain import clocks, errors
from domain.calendar import end_of, start_of
from domain.settings import PolicyValues
from tests.unit.domain.story import CASEWORKER, MANAGER, MANAGER_2, SENIOR, SYSTEM, TERMS, Story

DEFAULTS = PolicyValues()


def fire(story: Story, command: str, part_id: object) -> int:
    """Call a clock command twice (at-least-once delivery); return the events it added."""
    before = story.case.version
    getattr(story.app, command)(story.case_id, part_id)
    after = story.case.version
    getattr(story.app, command)(story.case_id, part_id)
    assert story.case.version == after, f"{command} recorded its fact twice"
    return after - before


def test_review_due_then_overdue(story: Story) -> None:
    story.ready()
    restriction = story.activate()
    due = clocks.review_due_at(story.case, restriction)
    assert due == start_of(story.case.restrictions[restriction].review_date or date.min)
    with pytest.raises(errors.NotYetDue):
        story.app.mark_review_due(story.case_id, restriction)
    story.clock.set(due)
    assert fire(story, "mark_review_due", restriction) == 1
    overdue = clocks.review_overdue_at(story.case, restriction, DEFAULTS)
    assert overdue > due + timedelta(days=5)
    with pytest.raises(errors.NotYetDue):
        story.app.escalate_review_overdue(story.case_id, restriction)
    story.clock.set(overdue)
    assert fire(story, "escalate_review_overdue", restriction) == 1
    assert story.case.restrictions[restriction].status == "active"  # escalate only


def test_overdue_review_lifts_when_policy_says_so(story: Story) -> None:
    story.ready()
    story.do("override_setting", MANAGER, setting="overdue_review_action", value="lift",
             reason="committee decision for this case")
    restriction = story.activate()
    story.clock.set(clocks.review_overdue_at(story.case, restriction, DEFAULTS))
    assert fire(story, "escalate_review_overdue", restriction) == 2
    case = story.case
    assert case.restrictions[restriction].status == "lifted"
    assert any(n.kind == "lift" and n.sent_at is None for n in case.notices.values())


def test_expiry_at_the_end_date(story: Story) -> None:
    story.ready()
    case = story.do("propose_restriction", CASEWORKER, terms=TERMS, evidence=[story.incident],
        reason="r", review_date=story.review_date(), ends_on=story.today + timedelta(days=60))
    restriction = list(case.restrictions)[-1]
    story.do("approve_restriction", MANAGER_2, restriction_id=restriction, reason="r")
    expires = clocks.expiry_at(story.case, restriction)
    assert expires is not None
    with pytest.raises(errors.NotYetDue):
        story.app.expire_restriction(story.case_id, restriction)
    story.clock.set(expires)
    assert fire(story, "expire_restriction", restriction) == 1
    assert story.case.restrictions[restriction].status == "expired"
    assert clocks.expiry_at(story.case, restriction) is None


def test_ratification_overdue(story: Story) -> None:
    restriction = story.impose_immediate()  # Monday 2 March
    due = clocks.ratification_overdue_at(story.case, restriction, DEFAULTS)
    assert due == datetime(2026, 3, 5, 0, 0, tzinfo=UTC)  # end of Wednesday
    with pytest.raises(errors.NotYetDue):
        story.app.escalate_ratification_overdue(story.case_id, restriction)
    story.clock.set(due)
    assert fire(story, "escalate_ratification_overdue", restriction) == 1
    story.do("ratify_immediate_restriction", SENIOR, restriction_id=restriction, reason="r",
             review_date=story.review_date())
    assert fire(story, "escalate_ratification_overdue", restriction) == 0


def test_appeal_window_starts_with_the_notice(story: Story) -> None:
    story.ready()
    restriction = story.propose()
    story.do("approve_restriction", MANAGER_2, restriction_id=restriction, reason="r")
    assert clocks.appeal_window_closes(story.case, restriction, DEFAULTS) is None
    notice = story.case.restrictions[restriction].notice_id
    story.do("record_notice_sent", CASEWORKER, notice_id=notice)
    closes = clocks.appeal_window_closes(story.case, restriction, DEFAULTS)
    assert closes == datetime(2026, 3, 30, 23, 0, tzinfo=UTC)  # end of 30 March BST


def test_appeal_decision_overdue(story: Story) -> None:
    story.ready()
    story.activate()
    appeal = story.lodge_appeal()
    due = clocks.appeal_decision_overdue_at(story.case, appeal, DEFAULTS)
    assert due == datetime(2026, 3, 17, 0, 0, tzinfo=UTC)
    with pytest.raises(errors.NotYetDue):
        story.app.mark_appeal_overdue(story.case_id, appeal)
    story.clock.set(due)  # type: ignore[arg-type]
    assert fire(story, "mark_appeal_overdue", appeal) == 1


def test_warning_lapse_restarts_after_an_incident(story: Story) -> None:
    story.raise_concern()
    case = story.do("give_warning", CASEWORKER, kind="informal", evidence=[story.incident],
                    reason="r")
    warning = next(iter(case.warnings))
    first = clocks.warning_lapses_at(story.case, warning, DEFAULTS)
    assert first == start_of(date(2026, 9, 2))
    story.clock.advance(days=30)
    story.record_incident()
    later = clocks.warning_lapses_at(story.case, warning, DEFAULTS)
    assert later > first
    story.clock.set(first)
    with pytest.raises(errors.NotYetDue):
        story.app.lapse_warning(story.case_id, warning)
    story.clock.set(later)
    assert fire(story, "lapse_warning", warning) == 1


def test_notice_dispatch_next_working_day(story: Story) -> None:
    story.clock.set(datetime(2026, 12, 24, 11, 0, tzinfo=UTC))
    story.raise_concern()
    case = story.do("give_warning", CASEWORKER, kind="informal", evidence=[story.incident],
                    reason="r")
    notice = next(iter(case.notices))
    due = clocks.notice_overdue_at(story.case, notice, DEFAULTS)
    assert due == end_of(date(2026, 12, 29))
    story.clock.set(due)
    assert fire(story, "escalate_notice_overdue", notice) == 1
    story.do("record_notice_sent", CASEWORKER, notice_id=notice)
    assert story.case.notices[notice].sent_at is not None


def test_clock_commands_are_no_ops_once_the_fact_is_recorded(story: Story) -> None:
    story.ready()
    restriction = story.activate()
    story.do("lift_restriction", MANAGER, restriction_id=restriction, reason="improved")
    for command in ("mark_review_due", "escalate_review_overdue", "expire_restriction"):
        assert fire(story, command, restriction) == 0
    version = story.case.version
    for _ in range(2):
        story.app.lift_restriction(story.case_id, SYSTEM, restriction_id=restriction,
                                   reason="review overdue")
    assert story.case.version == version


def test_subject_access_due(story: Story) -> None:
    case = story.do("record_subject_access_request", CASEWORKER)
    request = next(iter(case.subject_access_requests))
    assert clocks.subject_access_due_on(case, request, DEFAULTS) == date(2026, 4, 2)
    assert clocks.subject_access_due_on(case, request, DEFAULTS, extended=True) == date(
        2026, 6, 2)


def test_a_case_can_use_another_nations_bank_holidays(story: Story) -> None:
    story.clock.set(datetime(2026, 3, 16, 11, 0, tzinfo=UTC))  # Monday
    story.raise_concern()
    case = story.do("give_warning", CASEWORKER, kind="informal", evidence=[story.incident],
                    reason="r")
    notice = next(iter(case.notices))
    assert clocks.notice_overdue_at(case, notice, DEFAULTS) == end_of(date(2026, 3, 17))
    case = story.do("override_setting", MANAGER, setting="nation", value="northern_ireland",
                    reason="customer's tenancy is with the Belfast office")
    assert clocks.notice_overdue_at(case, notice, DEFAULTS) == end_of(date(2026, 3, 18))


def test_ombudsman_due_dates_are_kept(story: Story) -> None:
    case = story.do("record_ombudsman_contact", MANAGER, stage="order", reference="HOS-9",
                    due_on=date(2026, 4, 1))
    matter = next(iter(case.ombudsman))
    assert clocks.ombudsman_due_at(case, matter) == start_of(date(2026, 4, 1))


# --- contact triage: a setting, not a constant ---------------------------------------------

def test_contact_triage_is_due_by_the_organisations_period_in_working_days(
        story: Story) -> None:
    friday = datetime(2026, 3, 6, 16, 0, tzinfo=UTC)
    story.clock.set(friday)
    contact = story.record_contact()
    due = clocks.contact_triage_due_at(story.case, contact, DEFAULTS)
    assert due == end_of(date(2026, 3, 10))  # two working days: Monday, Tuesday
    assert clocks.contact_triage_due_on(friday, DEFAULTS) == date(2026, 3, 10)
    longer = DEFAULTS.with_overrides({"contact_triage_period": "5 working_days"})
    assert clocks.contact_triage_due_at(story.case, contact, longer) == end_of(
        date(2026, 3, 13))


def test_a_case_override_of_the_triage_period_needs_a_reason_and_applies(
        story: Story) -> None:
    contact = story.record_contact()
    with pytest.raises(errors.ReasonRequired):
        story.do("override_setting", MANAGER, setting="contact_triage_period",
                 value="1 working_days", reason=" ")
    with pytest.raises(errors.RoleNotPermitted):
        story.do("override_setting", CASEWORKER, setting="contact_triage_period",
                 value="1 working_days", reason="safeguarding concerns")
    story.do("override_setting", MANAGER, setting="contact_triage_period",
             value="1 working_days", reason="safeguarding concerns: read the same day")
    recorded = story.case.contacts[contact].recorded_at
    assert recorded is not None
    assert clocks.contact_triage_due_at(story.case, contact, DEFAULTS) == end_of(
        story.case.policy(DEFAULTS).calendar.add_working_days(recorded.date(), 1))


def test_a_back_dated_contact_is_due_from_when_it_was_recorded(story: Story) -> None:
    story.clock.set(datetime(2026, 3, 10, 9, 0, tzinfo=UTC))
    case = story.do("record_contact", CASEWORKER, channel="letter", direction="inbound",
                    occurred_at=datetime(2026, 3, 2, 9, 0, tzinfo=UTC), summary="a letter")
    contact = list(case.contacts)[-1]
    assert clocks.contact_triage_due_at(story.case, contact, DEFAULTS) == end_of(
        date(2026, 3, 12))
