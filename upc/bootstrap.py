"""Wires the parts together from settings: the one place that knows every adapter."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg

from api import store
from domain.application import CaseService
from projections import reconcile as reconcile_runs
from projections.registry import VIEW_CLASSES, construct_view
from projections.view import VIEWS_SCHEMA, View
from upc import append_only, group_commit, roles, snapshot_pruning
from upc.settings import SettingError, Settings, eventsourcing_env, psycopg_conninfo
from workflows import tracing
from workflows.launcher import tracking_recorder

# Any number: serialises schema creation between processes starting at once.
SCHEMA_LOCK = 0x5550_4300


def require_database_url(settings: Settings) -> str:
    """``DATABASE_URL``, else the embedded PostgreSQL of a running ``upc serve``."""
    if not settings.database_url:
        from upc.embedded import beside_serve

        return beside_serve(settings)
    return settings.database_url


def check_database(database_url: str) -> None:
    try:
        with psycopg.connect(psycopg_conninfo(database_url), connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SettingError(f"DATABASE_URL: cannot connect: {first}") from None


#: Bump when a migration changes what exists without changing a view's schema_version.
SCHEMA_REVISION = "5"  # 5: the case snapshots table (upc_snapshots)


def schema_fingerprint() -> str:
    """What this code expects of the database; a service role refuses another."""
    return roles.fingerprint_of([
        SCHEMA_REVISION, *(f"{c.view_name}:{c.schema_version}" for c in VIEW_CLASSES),
        *store.DDL])


def migrate(database_url: str, service_url: str | None = None) -> None:
    """Create the event store, key store and view tables once, whoever starts first, as
    their owner; then grant the service role of ``service_url`` (another user) its share."""
    check_database(database_url)
    conninfo = psycopg_conninfo(database_url)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (SCHEMA_LOCK,))
        try:
            conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{VIEWS_SCHEMA}"')
            reconcile_runs.create_runs_table(conn)
            env = eventsourcing_env(database_url)
            app = CaseService(env=env)
            recorder = app.recorder
            schema = recorder.datastore.schema  # type: ignore[attr-defined]
            table = recorder.events_table_name  # type: ignore[attr-defined]
            assert table == roles.EVENTS_TABLE, table
            append_only.protect(conn, schema, table)
            roles.install_lock_function(conn, schema or "public")
            group_commit.install_append_function(conn, schema or "public", table)
            app.close()
            for view_class in VIEW_CLASSES:
                construct_view(view_class, env).datastore.close()
            tracking_recorder(env)  # the launcher's position
            store.create_tables(conninfo)
            roles.record_fingerprint(conn, schema_fingerprint())
            if service_url and roles.user_of(service_url) != roles.user_of(database_url):
                grant(conn, service_url)
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (SCHEMA_LOCK,))


def grant(conn: psycopg.Connection, service_url: str, reset_password: bool = False) -> None:
    role = roles.user_of(service_url)
    try:
        roles.ensure_role(conn, role, roles.password_of(service_url), reset_password)
    except ValueError as exc:
        raise SettingError(f"DATABASE_URL: {exc}") from None
    roles.grant_service(conn, role, [VIEWS_SCHEMA, store.SCHEMA])


def prepare(database_url: str, owner_url: str | None = None) -> None:
    """Before a part starts: migrate when this user may (as before), else insist that the
    owner has migrated to what this code expects (``upc migrate``)."""
    if owner_url and roles.user_of(owner_url) != roles.user_of(database_url):
        migrate(owner_url, database_url)
        return
    check_database(database_url)
    with psycopg.connect(psycopg_conninfo(database_url), autocommit=True) as conn:
        owner = roles.may_migrate(conn)
        found = set() if owner else roles.migrated_fingerprints(conn)
    if owner:
        migrate(database_url)
    elif schema_fingerprint() not in found:
        raise SettingError(
            f"DATABASE_URL: user {roles.user_of(database_url)} does not own the schema and it "
            f"is not migrated for this version ({schema_fingerprint()}); run `upc migrate` "
            "with UPC_OWNER_DATABASE_URL set to the owner's URL")


def serve_database(settings: Settings, database_url: str, embedded: bool) -> str:
    """``upc serve``: migrate as the owner; returns the URL the parts connect with.

    Embedded: the parts run as the non-owner role ``upc_service`` (password in the data
    dir). Otherwise ``DATABASE_URL`` is the service's (``UPC_OWNER_DATABASE_URL``, when set,
    migrates).
    """
    if embedded:
        service_url = roles.embedded_service_url(database_url, Path(settings.data_dir))
        migrate(database_url)
        with psycopg.connect(psycopg_conninfo(database_url), autocommit=True) as conn:
            grant(conn, service_url, reset_password=True)
        return service_url
    prepare(database_url, settings.upc_owner_database_url)
    return database_url


def owner_url(settings: Settings) -> str:
    """The URL of the schema's owner: ``UPC_OWNER_DATABASE_URL``, else ``DATABASE_URL``."""
    if settings.upc_owner_database_url:
        return settings.upc_owner_database_url
    return require_database_url(settings)


def case_service(database_url: str) -> CaseService:
    """The application service, writing concurrent commands' events by group commit."""
    app = CaseService(env={**eventsourcing_env(database_url), "CREATE_TABLE": "false",
                           "APPLICATION_RECORDER_TOPIC": group_commit.TOPIC})
    # The service role may not LOCK the event table itself (that needs UPDATE): a
    # SECURITY DEFINER function owned by the owner takes the same lock for it.
    recorder = app.recorder
    statements = recorder.lock_table_statements  # type: ignore[attr-defined]
    schema = recorder.datastore.schema or "public"  # type: ignore[attr-defined]
    recorder.lock_table_statements = [  # type: ignore[attr-defined]
        roles.lock_statement(schema) if "LOCK TABLE" in repr(s) else s for s in statements]
    snapshot_pruning.keep_latest_snapshots(app)
    if tracing.enabled():
        _traced(app)
    return app


def _traced(app: CaseService) -> None:
    """A span around every save, and its trace context on each event it stores."""
    to_stored = app.mapper.to_stored_event
    save = app.save

    def to_stored_event(event: Any) -> Any:
        tracing.stamp(event)
        return to_stored(event)

    def traced_save(*objs: Any, **kwargs: Any) -> Any:
        with tracing.tracer.start_as_current_span("append events"):
            return save(*objs, **kwargs)

    app.mapper.to_stored_event = to_stored_event  # type: ignore[method-assign]
    app.save = traced_save  # type: ignore[method-assign]


def views(database_url: str) -> list[View]:
    env = {**eventsourcing_env(database_url), "CREATE_TABLE": "false"}
    return [construct_view(cls, env) for cls in VIEW_CLASSES]
