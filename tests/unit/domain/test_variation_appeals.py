"""A variation or extension notice opens a fresh appeal window for the changed terms.

POLICY.md: an appeal is lodged within the appeal window counted in working days from the
notice date. The restriction's own notice opens one; so does each variation notice (a review
that varies the terms, an extension of the end date), counted from that notice. An appeal
decision's notice opens none: the appeal decision is final (the customer may go to the
Ombudsman). Each rule: the allowed path, and the refused path recording nothing.
"""

from __future__ import annotations

import json
from datetime import timedelta
from uuid import UUID, uuid4

from eventsourcing.persistence import StoredEvent

from domain import clocks, errors
from domain.calendar import end_of
from domain.settings import PolicyValues
from domain.terms import RestrictionTerms
from tests.unit.domain.story import CASEWORKER, MANAGER, MANAGER_2, SENIOR, SENIOR_2, Story
from tests.unit.domain.test_extensions_and_escalations import restriction_ending
from tests.unit.domain.test_rules import refused

DEFAULTS = PolicyValues()
NEW_TERMS = RestrictionTerms(single_point_of_contact="tenancy team inbox",
                             services=("housing management",))


def extended(story: Story, rid: UUID, days_later: int = 10, actor: object = MANAGER) -> UUID:
    """Extend the restriction ``days_later`` days on and send its variation notice."""
    story.clock.advance(days=days_later)
    case = story.do("extend_restriction", actor, restriction_id=rid,  # type: ignore[arg-type]
                    ends_on=story.today + timedelta(days=200), reason="breaches continue")
    (variation,) = [n for n in case.notices.values()
                    if n.kind == "variation" and n.sent_at is None]
    story.do("record_notice_sent", CASEWORKER, notice_id=variation.notice_id)
    return variation.notice_id


def lodge(story: Story, rid: UUID, notice_id: UUID | None = None) -> UUID:
    case = story.do("lodge_appeal", MANAGER_2, restriction_id=rid, grounds="not fair",
                    notice_id=notice_id)
    return list(case.appeals)[-1]


def test_an_extension_notice_opens_a_fresh_window_counted_from_its_date(story: Story) -> None:
    rid = restriction_ending(story, 60)
    first_closes = clocks.appeal_window_closes(story.case, rid, DEFAULTS)
    variation = extended(story, rid)
    assert clocks.appealable_notices(story.case, rid) == [
        story.case.restrictions[rid].notice_id, variation]
    closes = clocks.notice_appeal_window_closes(story.case, variation, DEFAULTS)
    sent = story.case.notices[variation].sent_at
    assert sent is not None and first_closes is not None and closes is not None
    assert closes == end_of(DEFAULTS.calendar.after(sent.date(), DEFAULTS.period(
        clocks.Setting.APPEAL_WINDOW)))
    assert closes > first_closes

    story.clock.set(first_closes + timedelta(days=1))  # the first window has closed
    appeal = lodge(story, rid, variation)
    answered = story.case.appeals[appeal]
    assert (answered.late, answered.status, answered.notice_id) == (False, "lodged", variation)


def test_an_appeal_is_late_only_against_the_window_of_the_notice_it_answers(
        story: Story) -> None:
    rid = restriction_ending(story, 60)
    first_closes = clocks.appeal_window_closes(story.case, rid, DEFAULTS)
    variation = extended(story, rid)
    assert first_closes is not None
    story.clock.set(first_closes + timedelta(days=1))
    against_the_decision = lodge(story, rid)  # the restriction's own notice: its window closed
    appeal = story.case.appeals[against_the_decision]
    assert appeal.late and appeal.notice_id == story.case.restrictions[rid].notice_id
    story.do("reject_late_appeal", MANAGER, appeal_id=against_the_decision, reason="too late")

    closes = clocks.notice_appeal_window_closes(story.case, variation, DEFAULTS)
    assert closes is not None
    story.clock.set(closes)  # the variation's window has closed too
    late = lodge(story, rid, variation)
    assert story.case.appeals[late].late


def test_an_appeal_decision_is_final_and_other_notices_open_no_window(story: Story) -> None:
    rid = restriction_ending(story, 60)
    appeal = lodge(story, rid)
    case = story.do("decide_appeal", SENIOR_2, appeal_id=appeal, outcome="varied",
                    reason="a narrower contact route is enough", new_terms=NEW_TERMS)
    (outcome,) = [n.notice_id for n in case.notices.values() if n.kind == "appeal_outcome"]
    story.do("record_notice_sent", CASEWORKER, notice_id=outcome)
    assert outcome not in clocks.appealable_notices(story.case, rid)
    assert clocks.notice_appeal_window_closes(story.case, outcome, DEFAULTS) is None
    code = refused(story, errors.NoticeNotAppealable, lambda: lodge(story, rid, outcome))
    assert code == "notice-not-appealable"
    refused(story, errors.NotFound, lambda: lodge(story, rid, uuid4()))

    story.clock.advance(days=5)
    case = story.do("complete_review", MANAGER, restriction_id=rid, outcome="continue",
                    reason="still needed", next_review_date=story.today + timedelta(days=60))
    (review,) = [n.notice_id for n in case.notices.values() if n.kind == "review_outcome"]
    refused(story, errors.NoticeNotAppealable, lambda: lodge(story, rid, review))


