from __future__ import annotations

from collections.abc import Iterator

import pytest

from domain.application import CaseService
from tests.letters.fixed_case import FixedCase
from tests.unit.domain.story import Clock


@pytest.fixture(scope="module")
def fixed_case() -> Iterator[FixedCase]:
    clock = Clock()
    app = CaseService(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=clock)
    yield FixedCase(app, clock)
    app.close()
