"""Wires the parts together from settings: the one place that knows every adapter."""

from __future__ import annotations

import psycopg

from domain.application import CaseService
from upc import append_only
from projections.registry import VIEW_CLASSES, construct_view
from projections.view import VIEWS_SCHEMA, View
from upc.settings import Settings, SettingError, eventsourcing_env, psycopg_conninfo

# Any number: serialises schema creation between processes starting at once.
SCHEMA_LOCK = 0x5550_4300


def require_database_url(settings: Settings) -> str:
    if not settings.database_url:
        raise SettingError("DATABASE_URL: not set (only `upc serve` starts an embedded PostgreSQL)")
    return settings.database_url


def check_database(database_url: str) -> None:
    try:
        with psycopg.connect(psycopg_conninfo(database_url), connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SettingError(f"DATABASE_URL: cannot connect: {first}") from None


def migrate(database_url: str) -> None:
    """Create the event store, key store and view tables once, whoever starts first."""
    check_database(database_url)
    with psycopg.connect(psycopg_conninfo(database_url), autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (SCHEMA_LOCK,))
        try:
            conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{VIEWS_SCHEMA}"')
            env = eventsourcing_env(database_url)
            app = CaseService(env=env)
            recorder = app.recorder
            append_only.protect(conn, recorder.datastore.schema,  # type: ignore[attr-defined]
                                recorder.events_table_name)  # type: ignore[attr-defined]
            app.close()
            for view_class in VIEW_CLASSES:
                construct_view(view_class, env).datastore.close()
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (SCHEMA_LOCK,))


def case_service(database_url: str) -> CaseService:
    return CaseService(env={**eventsourcing_env(database_url), "CREATE_TABLE": "false"})


def views(database_url: str) -> list[View]:
    env = {**eventsourcing_env(database_url), "CREATE_TABLE": "false"}
    return [construct_view(cls, env) for cls in VIEW_CLASSES]
