"""Per-person encryption keys in PostgreSQL (table ``upc_subject_keys``), for crypto-shredding.

Chosen by ``CaseService`` when ``PERSISTENCE_MODULE=eventsourcing.postgres`` (or explicitly
with ``UPC_KEY_STORE_TOPIC=upc.keystore:PostgresKeyStore``); it reuses the ``POSTGRES_*``
settings of the event store. Each subject's 256-bit key is stored *wrapped* (AES-256-GCM) by a
master key from ``UPC_MASTER_KEY`` (base64 of 32 bytes), so a copy of the table alone opens
nothing. Without ``UPC_MASTER_KEY`` a development master key is derived from the database
name: fine on a laptop, never in production (set the variable there).

Rotation: each row records which master key wrapped it (``master_id``, a hash of the key).
``UPC_MASTER_KEY_PREVIOUS`` (comma-separated) lists older master keys that still open rows;
``rotate()`` (``upc keys rotate``) re-wraps every row under the current master key, one row
at a time with a compare-and-set, after checking that every row opens: resumable, and the
person's key itself never changes, so nothing sealed with it needs touching.

Erasure: ``destroy(subject_id)`` drops the wrapped key and keeps a tombstone row
(``destroyed_at``), so no new key is ever created for an erased person. Unwrapped keys are
cached in the process for ``UPC_KEY_CACHE_SECONDS`` (default 60). ``destroy`` evicts the key
from its own cache at once and announces the erasure on the ``upc_subject_key_destroyed``
channel (``pg_notify``, sent when the tombstone commits); every other process's key store
listens on it and drains the announcements before each cache hit, so an erased key is never
served from any cache after the erasure commits. Should the listening connection be lost, the
cache is dropped and bypassed until it is back, and the cache lifetime remains the outer bound.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from base64 import b64decode
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import psycopg
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from psycopg import sql

from domain.errors import SubjectErased
from domain.personal import seal, unseal

TABLE = "upc_subject_keys"
_WRAP_CONTEXT = b"upc-subject-key"
DESTROYED_CHANNEL = "upc_subject_key_destroyed"


def master_id(master: bytes) -> str:
    """Names a master key without revealing it (recorded beside each wrapped key)."""
    return hashlib.sha256(b"upc-master-id:" + master).hexdigest()[:16]


def previous_master_keys(env: Mapping[str, str]) -> list[bytes]:
    keys = [b64decode(k) for k in env.get("UPC_MASTER_KEY_PREVIOUS", "").split(",") if k.strip()]
    if any(len(k) != 32 for k in keys):
        raise ValueError("UPC_MASTER_KEY_PREVIOUS must be base64 keys of exactly 32 bytes, "
                         "comma-separated")
    return keys


@dataclass
class Rotation:
    rewrapped: int = 0
    already: int = 0  # under the current master key before this run
    erased: int = 0


class RotationError(RuntimeError):
    """A row no known master key opens; nothing was changed."""


def master_key_from_env(env: Mapping[str, str]) -> bytes:
    configured = env.get("UPC_MASTER_KEY")
    if configured:
        key = b64decode(configured)
        if len(key) != 32:
            raise ValueError("UPC_MASTER_KEY must be base64 of exactly 32 bytes")
        return key
    dbname = env.get("POSTGRES_DBNAME", "upc")
    return hashlib.sha256(f"upc-development-master-key:{dbname}".encode()).digest()


class PostgresKeyStore:
    def __init__(self, conninfo: str, master_key: bytes, schema: str = "",
                 create_table: bool = True, cache_seconds: float = 60.0,
                 previous_masters: Sequence[bytes] = ()) -> None:
        self._conninfo = conninfo
        self._conn: psycopg.Connection[tuple[object, ...]] | None = None
        self._conn_lock = threading.Lock()
        self._master = master_key
        self._master_id = master_id(master_key)
        self._masters = {master_id(k): k for k in (*previous_masters, master_key)}
        self._table = (sql.Identifier(schema, TABLE) if schema else sql.Identifier(TABLE))
        self._cache: dict[str, tuple[float, bytes]] = {}
        self._cache_seconds = cache_seconds
        self._lock = threading.Lock()
        self._listener: psycopg.Connection[tuple[object, ...]] | None = None
        if create_table:
            self.create_table()

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> PostgresKeyStore:
        conninfo = " ".join(
            f"{name}={value}" for name, value in (
                ("dbname", env.get("POSTGRES_DBNAME")), ("host", env.get("POSTGRES_HOST")),
                ("port", env.get("POSTGRES_PORT", "5432")), ("user", env.get("POSTGRES_USER")),
                ("password", env.get("POSTGRES_PASSWORD")),
                ("connect_timeout", env.get("POSTGRES_CONNECT_TIMEOUT", "5")))
            if value)
        return cls(conninfo, master_key_from_env(env), env.get("POSTGRES_SCHEMA", "") or "",
                   create_table=env.get("CREATE_TABLE", "true").lower() not in ("false", "n",
                                                                                "no", "0"),
                   cache_seconds=float(env.get("UPC_KEY_CACHE_SECONDS", "60")),
                   previous_masters=previous_master_keys(env))

    def _execute(self, query: sql.Composable, params: tuple[object, ...] = ()) -> list[
            tuple[object, ...]]:
        """One small autocommit connection, reopened if it broke (no pool threads to leak)."""
        with self._conn_lock:
            for attempt in (1, 2):
                if self._conn is None or self._conn.closed:
                    self._conn = psycopg.connect(self._conninfo, autocommit=True)
                try:
                    cursor = self._conn.execute(query, params)
                    return cursor.fetchall() if cursor.description else []
                except psycopg.OperationalError:
                    self._conn.close()
                    if attempt == 2:
                        raise
        return []

    def create_table(self) -> None:
        self._execute(sql.SQL(
                "CREATE TABLE IF NOT EXISTS {0} ("
                " subject_id text PRIMARY KEY,"
                " wrapped_key bytea,"
                " created_at timestamptz NOT NULL DEFAULT now(),"
                " destroyed_at timestamptz)").format(self._table))
        self._execute(sql.SQL("ALTER TABLE {0} ADD COLUMN IF NOT EXISTS master_id text").format(
            self._table))

    def key_for(self, subject_id: str) -> bytes:
        cached = self._cached(subject_id)
        if cached is not None:
            return cached
        candidate = AESGCM.generate_key(bit_length=256)
        wrapped = seal(self._master, candidate, _WRAP_CONTEXT + subject_id.encode())
        self._execute(sql.SQL(
            "INSERT INTO {0} (subject_id, wrapped_key, master_id) VALUES (%s, %s, %s)"
            " ON CONFLICT (subject_id) DO NOTHING").format(self._table),
            (subject_id, wrapped, self._master_id))
        key = self.existing_key(subject_id)
        if key is None:
            raise SubjectErased(f"The personal data of {subject_id} has been erased.")
        return key

    def existing_key(self, subject_id: str) -> bytes | None:
        cached = self._cached(subject_id)
        if cached is not None:
            return cached
        # Listen before reading: an erasure committed after this read is heard, and evicts.
        with self._lock:
            cacheable = self._cache_seconds > 0 and self._drain_destroyed()
        rows = self._execute(sql.SQL(
            "SELECT wrapped_key, master_id FROM {0} WHERE subject_id = %s").format(self._table),
            (subject_id,))
        if not rows or rows[0][0] is None:
            return None
        wrapped, wrapped_by = rows[0]
        assert isinstance(wrapped, bytes | memoryview)
        key = self._unwrap(subject_id, bytes(wrapped), wrapped_by)
        if cacheable:
            with self._lock:
                self._cache[subject_id] = (time.monotonic() + self._cache_seconds, key)
        return key

    def _unwrap(self, subject_id: str, wrapped: bytes, wrapped_by: object) -> bytes:
        """Open with the master key the row names; a row from before rotation names none,
        so each known key is tried, the current one first."""
        context = _WRAP_CONTEXT + subject_id.encode()
        named = self._masters.get(str(wrapped_by)) if wrapped_by else None
        candidates = [named] if named else [self._master, *(
            k for k in self._masters.values() if k != self._master)]
        for master in candidates:
            try:
                return unseal(master, wrapped, context)
            except InvalidTag:
                continue
        raise RotationError(f"no configured master key opens the key of {subject_id} "
                            "(set UPC_MASTER_KEY_PREVIOUS to the key it was wrapped with)")

    def rotate(self, batch: int = 500) -> Rotation:
        """Re-wrap every key under the current master key (see the module's docstring)."""
        outcome = Rotation()
        select = sql.SQL("SELECT subject_id, wrapped_key, master_id FROM {0}"
                         " WHERE subject_id > %s ORDER BY subject_id LIMIT %s").format(
            self._table)
        for check in (True, False):  # first prove every row opens, then change them
            after = ""
            while rows := self._execute(select, (after, batch)):
                after = str(rows[-1][0])
                for subject_id, wrapped, wrapped_by in rows:
                    if check and wrapped is not None and wrapped_by != self._master_id:
                        assert isinstance(wrapped, bytes | memoryview)
                        self._unwrap(str(subject_id), bytes(wrapped), wrapped_by)
                    elif not check:
                        self._rotate_row(str(subject_id), wrapped, wrapped_by, outcome)
        return outcome

    def _rotate_row(self, subject_id: str, wrapped: object, wrapped_by: object,
                    outcome: Rotation) -> None:
        if wrapped is None:
            outcome.erased += 1
            return
        if wrapped_by == self._master_id:
            outcome.already += 1
            return
        assert isinstance(wrapped, bytes | memoryview)
        key = self._unwrap(subject_id, bytes(wrapped), wrapped_by)
        rewrapped = seal(self._master, key, _WRAP_CONTEXT + subject_id.encode())
        # Compare-and-set: an erasure (or another rotation) in between wins.
        changed = self._execute(sql.SQL(
            "UPDATE {0} SET wrapped_key = %s, master_id = %s WHERE subject_id = %s"
            " AND wrapped_key = %s RETURNING subject_id").format(self._table),
            (rewrapped, self._master_id, subject_id, bytes(wrapped)))
        if changed:
            outcome.rewrapped += 1

    def destroy(self, subject_id: str) -> None:
        with self._lock:
            self._cache.pop(subject_id, None)
        # One statement, one transaction: the tombstone and the announcement commit together.
        self._execute(sql.SQL(
            "WITH tombstone AS ("
            " INSERT INTO {0} (subject_id, wrapped_key, destroyed_at) VALUES (%s, NULL, now())"
            " ON CONFLICT (subject_id) DO UPDATE SET wrapped_key = NULL,"
            " destroyed_at = COALESCE({0}.destroyed_at, now()) RETURNING subject_id)"
            " SELECT pg_notify(%s, subject_id) FROM tombstone").format(self._table),
            (subject_id, DESTROYED_CHANNEL))
        with self._lock:
            self._cache.pop(subject_id, None)

    def close(self) -> None:
        with self._conn_lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
        with self._lock:
            if self._listener is not None:
                self._listener.close()
                self._listener = None
            self._cache.clear()

    def _drain_destroyed(self) -> bool:
        """Evict every key erased elsewhere; False if erasures cannot be heard (no cache).

        Called with ``self._lock`` held.
        """
        if self._listener is None or self._listener.closed:
            try:
                self._listener = psycopg.connect(self._conninfo, autocommit=True)
                self._listener.execute(sql.SQL("LISTEN {0}").format(
                    sql.Identifier(DESTROYED_CHANNEL)))
            except psycopg.Error:
                self._listener = None
                self._cache.clear()
                return False
            self._cache.clear()  # erasures missed while not listening
        try:
            for notify in self._listener.notifies(timeout=0):
                self._cache.pop(notify.payload, None)
        except psycopg.Error:
            self._listener.close()
            self._listener = None
            self._cache.clear()
            return False
        return True

    def _cached(self, subject_id: str) -> bytes | None:
        with self._lock:
            if subject_id not in self._cache or not self._drain_destroyed():
                return None
            entry = self._cache.get(subject_id)
            if entry is None:
                return None
            if entry[0] < time.monotonic():
                del self._cache[subject_id]
                return None
            return entry[1]


def generate_master_key() -> str:
    """A new value for ``UPC_MASTER_KEY``."""
    from base64 import b64encode

    return b64encode(os.urandom(32)).decode("ascii")
