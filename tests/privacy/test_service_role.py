"""Append-only, extended: the service role that ``upc migrate`` grants (not the tables' owner)
can do all the work of the running parts, yet can neither change stored events nor switch off
the triggers that refuse it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
from eventsourcing.persistence import Tracking

from api import store
from domain.actors import Actor, Role
from projections.runner import ViewFollower
from tests.conftest import scratch_database
from upc import bootstrap, roles
from upc.settings import SettingError, eventsourcing_env
from workflows.launcher import tracking_recorder


@contextmanager
def granted(owner_url: str) -> Iterator[str]:
    """The owner migrates and grants a fresh service role (created by the migration)."""
    role = f"upc_service_{uuid.uuid4().hex[:8]}"
    url = roles.with_user(owner_url, role, uuid.uuid4().hex)
    bootstrap.migrate(owner_url, url)
    try:
        yield url
    finally:
        with psycopg.connect(owner_url, autocommit=True) as owner:
            owner.execute(f"DROP OWNED BY {role}")
            owner.execute(f"DROP ROLE {role}")


@pytest.fixture(scope="module")
def shared_service_url(server_url: str) -> Iterator[str]:
    """One database for the refusals (each leaves it as it was), with one case in it."""
    with scratch_database(server_url, "upc_role") as owner_url, granted(owner_url) as url:
        app = bootstrap.case_service(url)  # appends as the service role
        app.open_case("T-ROLE-1", Actor("cara", Role.CASEWORKER))
        app.close()
        yield url


@pytest.fixture
def service_url(fresh_database_url: str) -> Iterator[str]:
    with granted(fresh_database_url) as url:
        yield url


@pytest.mark.parametrize("statement", [
    "UPDATE upc_events SET topic = 'tampered'",
    "DELETE FROM upc_events",
    "TRUNCATE upc_events",
    "ALTER TABLE upc_events DISABLE TRIGGER ALL",
    "DROP TRIGGER upc_events_no_update_delete ON upc_events",
    "DROP TRIGGER upc_events_no_truncate ON upc_events",
    "SET session_replication_role = replica",
    "LOCK TABLE upc_events IN EXCLUSIVE MODE",
    "DELETE FROM upc_subject_keys",
    "CREATE TABLE upc_events_copy (id int)",
    "DROP TABLE upc_views.case_view",
])
def test_the_service_role_cannot_change_or_unprotect_stored_events(
        shared_service_url: str, statement: str) -> None:
    with psycopg.connect(shared_service_url) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(statement)
        conn.rollback()
        # the case's Opened and its customer index entry (domain.identity)
        assert conn.execute("SELECT count(*) FROM upc_events").fetchone() == (2,)


def test_the_service_role_can_do_the_work_of_every_part(
        fresh_database_url: str, service_url: str) -> None:
    bootstrap.prepare(service_url)  # finds the owner's migration; changes nothing
    app = bootstrap.case_service(service_url)
    try:
        case = app.open_case("T-ROLE-2", Actor("cara", Role.CASEWORKER))  # seals: key store
        assert app.repository.get(case.id).version >= 1
        env = {**eventsourcing_env(service_url), "CREATE_TABLE": "false"}
        for view in bootstrap.views(service_url):  # the projection runner
            try:
                assert ViewFollower(app, view).catch_up() >= 1
            finally:
                view.datastore.close()
        launcher = tracking_recorder(env)  # the launcher's position
        launcher.insert_tracking(Tracking(app.name, 1))
        assert launcher.max_tracking_id(app.name) == 1
    finally:
        app.close()
    store.create_tables(service_url)  # the API's start: the owner made them, nothing to do
    with psycopg.connect(service_url, autocommit=True) as conn:
        conn.execute("INSERT INTO upc_api.idempotency_keys (user_id, key, fingerprint, state)"
                     " VALUES ('cara', 'k1', 'f', 'in_flight')")
        conn.execute("DELETE FROM upc_api.idempotency_keys WHERE key = 'k1'")
        grants = {r[0] for r in conn.execute(
            "SELECT privilege_type FROM information_schema.role_table_grants"
            " WHERE table_name = 'upc_events' AND grantee = current_user")}
    assert grants == {"SELECT", "INSERT"}


def test_a_service_role_refuses_a_schema_its_owner_has_not_migrated(
        fresh_database_url: str, service_url: str) -> None:
    with psycopg.connect(fresh_database_url, autocommit=True) as owner:
        owner.execute("DELETE FROM upc_migrations")
    with pytest.raises(SettingError, match="run `upc migrate`"):
        bootstrap.prepare(service_url)
    bootstrap.prepare(service_url, owner_url=fresh_database_url)  # the owner migrates
    bootstrap.prepare(service_url)
