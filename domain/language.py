"""Neutral language: flag pejorative labels in anything a customer will read."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Labels about the person, not the behaviour; the policy's coded categories replace them.
PEJORATIVE_LABELS: tuple[str, ...] = (
    "vexatious",
    "habitual complainer",
    "serial complainer",
    "persistent complainer",
    "troublemaker",
    "nuisance",
    "difficult customer",
    "obsessive",
    "querulous",
)

_PATTERN = re.compile(
    r"\b(" + "|".join(re.escape(label).replace(r"\ ", r"\s+") for label in PEJORATIVE_LABELS)
    + r")\w*", re.IGNORECASE)


@dataclass(frozen=True)
class Flag:
    label: str
    start: int
    end: int


def pejorative_labels(text: str) -> list[Flag]:
    """Where ``text`` uses a pejorative label (case-insensitive; "vexatiously" counts)."""
    return [Flag(m.group(0), m.start(), m.end()) for m in _PATTERN.finditer(text)]
