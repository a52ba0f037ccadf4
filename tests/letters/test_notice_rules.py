"""The rules a notice passes before it is sent, both ways: a complete notice passes, and
each thing missing (or a label about the person) is refused with its code."""

from __future__ import annotations

from dataclasses import replace

import pytest

from domain import errors
from domain.notice_content import Variant
from domain.notice_rules import check_content, check_text
from domain.terms import AlwaysOpen
from letters.render import render_notice
from tests.letters.fixed_case import FixedCase


@pytest.mark.parametrize("variant", list(Variant), ids=[v.value for v in Variant])
def test_every_notice_of_the_fixed_case_passes(fixed_case: FixedCase, variant: Variant) -> None:
    check_content(fixed_case.content(variant))


def test_a_restriction_notice_without_the_appeal_deadline_is_refused(
        fixed_case: FixedCase) -> None:
    content = replace(fixed_case.content(Variant.RESTRICTION), appeal_deadline=None)
    with pytest.raises(errors.NoticeAppealDeadlineMissing) as refused:
        render_notice(content)
    assert refused.value.code == "notice-appeal-deadline-missing"


def test_a_restriction_notice_without_the_review_date_is_refused(fixed_case: FixedCase) -> None:
    content = replace(fixed_case.content(Variant.REVIEW_CONTINUE), review_date=None)
    with pytest.raises(errors.NoticeReviewDateMissing) as refused:
        check_content(content)
    assert refused.value.code == "notice-review-date-missing"


def test_a_restriction_notice_without_every_always_open_exception_is_refused(
        fixed_case: FixedCase) -> None:
    content = fixed_case.content(Variant.RESTRICTION)
    fewer = replace(content, always_open=tuple(a for a in content.always_open
                                               if a is not AlwaysOpen.SAFEGUARDING))
    with pytest.raises(errors.NoticeAlwaysOpenMissing, match="safeguarding") as refused:
        check_content(fewer)
    assert refused.value.code == "notice-always-open-missing"


def test_a_lift_needs_neither_appeal_nor_review_date(fixed_case: FixedCase) -> None:
    content = fixed_case.content(Variant.LIFT)
    assert content.appeal_deadline is None and content.review_date is None
    check_content(content)


@pytest.mark.parametrize("words", ["a vexatious complainant", "he is a serial complainer",
                                   "Habitual  Complainer", "a nuisance caller"])
def test_a_label_about_the_person_is_refused(fixed_case: FixedCase, words: str) -> None:
    content = replace(fixed_case.content(Variant.FORMAL_WARNING), reason=f"Because {words}.")
    with pytest.raises(errors.NoticePejorativeLabel) as refused:
        render_notice(content)
    assert refused.value.code == "notice-pejorative-label"
    with pytest.raises(errors.NoticePejorativeLabel):
        check_text(f"Dear customer, you are {words}.")


def test_the_behaviour_described_passes(fixed_case: FixedCase) -> None:
    content = replace(fixed_case.content(Variant.FORMAL_WARNING),
                      reason="You phoned 14 times in one day about the same repair.")
    assert "14 times" in render_notice(content).text
    check_text("You phoned 14 times in one day about the same repair.")
