"""Two database roles: the owner migrates, the service role only works.

``upc migrate`` connects as the owner (``UPC_OWNER_DATABASE_URL``, else ``DATABASE_URL``),
creates and owns every table, and grants the service role (the user in ``DATABASE_URL``,
when it is another user) only what the running parts need:

- the event store: SELECT and INSERT, never UPDATE, DELETE or TRUNCATE; eventsourcing's
  ``LOCK TABLE ... IN EXCLUSIVE MODE`` (which PostgreSQL grants only with UPDATE, DELETE or
  TRUNCATE) goes through ``upc_lock_events()``, a SECURITY DEFINER function that can only
  take that lock. Not owning the table, the service role cannot drop or disable the
  append-only triggers either.
- the key store: SELECT, INSERT, UPDATE (erasure nulls a key; nothing deletes a row).
- views, tracking, idempotency, access log: SELECT, INSERT, UPDATE, DELETE (derived data).
- no CREATE anywhere: a part that finds the schema older than its code says
  "run upc migrate" instead of changing it.
"""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import psycopg
from psycopg import sql

EVENTS_TABLE = "upc_events"
KEYS_TABLE = "upc_subject_keys"
MIGRATIONS_TABLE = "upc_migrations"
LOCK_FUNCTION = "upc_lock_events"
EMBEDDED_SERVICE_ROLE = "upc_service"
PASSWORD_FILE = "service-role-password"

_LOCK_FUNCTION_SQL = sql.SQL("""
CREATE OR REPLACE FUNCTION {schema}.{function}() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
  LOCK TABLE {schema}.{table} IN EXCLUSIVE MODE;
END
$$
""")


def user_of(database_url: str) -> str:
    return unquote(urlsplit(database_url).username or "postgres")


def password_of(database_url: str) -> str | None:
    password = urlsplit(database_url).password
    return unquote(password) if password is not None else None


def with_user(database_url: str, user: str, password: str) -> str:
    parts = urlsplit(database_url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{quote(user, safe='')}:"
                                             f"{quote(password, safe='')}@{host}"))


def install_lock_function(conn: psycopg.Connection, schema: str) -> None:
    conn.execute(_LOCK_FUNCTION_SQL.format(schema=sql.Identifier(schema),
                                           function=sql.Identifier(LOCK_FUNCTION),
                                           table=sql.Identifier(EVENTS_TABLE)))
    conn.execute(sql.SQL("REVOKE ALL ON FUNCTION {0}.{1}() FROM PUBLIC").format(
        sql.Identifier(schema), sql.Identifier(LOCK_FUNCTION)))


def lock_statement(schema: str) -> sql.Composed:
    """What the service's recorder runs instead of ``LOCK TABLE``."""
    return sql.SQL("SELECT {0}.{1}()").format(sql.Identifier(schema),
                                             sql.Identifier(LOCK_FUNCTION))


def record_fingerprint(conn: psycopg.Connection, fingerprint: str) -> None:
    table = sql.Identifier(MIGRATIONS_TABLE)
    conn.execute(sql.SQL("CREATE TABLE IF NOT EXISTS {0} (fingerprint text PRIMARY KEY,"
                         " migrated_at timestamptz NOT NULL DEFAULT now())").format(table))
    conn.execute(sql.SQL("INSERT INTO {0} (fingerprint) VALUES (%s) ON CONFLICT (fingerprint)"
                         " DO UPDATE SET migrated_at = now()").format(table), (fingerprint,))


def fingerprint_of(parts: list[str]) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def may_migrate(conn: psycopg.Connection) -> bool:
    """The event table is missing, or the connecting user owns it (or is a superuser)."""
    row = conn.execute(
        "SELECT c.relowner IS NULL OR pg_has_role(current_user, c.relowner, 'USAGE')"
        " FROM (SELECT to_regclass(%s)::oid AS oid) r LEFT JOIN pg_class c ON c.oid = r.oid",
        (EVENTS_TABLE,)).fetchone()
    return bool(row and row[0])