def test_a_variation_of_another_restriction_is_not_this_ones(story: Story) -> None:
    rid = restriction_ending(story, 60)
    variation = extended(story, rid)
    other = restriction_ending(story, 60)
    refused(story, errors.NoticeNotAppealable, lambda: lodge(story, other, variation))


def test_a_review_that_varies_the_terms_opens_a_window(story: Story) -> None:
    rid = restriction_ending(story, 60)
    story.clock.advance(days=30)
    case = story.do("complete_review", MANAGER, restriction_id=rid, outcome="vary",
                    reason="narrower terms", next_review_date=story.today + timedelta(days=60),
                    new_terms=NEW_TERMS)
    (variation,) = [n.notice_id for n in case.notices.values() if n.kind == "variation"]
    assert lodge(story, rid, variation)  # before it is sent: not late (the window has not
    assert not story.case.appeals[list(story.case.appeals)[-1]].late  # started)


def test_each_window_closes_by_itself_with_no_appeal(story: Story) -> None:
    rid = restriction_ending(story, 60)
    own = story.case.restrictions[rid].notice_id
    first_closes = clocks.appeal_window_closes(story.case, rid, DEFAULTS)
    variation = extended(story, rid)
    closes = clocks.notice_appeal_window_closes(story.case, variation, DEFAULTS)
    assert first_closes is not None and closes is not None
    story.clock.set(first_closes)
    story.app.close_appeal_window(story.case_id, rid)
    assert story.case.restrictions[rid].appeal_window_closed
    assert story.case.appeal_window_pending(rid, variation)
    refused(story, errors.NotYetDue, lambda: story.app.close_appeal_window(
        story.case_id, rid, notice_id=variation))

    story.clock.set(closes)
    before = story.case.version
    story.app.close_appeal_window(story.case_id, rid, notice_id=variation)
    story.app.close_appeal_window(story.case_id, rid, notice_id=variation)  # once only
    assert story.case.version == before + 1
    closed = [e for e in story.app.repository.event_store.get(story.case_id)
              if type(e).__name__ == "AppealWindowClosed"]
    assert [e.notice_id for e in closed] == [own, variation]  # type: ignore[attr-defined]
    assert not story.case.appeal_window_pending(rid, variation)
    assert story.case.appeals == {} and lodge(story, rid, variation)  # late, still possible
    refused(story, errors.RoleNotPermitted, lambda: story.app.close_appeal_window(
        story.case_id, rid, MANAGER, notice_id=variation))


def test_an_appeal_in_time_stops_only_its_own_window(story: Story) -> None:
    rid = restriction_ending(story, 60)
    variation = extended(story, rid)
    appeal = lodge(story, rid, variation)
    assert not story.case.appeal_window_pending(rid, variation)
    assert story.case.appeal_window_pending(rid)
    story.do("decide_appeal", SENIOR_2, appeal_id=appeal, outcome="dismissed", reason="fair")
    closes = clocks.notice_appeal_window_closes(story.case, variation, DEFAULTS)
    assert closes is not None
    story.clock.set(closes)
    before = story.case.version
    story.app.close_appeal_window(story.case_id, rid, notice_id=variation)
    assert story.case.version == before  # answered in time: nothing to close


def test_whoever_extended_it_may_not_decide_the_appeal_against_it(story: Story) -> None:
    rid = restriction_ending(story, 60)
    variation = extended(story, rid, actor=SENIOR)
    appeal = lodge(story, rid, variation)
    refused(story, errors.DeciderInvolved, lambda: story.do(
        "decide_appeal", SENIOR, appeal_id=appeal, outcome="dismissed", reason="fair"))
    story.do("decide_appeal", SENIOR_2, appeal_id=appeal, outcome="dismissed", reason="fair")


def test_a_v1_appeal_answers_the_restrictions_own_notice(story: Story) -> None:
    rid = restriction_ending(story, 60)
    variation = extended(story, rid)
    subject = str(story.case_id)
    v1_state = json.dumps({
        "timestamp": {"_type_": "datetime_iso", "_data_": story.clock.now.isoformat()},
        "actor_id": "maya", "actor_role": "manager",
        "occurred_at": {"_type_": "datetime_iso", "_data_": story.clock.now.isoformat()},
        "recorded_at": {"_type_": "datetime_iso", "_data_": story.clock.now.isoformat()},
        "command_id": None, "appeal_id": {"_type_": "uuid_hex", "_data_": uuid4().hex},
        "restriction_id": {"_type_": "uuid_hex", "_data_": rid.hex}, "late": False,
        "grounds": {"_type_": "personal_data", "_data_": {"subject": subject, "erased": True}},
    }).encode()
    story.app.recorder.insert_events([StoredEvent(
        originator_id=story.case_id, originator_version=story.case.version + 1,
        topic="upc.case:Case.AppealLodged", state=v1_state)])
    (appeal,) = story.case.appeals.values()
    assert appeal.notice_id is None and not appeal.late
    assert not story.case.appeal_window_pending(rid)  # it answered the restriction's notice
    assert story.case.appeal_window_pending(rid, variation)
