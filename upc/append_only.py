"""Stored events are append-only: UPDATE, DELETE and TRUNCATE are refused by the database.

Triggers, not privileges: they hold for every role, the table's owner included, and they
leave INSERT and the ``LOCK TABLE ... IN EXCLUSIVE MODE`` that eventsourcing takes on
insert untouched. Erasure never needs them: it destroys a person's key instead.
"""

from __future__ import annotations

import psycopg
from psycopg.sql import SQL, Identifier, Literal

FUNCTION = "upc_refuse_event_change"

_FUNCTION_SQL = SQL("""
CREATE OR REPLACE FUNCTION {schema}.{function}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'stored events are append-only: % on %.% is refused',
    TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END
$$
""")


def protect(conn: psycopg.Connection, schema: str, table: str) -> None:
    """Install the refusing triggers on ``schema.table`` (idempotent)."""
    conn.execute(_FUNCTION_SQL.format(schema=Identifier(schema), function=Identifier(FUNCTION)))
    for name, timing in ((f"{table}_no_update_delete", "BEFORE UPDATE OR DELETE",),
                         (f"{table}_no_truncate", "BEFORE TRUNCATE")):
        level = "ROW" if "UPDATE" in timing else "STATEMENT"
        exists = conn.execute(
            "SELECT 1 FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            " JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE t.tgname = %s AND c.relname = %s AND n.nspname = %s",
            (name, table, schema)).fetchone()
        if exists:
            continue
        conn.execute(SQL(
            "CREATE TRIGGER {name} {timing} ON {schema}.{table}"
            " FOR EACH {level} EXECUTE FUNCTION {schema}.{function}()").format(
                name=Identifier(name), timing=SQL(timing), schema=Identifier(schema),
                table=Identifier(table), level=SQL(level), function=Identifier(FUNCTION)))
    conn.execute(SQL("COMMENT ON TABLE {0}.{1} IS {2}").format(
        Identifier(schema), Identifier(table),
        Literal("upc: append-only domain events; changes are refused by triggers")))