def migrated_fingerprints(conn: psycopg.Connection) -> set[str]:
    if conn.execute("SELECT to_regclass(%s)", (MIGRATIONS_TABLE,)).fetchone() == (None,):
        return set()
    return {str(r[0]) for r in conn.execute(
        sql.SQL("SELECT fingerprint FROM {0}").format(sql.Identifier(MIGRATIONS_TABLE)))}


def ensure_role(conn: psycopg.Connection, role: str, password: str | None,
                reset_password: bool = False) -> None:
    """Create the login role if missing (with the URL's password); never a superuser."""
    found = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", (role,)).fetchone()
    if found and found[0]:
        raise ValueError(f"the service role {role} is a superuser; use a plain login role")
    if found is None:
        conn.execute(sql.SQL("CREATE ROLE {0} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE"
                             " NOBYPASSRLS PASSWORD {1}").format(
            sql.Identifier(role), sql.Literal(password)))
    elif reset_password and password is not None:
        conn.execute(sql.SQL("ALTER ROLE {0} PASSWORD {1}").format(
            sql.Identifier(role), sql.Literal(password)))


def grant_service(conn: psycopg.Connection, role: str, schemas: list[str]) -> None:
    """The service role's privileges, from nothing: revoke all, then grant what is needed."""
    r = sql.Identifier(role)
    dbname = conn.execute("SELECT current_database()").fetchone()
    assert dbname is not None
    conn.execute(sql.SQL("GRANT CONNECT, TEMPORARY ON DATABASE {0} TO {1}").format(
        sql.Identifier(dbname[0]), r))
    public = "public"
    for schema in [public, *schemas]:
        s = sql.Identifier(schema)
        conn.execute(sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA {0} FROM {1}").format(s, r))
        conn.execute(sql.SQL("REVOKE CREATE ON SCHEMA {0} FROM {1}").format(s, r))
        conn.execute(sql.SQL("GRANT USAGE ON SCHEMA {0} TO {1}").format(s, r))
        conn.execute(sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {0} TO {1}")
                     .format(s, r))
        if schema != public:
            conn.execute(sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN"
                                 " SCHEMA {0} TO {1}").format(s, r))
            # Views dropped and rebuilt by the owner later get the same grants.
            conn.execute(sql.SQL("ALTER DEFAULT PRIVILEGES IN SCHEMA {0} GRANT SELECT, INSERT,"
                                 " UPDATE, DELETE ON TABLES TO {1}").format(s, r))
            conn.execute(sql.SQL("ALTER DEFAULT PRIVILEGES IN SCHEMA {0} GRANT USAGE, SELECT"
                                 " ON SEQUENCES TO {1}").format(s, r))
    tables = [row[0] for row in conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
    for table in tables:
        t = sql.Identifier(public, table)
        if table == EVENTS_TABLE:
            privileges = "SELECT, INSERT"
        elif table == KEYS_TABLE:
            privileges = "SELECT, INSERT, UPDATE"
        elif table == MIGRATIONS_TABLE:
            privileges = "SELECT"
        else:  # tracking, snapshots and other derived or bookkeeping tables
            privileges = "SELECT, INSERT, UPDATE, DELETE"
        conn.execute(sql.SQL("GRANT {0} ON {1} TO {2}").format(sql.SQL(privileges), t, r))
    conn.execute(sql.SQL("GRANT EXECUTE ON FUNCTION {0}.{1}() TO {2}").format(
        sql.Identifier(public), sql.Identifier(LOCK_FUNCTION), r))


def embedded_service_url(owner_url: str, data_dir: Path) -> str:
    """The embedded service role's URL; its password is kept in the data dir (0600)."""
    path = data_dir / PASSWORD_FILE
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(24))
    path.chmod(0o600)
    return with_user(owner_url, EMBEDDED_SERVICE_ROLE, path.read_text().strip())
