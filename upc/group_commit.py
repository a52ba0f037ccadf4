"""Group commit: the events of concurrent commands in one process written in one transaction.

eventsourcing's PostgreSQL recorder takes an ``EXCLUSIVE`` lock on the events table for
each insert, until the commit, so notification ids are committed in order and the log can
be followed without gaps. With ``synchronous_commit`` on, each commit waits for its WAL
flush while holding that lock, so writers queue one flush at a time.

``GroupCommitRecorder`` lets one thread at a time (the leader) write; the threads that
arrive meanwhile queue their events, and the next leader writes every queued command's
events in one transaction: one lock, one statement, one flush for the lot. Each caller
returns only after the transaction holding its events has committed, with its own
notification ids, so nothing is acknowledged before it is durable. If a group fails (say one
command lost an optimistic-concurrency race), each of its commands is written again on its
own, so every caller gets its own outcome and no one else's error.

A transaction is one round trip: ``upc_append_events(events)``, a PL/pgSQL function run in
autocommit, takes the same lock (through ``upc_lock_events()`` where the database roles
installed it, else ``LOCK TABLE``), notifies, inserts and returns the notification ids, and
the statement's commit ends it; no client round trip happens while the lock is held. Where
the function is missing (a database migrated before it) the recorder falls back to
eventsourcing's own pipelined transaction.

Chosen by ``upc.bootstrap.case_service`` through ``APPLICATION_RECORDER_TOPIC``; the
function is installed by ``upc.bootstrap.migrate`` (``install_append_function``).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import psycopg
from eventsourcing.persistence import IntegrityError, InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.utils import retry
from psycopg import sql

TOPIC = "upc.group_commit:GroupCommitRecorder"
MAX_GROUP_EVENTS = 500
APPEND_FUNCTION = "upc_append_events"
LOCK_FUNCTION = "upc_lock_events"  # upc.roles installs it for the service role

_APPEND_SQL = sql.SQL("""
CREATE OR REPLACE FUNCTION {schema}.{function}(events {schema}.{event_type}[])
RETURNS SETOF bigint LANGUAGE plpgsql AS $$
BEGIN
  SET LOCAL lock_timeout = '{timeout}s';
  IF to_regprocedure({lock_name}) IS NOT NULL THEN
    PERFORM {schema}.{lock}();
  ELSE
    LOCK TABLE {schema}.{table} IN EXCLUSIVE MODE;
  END IF;
  NOTIFY {channel};
  RETURN QUERY INSERT INTO {schema}.{table} (originator_id, originator_version, topic, state)
    SELECT e.originator_id, e.originator_version, e.topic, e.state FROM unnest(events) e
    RETURNING notification_id;
END
$$
""")


def install_append_function(conn: psycopg.Connection[Any], schema: str,
                            table: str = "upc_events", lock_timeout: int = 5) -> None:
    """Create (or replace) ``upc_append_events`` beside the events table."""
    conn.execute(_APPEND_SQL.format(
        schema=sql.Identifier(schema), function=sql.Identifier(APPEND_FUNCTION),
        event_type=sql.Identifier("stored_event_uuid"), timeout=sql.SQL(str(int(lock_timeout))),
        lock_name=sql.Literal(f"{schema}.{LOCK_FUNCTION}()"), lock=sql.Identifier(LOCK_FUNCTION),
        table=sql.Identifier(table), channel=sql.Identifier(table.replace(".", "_"))))


class _Pending:
    __slots__ = ("done", "error", "events", "ids")

    def __init__(self, events: Sequence[StoredEvent]) -> None:
        self.events = events
        self.done = False
        self.ids: Sequence[int] | None = None
        self.error: BaseException | None = None


class GroupCommitRecorder(PostgresApplicationRecorder):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._queue: list[_Pending] = []
        self._queue_lock = threading.Lock()
        self._leader = threading.Lock()
        self.groups = 0  # transactions written by a leader (for the benchmark)
        self.grouped = 0  # commands written in them
        self._function: bool | None = None  # is upc_append_events there? (None: not tried)
        self._call = sql.SQL("SELECT * FROM {0}.{1}(%s)").format(
            sql.Identifier(self.datastore.schema or "public"), sql.Identifier(APPEND_FUNCTION))

    def create_table(self) -> None:
        super().create_table()
        with self.datastore.get_connection() as conn:
            install_append_function(conn, self.datastore.schema or "public",
                                    self.events_table_name, self.datastore.lock_timeout)

    def insert_events(self, stored_events: Sequence[StoredEvent],
                      **kwargs: Any) -> Sequence[int] | None:
        if any(v is not None for v in kwargs.values()) or not stored_events \
                or self.datastore.enable_db_functions:  # tracking records: not grouped
            return super().insert_events(stored_events, **kwargs)
        mine = _Pending(stored_events)
        with self._queue_lock:
            self._queue.append(mine)
        while not mine.done:
            with self._leader:
                if mine.done:
                    break
                with self._queue_lock:
                    group, size = [], 0
                    while self._queue and (not group or size + len(self._queue[0].events)
                                           <= MAX_GROUP_EVENTS):
                        size += len(self._queue[0].events)
                        group.append(self._queue.pop(0))
                self._write(group)
        if mine.error is not None:
            raise mine.error
        return mine.ids

    def _write(self, group: list[_Pending]) -> None:
        try:
            self._write_group(group)
        finally:
            for pending in group:  # interrupted: no caller waits for ever
                if not pending.done:
                    pending.error = RuntimeError("the group commit was interrupted")
                    pending.done = True

    def _write_group(self, group: list[_Pending]) -> None:
        self.groups += 1
        self.grouped += len(group)
        if len(group) > 1:
            try:
                ids = self._append([e for p in group for e in p.events])
            except Exception:  # noqa: BLE001 - each command is written alone, below
                ids = False
            if ids is not False:
                start = 0
                for pending in group:
                    end = start + len(pending.events)
                    pending.ids = list(ids[start:end]) if ids is not None else None
                    pending.done = True
                    start = end
                return
        for pending in group:
            try:
                pending.ids = self._append(pending.events)
            except BaseException as exc:  # noqa: BLE001 - handed to its own caller
                pending.error = exc
            pending.done = True

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def _append(self, stored_events: Sequence[StoredEvent]) -> Sequence[int] | None:
        """One transaction, one round trip: the function, committed as its statement ends."""
        if self._function is False:
            return super().insert_events(stored_events)
        rows = [self.construct_pg_stored_event(e.originator_id, e.originator_version, e.topic,
                                               e.state) for e in stored_events]
        try:
            with self.datastore.get_connection() as conn:
                found = conn.execute(self._call, (rows,), prepare=True).fetchall()
        except IntegrityError:
            raise
        except Exception as exc:
            if self._function is None and "upc_append_events" in str(exc):
                self._function = False
                return super().insert_events(stored_events)
            raise
        self._function = True
        return [next(iter(row.values())) if isinstance(row, dict) else row[0] for row in found]
