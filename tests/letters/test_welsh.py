"""Welsh letters: the same letter from the Welsh catalogue, which covers every sentence."""

from __future__ import annotations

import re
from pathlib import Path

import jinja2

from domain.notice_content import Variant
from letters import words
from letters.catalogue import Language, catalogue
from letters.render import render_notice
from tests.letters.fixed_case import FixedCase
from tests.letters.test_templates import check_golden

TEMPLATES = Path(words.__file__).parent / "templates"


def english_sentences() -> set[str]:
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"])
    found = {" ".join(str(message).split()) for path in TEMPLATES.rglob("*.j2")
             for _, _, message in env.extract_translations(path.read_text())}
    for table in (words.CATEGORIES, words.ALWAYS_OPEN, words.CHANNELS, words.ROLES):
        found.update(table.values())
    found.update(words.MONTHS + words.DAYS)
    found.update(w for pair in words.UNITS.values() for w in pair)
    source = Path(words.__file__).read_text()
    for first, second in re.findall(r'_\(\s*"([^"]*)"(?:\s*\n\s*"([^"]*)")?', source):
        found.add(first + second)
    return found


def test_the_welsh_catalogue_covers_every_sentence() -> None:
    welsh = catalogue(Language.WELSH)
    missing = sorted(english_sentences() - set(welsh))
    assert not missing, f"not in letters/catalogues/cy.yaml: {missing}"
    for english, cymraeg in welsh.items():  # the placeholders survive translation
        assert sorted(re.findall(r"%\(\w+\)s", english)) == sorted(
            re.findall(r"%\(\w+\)s", cymraeg)), english


def test_a_restriction_letter_in_welsh(fixed_case: FixedCase) -> None:
    content = fixed_case.content(Variant.RESTRICTION)
    text = render_notice(content, language="cy").text
    check_golden("cy-restriction", text)
    assert "Sut i apelio" in text and "Ombwdsmon Tai" in text
    assert f"erbyn {words.long_date(content.appeal_deadline, catalogue(Language.WELSH).get)}" \
           in text or "erbyn Dydd" in text
    assert "How to appeal" not in text  # nothing left in English but the recorded reasons
