"""``Idempotency-Key`` on writes, kept in PostgreSQL and scoped to the user of the token.

The first request with a key runs and, if it succeeds, its response is stored; a replay with
the same key and the same request gets that response again (``Idempotent-Replayed: true``)
and records nothing. The same key with a different request is ``422``; a key whose first
request is still running is ``409``. A request that fails recorded nothing, so its key is
released and may be retried. Keys are kept for ``KEEP_HOURS``.

A request whose process dies (killed, crashed, its host lost) cannot release its key, so each
API process holds a PostgreSQL advisory lock on its own random owner id for as long as it
lives, and stamps that id on the keys it has in flight. PostgreSQL drops the lock the moment
the process's session ends, so the next request with the key sees its owner is gone and takes
the key at once; ``ABANDONED_AFTER_SECONDS`` remains only for a request stuck in a live process.

The key also reaches the domain as the command id (see ``api.commands``), so even a replay
that raced past this table cannot record a fact twice.
"""

from __future__ import annotations

import hashlib
import json
import random
import secrets
import select
import threading
from dataclasses import dataclass
from typing import Any

import psycopg
from anyio import to_thread
from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.store import SCHEMA

KEEP_HOURS = 24
# A request still "in flight" after this long died with its process: the key may be reused.
ABANDONED_AFTER_SECONDS = 120
# Advisory-lock namespace of owner ids (the two-key form: this, then the owner id).
OWNER_LOCK_CLASS = 0x5550
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
REPLAYED_HEADERS = ("content-type", "etag", "location", "upc-position")
MAX_KEY_LENGTH = 200


@dataclass(frozen=True)
class Stored:
    status: int
    headers: dict[str, str]
    body: bytes


class IdempotencyStore:
    def __init__(self, pool: ConnectionPool) -> None:
        self.pool = pool
        self.owner = 0
        self._owner_conn: psycopg.Connection[Any] | None = None
        self._owner_guard = threading.Lock()

    def owner_id(self) -> int | None:
        """This process's owner id, its advisory lock held on a session of its own (taken
        again on a new session if the server restarted); None when the server is away."""
        with self._owner_guard:
            conn = self._owner_conn
            if conn is not None and not conn.closed and not _dropped(conn):
                return self.owner
            if conn is not None:
                conn.close()
            self._owner_conn = None
            try:
                conn = psycopg.connect(self.pool.conninfo, autocommit=True, connect_timeout=5)
                for _ in range(5):
                    owner = secrets.randbelow(2**31 - 1) + 1
                    row = conn.execute("SELECT pg_try_advisory_lock(%s, %s)",
                                       (OWNER_LOCK_CLASS, owner)).fetchone()
                    if row and row[0]:
                        self.owner, self._owner_conn = owner, conn
                        return owner
                conn.close()
            except psycopg.Error:
                pass
            return None

    def close(self) -> None:
        with self._owner_guard:
            if self._owner_conn is not None:
                self._owner_conn.close()
                self._owner_conn = None

    def begin(self, user_id: str, key: str, fingerprint: str) -> str | Stored:
        """'new' (run it), 'mismatch', 'in_flight', or the stored response to replay."""
        t = f"{SCHEMA}.idempotency_keys"
        owner = self.owner_id()
        with self.pool.connection() as conn:
            for _ in range(3):
                inserted = conn.execute(
                    f"INSERT INTO {t} (user_id, key, fingerprint, state, owner)"
                    " VALUES (%s, %s, %s, 'in_flight', %s) ON CONFLICT DO NOTHING RETURNING 1",
                    (user_id, key, fingerprint, owner)).fetchone()
                if inserted:
                    if random.random() < 0.01:
                        conn.execute(f"DELETE FROM {t} WHERE created_at < now()"
                                     f" - interval '{KEEP_HOURS} hours'")
                    return "new"
                row = conn.execute(
                    f"SELECT fingerprint, state, status, headers, body"
                    f" FROM {t} WHERE user_id = %s AND key = %s", (user_id, key)).fetchone()
                if row is None:
                    continue  # released meanwhile: try to take it
                stored_fingerprint, state, status, headers, body = row
                if stored_fingerprint != fingerprint:
                    return "mismatch"
                if state == "done":
                    return Stored(int(status), dict(headers or {}), bytes(body or b""))
                # In flight: take it over if its owner's session is gone (or it is very old).
                taken = conn.execute(
                    f"UPDATE {t} k SET created_at = now(), owner = %s WHERE user_id = %s"
                    " AND key = %s AND state = 'in_flight'"
                    " AND (created_at < now() - make_interval(secs => %s)"
                    "      OR (owner IS NOT NULL AND NOT EXISTS ("
                    "          SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory'"
                    "          AND l.database = (SELECT oid FROM pg_database"
                    "                            WHERE datname = current_database())"
                    "          AND l.classid = %s::oid AND l.objid = k.owner::oid"
                    "          AND l.objsubid = 2 AND l.granted)))"
                    " RETURNING 1",
                    (owner, user_id, key, ABANDONED_AFTER_SECONDS, OWNER_LOCK_CLASS)).fetchone()
                return "new" if taken else "in_flight"
        return "in_flight"

    def complete(self, user_id: str, key: str, stored: Stored) -> None:
        with self.pool.connection() as conn:
            conn.execute(
                f"UPDATE {SCHEMA}.idempotency_keys SET state = 'done', status = %s,"
                " headers = %s, body = %s, completed_at = now()"
                " WHERE user_id = %s AND key = %s",
                (stored.status, Jsonb(stored.headers), stored.body, user_id, key))

    def release(self, user_id: str, key: str) -> None:
        with self.pool.connection() as conn:
            conn.execute(f"DELETE FROM {SCHEMA}.idempotency_keys"
                         " WHERE user_id = %s AND key = %s AND state = 'in_flight'",
                         (user_id, key))


