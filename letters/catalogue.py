"""The letters' languages: English as written in the templates, Welsh from a catalogue.

A catalogue maps each English sentence (the template's own text, as ``{% trans %}`` and
``_()`` give it) to its translation; a sentence missing from a catalogue stays in English,
and ``tests/letters`` checks that the Welsh catalogue covers every sentence of every template.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml

from domain.vocabulary import NoticeLanguage as Language


@cache
def catalogue(language: Language) -> dict[str, str]:
    if language is Language.ENGLISH:
        return {}
    text = resources.files("letters").joinpath("catalogues", f"{language.value}.yaml")
    loaded = yaml.safe_load(text.read_text(encoding="utf-8")) or {}
    return {" ".join(str(k).split()): str(v) for k, v in loaded.items()}


def translator(language: Language):  # type: ignore[no-untyped-def]
    messages = catalogue(language)

    def gettext(message: str) -> str:
        return messages.get(" ".join(message.split()), message)

    def ngettext(singular: str, plural: str, n: int) -> str:
        return gettext(singular if n == 1 else plural)

    return gettext, ngettext
