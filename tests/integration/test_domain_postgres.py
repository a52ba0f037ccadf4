"""The application contract on PostgreSQL (events and per-person keys in the database)."""

import pytest

from tests.unit.domain.contract import ServiceContract
from tests.unit.domain.lifecycle_machine import run_lifecycles


class TestCaseServiceOnPostgres(ServiceContract):
    @pytest.fixture
    def env(self, postgres_env: dict[str, str]) -> dict[str, str]:
        return postgres_env


def test_random_lifecycles_on_postgres(postgres_env: dict[str, str]) -> None:
    run_lifecycles(postgres_env, max_examples=30, steps=30)
