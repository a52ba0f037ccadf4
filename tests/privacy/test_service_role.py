"""Append-only, extended: a least-privilege service role (not the table's owner) can neither
change stored events nor switch off the triggers that refuse it."""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from domain.actors import Actor, Role
from upc import bootstrap


def as_role(url: str, role: str) -> str:
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{role}:{role}@{host}"))


@pytest.mark.parametrize("statement", [
    "UPDATE upc_events SET topic = 'tampered'",
    "DELETE FROM upc_events",
    "TRUNCATE upc_events",
    "ALTER TABLE upc_events DISABLE TRIGGER ALL",
    "DROP TRIGGER upc_events_no_update_delete ON upc_events",
    "SET session_replication_role = replica",
])
def test_the_service_role_cannot_change_or_unprotect_stored_events(
        fresh_database_url: str, statement: str) -> None:
    bootstrap.migrate(fresh_database_url)
    app = bootstrap.case_service(fresh_database_url)
    app.open_case("T-ROLE-1", Actor("cara", Role.CASEWORKER))
    app.close()
    role = f"upc_service_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(fresh_database_url, autocommit=True) as admin:
        admin.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{role}'")
        admin.execute(f"GRANT SELECT, INSERT ON upc_events TO {role}")
        admin.execute(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {role}")
    try:
        with psycopg.connect(as_role(fresh_database_url, role)) as conn:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
            conn.rollback()
            assert conn.execute("SELECT count(*) FROM upc_events").fetchone() == (1,)
    finally:
        with psycopg.connect(fresh_database_url, autocommit=True) as admin:
            admin.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}")
            admin.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {role}")
            admin.execute(f"DROP ROLE {role}")
