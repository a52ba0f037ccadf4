"""Who read special-category data (vulnerability, health): one row per read, for auditors."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import HTTPException, Query
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from api.store import SCHEMA
from domain.actors import Actor


def record_read(pool: ConnectionPool, actor: Actor, case_id: UUID, endpoint: str,
                fields: Sequence[str]) -> None:
    """Written before the response is sent: if it cannot be logged, it is not shown."""
    with pool.connection() as conn:
        conn.execute(f"INSERT INTO {SCHEMA}.access_log (user_id, role, case_id, endpoint,"
                     " fields) VALUES (%s, %s, %s, %s, %s)",
                     (actor.user_id, actor.role.value, case_id, endpoint, list(fields)))


def encode_cursor(value: int) -> str:
    return base64.urlsafe_b64encode(f"log:{value}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, value = text.partition(":")
        if kind != "log":
            raise ValueError(kind)
        return int(value)
    except (ValueError, UnicodeDecodeError):
        raise HTTPException(400, "The cursor is not one this API gave out.") from None


Limit = Annotated[int, Query(ge=1, le=500, description="page size")]


def read_log(pool: ConnectionPool, *, case_id: UUID | None, user_id: str | None,
             since: datetime | None, cursor: str | None, limit: int) -> dict[str, Any]:
    clauses, params = [], []
    if case_id is not None:
        clauses.append("case_id = %s")
        params.append(case_id)
    if user_id is not None:
        clauses.append("user_id = %s")
        params.append(user_id)
    if since is not None:
        clauses.append("read_at >= %s")
        params.append(since)
    if cursor is not None:
        clauses.append("id < %s")
        params.append(decode_cursor(cursor))
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    with pool.connection() as conn, conn.cursor(row_factory=dict_row) as curs:
        curs.execute(f"SELECT id, read_at, user_id, role, case_id, endpoint, fields"
                     f" FROM {SCHEMA}.access_log {where} ORDER BY id DESC LIMIT %s",
                     (*params, limit + 1))
        rows = curs.fetchall()
    more = len(rows) > limit
    rows = rows[:limit]
    return {"items": rows, "next_cursor": encode_cursor(rows[-1]["id"]) if more else None}
