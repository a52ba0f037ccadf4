"""The application contract on PostgreSQL (events and per-person keys in the database)."""

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test

from domain.application import CaseService
from tests.unit.domain.contract import ServiceContract
from tests.unit.domain.lifecycle_machine import lifecycle_machine
from tests.unit.domain.story import Clock


class TestCaseServiceOnPostgres(ServiceContract):
    @pytest.fixture
    def env(self, postgres_env: dict[str, str]) -> dict[str, str]:
        return postgres_env


def test_random_lifecycles_on_postgres(postgres_env: dict[str, str]) -> None:
    clock = Clock()
    app = CaseService(env={**postgres_env, "AGGREGATE_CACHE_MAXSIZE": "50"}, clock=clock)
    try:
        run_state_machine_as_test(
            lifecycle_machine(app, clock),
            settings=settings(max_examples=30, stateful_step_count=30, deadline=None,
                              suppress_health_check=[HealthCheck.too_slow]))
    finally:
        app.close()
