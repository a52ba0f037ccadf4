"""Equality monitoring: optional answers given with separate consent, sealed with the
customer's key, withdrawable, counted only while consented and gone with erasure."""

from __future__ import annotations

from domain import errors
from domain.application import CaseService
from domain.equality import NOT_RECORDED, categories, parse_answers
from tests.unit.domain.story import ADMIN, CASEWORKER, COMMITTEE, AUDITOR, Story
from tests.unit.domain.test_rules import refused
from tests.unit.domain.test_sealed_text import stored_text

ANSWERS = {"age_band": "35_44", "disability": "yes", "ethnicity": "prefer_not_to_say",
           "religion": "sikh"}


def test_answers_are_sealed_and_opened_only_for_the_report(story: Story,
                                                          app: CaseService) -> None:
    story.do("record_equality_monitoring", CASEWORKER, answers=ANSWERS, consent=True)
    at_rest = stored_text(app, story.case_id)
    assert "\"consent\":\"given\"" in at_rest
    assert "sikh" not in at_rest and "35_44" not in at_rest
    assert app.equality_answers() == {story.case_id: ANSWERS}
    assert story.case.equality_consent


def test_later_answers_replace_earlier_and_withdrawal_stops_the_counting(
        story: Story, app: CaseService) -> None:
    story.do("record_equality_monitoring", CASEWORKER, answers=ANSWERS, consent=True)
    story.do("record_equality_monitoring", CASEWORKER, answers={"sex": "female"},
             consent=True)
    assert app.equality_answers() == {story.case_id: {"sex": "female"}}
    story.do("withdraw_equality_consent", CASEWORKER)
    assert app.equality_answers() == {}
    assert not story.case.equality_consent
    refused(story, errors.EqualityConsentNotGiven,
            lambda: story.do("withdraw_equality_consent", CASEWORKER))


def test_nothing_is_recorded_without_consent_or_with_unknown_answers(story: Story) -> None:
    record = story.app.record_equality_monitoring
    assert refused(story, errors.EqualityConsentRequired, lambda: record(
        story.case_id, CASEWORKER, answers=ANSWERS, consent=False)) == \
        "equality-consent-required"
    assert refused(story, errors.EqualityAnswerUnknown, lambda: record(
        story.case_id, CASEWORKER, answers={"age_band": "about forty"}, consent=True)) == \
        "equality-answer-unknown"
    refused(story, errors.EqualityAnswerUnknown, lambda: record(
        story.case_id, CASEWORKER, answers={"star_sign": "leo"}, consent=True))
    refused(story, errors.EqualityAnswersRequired, lambda: record(
        story.case_id, CASEWORKER, answers={}, consent=True))
    for actor in (COMMITTEE, AUDITOR, ADMIN):
        refused(story, errors.RoleNotPermitted, lambda: record(
            story.case_id, actor, answers=ANSWERS, consent=True))


def test_erasure_takes_the_answers_and_nothing_new_can_be_recorded(story: Story,
                                                                   app: CaseService) -> None:
    story.do("record_equality_monitoring", CASEWORKER, answers=ANSWERS, consent=True)
    story.do("erase_person", ADMIN)
    assert app.equality_answers() == {}
    refused(story, errors.SubjectErased, lambda: story.do(
        "record_equality_monitoring", CASEWORKER, answers=ANSWERS, consent=True))


def test_every_question_allows_prefer_not_to_say() -> None:
    every = {q: "prefer_not_to_say" for q in ("age_band", "disability", "ethnicity", "sex",
                                               "religion", "sexual_orientation")}
    assert parse_answers(every) == every
    assert categories("sex")[-2:] == ("prefer_not_to_say", NOT_RECORDED)
