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


def test_keys_live_wrapped_in_postgres(postgres_env: dict[str, str]) -> None:
    import psycopg

    from domain.application import CaseService
    from upc.keystore import PostgresKeyStore

    app = CaseService(env=postgres_env)
    try:
        assert isinstance(app.key_store, PostgresKeyStore)
        subject = "subject-1"
        key = app.key_store.key_for(subject)
        assert app.key_store.key_for(subject) == key
        conninfo = (f"dbname={postgres_env['POSTGRES_DBNAME']} "
                    f"host={postgres_env['POSTGRES_HOST']} port={postgres_env['POSTGRES_PORT']} "
                    f"user={postgres_env['POSTGRES_USER']}")
        if postgres_env.get("POSTGRES_PASSWORD"):
            conninfo += f" password={postgres_env['POSTGRES_PASSWORD']}"
        with psycopg.connect(conninfo) as conn:
            (wrapped,) = conn.execute(
                "SELECT wrapped_key FROM upc_subject_keys WHERE subject_id = %s",
                (subject,)).fetchone() or (None,)
        assert wrapped is not None and key not in bytes(wrapped)
        app.key_store.destroy(subject)
        assert app.key_store.existing_key(subject) is None
    finally:
        app.close()
