"""Golden files: the exact words of every letter for one fixed case. After a deliberate
change of wording, refresh them with ``UPC_UPDATE_GOLDEN=1 pytest tests/letters`` and read
the diff before committing it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from domain.notice_content import APPEALABLE, IN_FORCE, Variant
from letters.render import render_notice, template_version
from letters.words import long_date
from tests.letters.fixed_case import FixedCase

GOLDEN = Path(__file__).parent / "golden"


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / f"{name}.txt"
    if os.environ.get("UPC_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {path.name}: run with UPC_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from {path}"


@pytest.mark.parametrize("variant", list(Variant), ids=[v.value for v in Variant])
def test_each_letter_reads_as_its_golden_file(fixed_case: FixedCase, variant: Variant) -> None:
    check_golden(variant.value, render_notice(fixed_case.content(variant)).text)


@pytest.mark.parametrize("variant", [Variant.RESTRICTION, Variant.LIFT, Variant.FORMAL_WARNING],
                         ids=lambda v: v.value)
def test_easy_read_letters_read_as_their_golden_files(fixed_case: FixedCase,
                                                      variant: Variant) -> None:
    text = render_notice(fixed_case.content(variant), notice_format="easy_read").text
    check_golden(f"easy_read-{variant.value}", text)


@pytest.mark.parametrize("variant", list(Variant), ids=[v.value for v in Variant])
def test_every_letter_says_what_the_customer_must_be_told(fixed_case: FixedCase,
                                                          variant: Variant) -> None:
    content = fixed_case.content(variant)
    text = render_notice(content).text
    assert "Housing Ombudsman" in text and "complaint" in text
    assert content.decided_by_role == "system" or content.decided_by in text  # who decided
    if variant in APPEALABLE:
        assert content.appeal_deadline is not None
        assert f"within 20 working days of the date of this letter: by " \
               f"{long_date(content.appeal_deadline, str)}" in text
    if variant in IN_FORCE:
        assert content.review_date is not None
        assert long_date(content.review_date, str) in text
        assert "What always stays open" in text and "safeguarding" in text
        assert "Please make all your contact through" in text  # the terms, in words
    if variant not in (Variant.EXPIRY, Variant.LIFT):
        assert content.reason and content.reason in text  # the behaviour relied on


def test_a_variation_states_the_new_terms_and_not_the_old(fixed_case: FixedCase) -> None:
    text = render_notice(fixed_case.content(Variant.REVIEW_VARY)).text
    assert "the housing officer inbox." in text
    assert "between 10:00 and 12:00" not in text  # the varied terms dropped the hours
    extension = render_notice(fixed_case.content(Variant.EXTENSION)).text
    assert "will now last until" in extension or "will end on" in extension


def test_the_template_version_changes_with_the_templates() -> None:
    version = template_version()
    assert version.startswith("1.") and len(version) == 14