def _dropped(conn: psycopg.Connection[Any]) -> bool:
    """An idle session's socket is readable only when the server closed it (or sent a notice
    before closing): then check it for real. Costs one ``select``, no round trip."""
    try:
        readable, _, _ = select.select([conn.pgconn.socket], [], [], 0)
        if readable:
            conn.execute("SELECT 1")
        return False
    except (psycopg.Error, OSError, ValueError):
        return True


def problem_bytes(status: int, code: str, title: str, detail: str) -> bytes:
    return json.dumps({"type": f"https://upc.example/problems/{code}", "title": title,
                       "status": status, "detail": detail}).encode()


async def send_problem(send: Send, status: int, code: str, title: str, detail: str,
                       headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = problem_bytes(status, code, title, detail)
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/problem+json"),
                            (b"content-length", str(len(body)).encode()), *(headers or [])]})
    await send({"type": "http.response.body", "body": body})


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None


class WriteGuard:
    """ASGI middleware for every write under /api/v1: body size limit, then idempotency."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        declared = _header(scope, b"content-length")
        if declared is not None and (not declared.isdigit()
                                     or int(declared) > self.max_body_bytes):
            await self._too_large(send)
            return
        body = bytearray()
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.max_body_bytes:
                await self._too_large(send)
                return
        replay = _replayer(bytes(body), receive)
        key = _header(scope, b"idempotency-key")
        if key is None or scope["method"] not in WRITE_METHODS:
            await self.app(scope, replay, send)
            return
        await self._idempotent(scope, replay, send, key, bytes(body))

    async def _too_large(self, send: Send) -> None:
        await send_problem(send, 413, "payload-too-large", "Payload too large",
                           f"The request body is larger than {self.max_body_bytes} bytes.")

    async def _idempotent(self, scope: Scope, receive: Receive, send: Send, key: str,
                          body: bytes) -> None:
        if not (0 < len(key) <= MAX_KEY_LENGTH and key.isascii() and key.isprintable()):
            await send_problem(send, 422, "invalid-idempotency-key", "Unprocessable content",
                               f"An Idempotency-Key is 1 to {MAX_KEY_LENGTH} printable ASCII "
                               "characters.")
            return
        app_state = scope["app"].state
        user_id = _user_of(scope, app_state)
        if user_id is None:  # let the route refuse the token with its own 401
            await self.app(scope, receive, send)
            return
        store: IdempotencyStore = app_state.idempotency
        fingerprint = hashlib.sha256(b"\n".join([
            scope["method"].encode(), scope["path"].encode(), scope.get("query_string", b""),
            body])).hexdigest()
        outcome = await to_thread.run_sync(store.begin, user_id, key, fingerprint)
        if outcome == "mismatch":
            await send_problem(send, 422, "idempotency-key-reused", "Unprocessable content",
                               "This Idempotency-Key was already used for a different request; "
                               "use a new key for a new request.")
            return
        if outcome == "in_flight":
            await send_problem(send, 409, "idempotency-key-in-flight", "Conflict",
                               "A request with this Idempotency-Key is still being processed; "
                               "retry shortly.", [(b"retry-after", b"1")])
            return
        if isinstance(outcome, Stored):
            await _send_stored(send, outcome)
            return
        await self._run_and_store(scope, receive, send, store, user_id, key)

    async def _run_and_store(self, scope: Scope, receive: Receive, send: Send,
                             store: IdempotencyStore, user_id: str, key: str) -> None:
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, capture)
        except BaseException:
            await to_thread.run_sync(store.release, user_id, key)
            raise
        status = int(start.get("status", 500))
        if 200 <= status < 300:
            headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                       for k, v in start.get("headers", [])
                       if k.decode("latin-1").lower() in REPLAYED_HEADERS}
            await to_thread.run_sync(store.complete, user_id, key,
                                     Stored(status, headers, b"".join(chunks)))
        else:
            await to_thread.run_sync(store.release, user_id, key)


def _user_of(scope: Scope, app_state: Any) -> str | None:
    authorization = _header(scope, b"authorization") or ""
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    try:
        actor = app_state.authenticator.actor(token.strip())
    except Exception:  # noqa: BLE001 - any refusal: the route answers 401 itself
        return None
    return f"{actor.role.value}:{actor.user_id}"


def _replayer(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _send_stored(send: Send, stored: Stored) -> None:
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in stored.headers.items()]
    headers += [(b"content-length", str(len(stored.body)).encode()),
                (b"idempotent-replayed", b"true")]
    await send({"type": "http.response.start", "status": stored.status, "headers": headers})
    await send({"type": "http.response.body", "body": stored.body})
