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

Chosen by ``upc.bootstrap.case_service`` through ``APPLICATION_RECORDER_TOPIC``.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder

TOPIC = "upc.group_commit:GroupCommitRecorder"
MAX_GROUP_EVENTS = 500


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
                ids = super().insert_events([e for p in group for e in p.events])
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
                pending.ids = super().insert_events(pending.events)
            except BaseException as exc:  # noqa: BLE001 - handed to its own caller
                pending.error = exc
            pending.done = True
