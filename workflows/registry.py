"""What the worker runs and what the launcher routes. Filled in by each clock's folder."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from domain.application import CaseService
from workflows.launch import LaunchAction

#: Workflow classes the worker registers.
WORKFLOWS: list[type] = []

#: Factories of activity callables, given the case service the activities act through.
ACTIVITY_FACTORIES: list[Callable[[CaseService], Sequence[Callable[..., Any]]]] = []

#: Event topic -> function turning that event into the Temporal actions it implies.
ROUTES: dict[str, Callable[[Any], Sequence[LaunchAction]]] = {}


def activities(app: CaseService) -> list[Callable[..., Any]]:
    return [activity for factory in ACTIVITY_FACTORIES for activity in factory(app)]
