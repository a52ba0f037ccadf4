"""Recently used aggregates kept in memory, so a command does not replay a long history.

The cache holds, per aggregate id, the aggregate as it was after its last recorded event in
this process and when it was put there. It is only a head start: the application service
reads the events recorded after the cached version (by any process) and applies them before
a command, and the event store's optimistic concurrency (a unique version per aggregate)
still refuses a command decided on an out-of-date aggregate. An aggregate whose command
failed, or whose save was refused, is dropped: after a conflict it holds the rejected event.

Commands on one aggregate take that aggregate's lock (one of ``STRIPES`` striped locks), so
one process never applies two commands to the same cached object at once. Entries expire
after ``ttl`` seconds, so decrypted personal data does not stay in memory for long.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar
from uuid import UUID

T = TypeVar("T")
STRIPES = 256


class AggregateCache(Generic[T]):
    def __init__(self, size: int, ttl: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.size = size
        self.ttl = ttl
        self._clock = clock
        self._entries: OrderedDict[UUID, tuple[float, T]] = OrderedDict()
        self._lock = threading.Lock()
        self._stripes = [threading.Lock() for _ in range(STRIPES)]

    @property
    def enabled(self) -> bool:
        return self.size > 0

    def lock_for(self, aggregate_id: UUID) -> threading.Lock:
        return self._stripes[aggregate_id.int % STRIPES]

    def get(self, aggregate_id: UUID) -> T | None:
        with self._lock:
            entry = self._entries.get(aggregate_id)
            if entry is None:
                return None
            if entry[0] + self.ttl < self._clock():
                del self._entries[aggregate_id]
                return None
            self._entries.move_to_end(aggregate_id)
            return entry[1]

    def put(self, aggregate_id: UUID, aggregate: T) -> None:
        if not self.enabled:
            return
        with self._lock:
            self._entries[aggregate_id] = (self._clock(), aggregate)
            self._entries.move_to_end(aggregate_id)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def evict(self, aggregate_id: UUID) -> None:
        with self._lock:
            self._entries.pop(aggregate_id, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
