"""The application contract on the in-memory persistence."""

import pytest

from domain.application import CaseService
from tests.unit.domain.contract import ServiceContract
from tests.unit.domain.story import Clock


class TestCaseServiceInMemory(ServiceContract):
    @pytest.fixture
    def env(self) -> dict[str, str]:
        return {"PERSISTENCE_MODULE": "eventsourcing.popo"}

    def reopen(self, app: CaseService, env: dict[str, str], clock: Clock) -> CaseService:
        return app  # the in-memory store lives and dies with its application
