"""The application contract on PostgreSQL (events and per-person keys in the database)."""

import pytest

from tests.unit.domain.contract import ServiceContract


class TestCaseServiceOnPostgres(ServiceContract):
    @pytest.fixture
    def env(self, postgres_env: dict[str, str]) -> dict[str, str]:
        return postgres_env
