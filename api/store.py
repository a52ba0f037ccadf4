"""The API's own tables (schema ``upc_api``): idempotency keys and the special-category read log.

Neither is a fact about a case, so neither is an event: idempotency keys expire, and the read
log records who *looked*, which must not change any case's version.
"""

from __future__ import annotations

import psycopg
from psycopg_pool import ConnectionPool

SCHEMA = "upc_api"
# Any number: serialises this DDL between API workers starting at once.
DDL_LOCK = 0x5550_4301

DDL = [
    f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}",
    f"""CREATE TABLE IF NOT EXISTS {SCHEMA}.idempotency_keys (
        user_id text NOT NULL,
        key text NOT NULL,
        fingerprint text NOT NULL,
        state text NOT NULL CHECK (state IN ('in_flight', 'done')),
        status integer,
        headers jsonb,
        body bytea,
        created_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz,
        PRIMARY KEY (user_id, key))""",
    # The API process running an in-flight request (see api.idempotency): added in place.
    f"ALTER TABLE {SCHEMA}.idempotency_keys ADD COLUMN IF NOT EXISTS owner integer",
    f"""CREATE INDEX IF NOT EXISTS idempotency_keys_created_at
        ON {SCHEMA}.idempotency_keys (created_at)""",
    f"""CREATE TABLE IF NOT EXISTS {SCHEMA}.access_log (
        id bigserial PRIMARY KEY,
        read_at timestamptz NOT NULL DEFAULT now(),
        user_id text NOT NULL,
        role text NOT NULL,
        case_id uuid NOT NULL,
        endpoint text NOT NULL,
        fields text[] NOT NULL)""",
    f"CREATE INDEX IF NOT EXISTS access_log_case ON {SCHEMA}.access_log (case_id, id)",
    f"CREATE INDEX IF NOT EXISTS access_log_user ON {SCHEMA}.access_log (user_id, id)",
]


def create_tables(conninfo: str) -> None:
    with psycopg.connect(conninfo, autocommit=True) as conn:
        made = conn.execute("SELECT CASE WHEN to_regnamespace(%s) IS NULL THEN false"
                            " ELSE NOT has_schema_privilege(%s, 'CREATE') END",
                            (SCHEMA, SCHEMA)).fetchone()
        if made and made[0]:
            return  # a service role: `upc migrate` (the owner) made the tables
        conn.execute("SELECT pg_advisory_lock(%s)", (DDL_LOCK,))
        try:
            for statement in DDL:
                conn.execute(statement)  # type: ignore[arg-type]
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (DDL_LOCK,))


def open_pool(conninfo: str, max_size: int = 8) -> ConnectionPool:
    return ConnectionPool(conninfo, min_size=1, max_size=max_size, open=True,
                          kwargs={"autocommit": True}, name="upc-api")
