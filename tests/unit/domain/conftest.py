from __future__ import annotations

from collections.abc import Iterator

import pytest

from domain.application import CaseService
from tests.unit.domain.story import Clock, Story


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(clock: Clock) -> Iterator[CaseService]:
    service = CaseService(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=clock)
    yield service
    service.close()


@pytest.fixture
def story(app: CaseService, clock: Clock) -> Story:
    return Story(app, clock)
