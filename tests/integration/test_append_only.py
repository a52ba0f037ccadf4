"""The database refuses to change or remove stored events, while inserts go on working."""

from __future__ import annotations

import psycopg
import pytest

from domain.actors import Actor, Role
from upc import bootstrap


@pytest.fixture
def migrated(fresh_database_url: str) -> str:
    bootstrap.migrate(fresh_database_url)
    app = bootstrap.case_service(fresh_database_url)
    try:
        app.open_case("T-9001", Actor("alice", Role.CASEWORKER))
    finally:
        app.close()
    return fresh_database_url


@pytest.mark.parametrize("statement", [
    "UPDATE upc_events SET topic = 'tampered'",
    "DELETE FROM upc_events",
    "TRUNCATE upc_events",
])
def test_changing_stored_events_is_refused(migrated: str, statement: str) -> None:
    with psycopg.connect(migrated) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
            conn.execute(statement)
        conn.rollback()
        # the case's Opened and its customer index entry (domain.identity)
        assert conn.execute("SELECT count(*) FROM upc_events").fetchone() == (2,)


def test_inserts_and_the_insert_lock_still_work_after_migrating_twice(migrated: str) -> None:
    bootstrap.migrate(migrated)  # idempotent: no duplicate triggers
    with psycopg.connect(migrated) as conn:
        triggers = conn.execute(
            "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'upc_events'::regclass"
            " AND NOT tgisinternal").fetchone()
        assert triggers == (2,)
    app = bootstrap.case_service(migrated)
    try:
        case = app.open_case("T-9002", Actor("alice", Role.CASEWORKER))
        assert app.get_case(case.id).version == 1
    finally:
        app.close()
