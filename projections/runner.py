"""The projection runner: follows the notification log and feeds every view in batches.

Each view keeps its own position in its tracking table and catches up in batches (rows and
position in one transaction). The runner reads and decodes each batch of notifications once
for all its views (``SharedFollower``); ``ViewFollower`` feeds one view alone (rebuilds).
When caught up it waits for the event store's NOTIFY, but never longer than
``poll_interval``: a lost notification cannot stall it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

import psycopg
from eventsourcing.application import Application
from eventsourcing.persistence import Tracking

from projections.heartbeat import Heart
from projections.mapper import redacting_mapper
from projections.view import View

log = logging.getLogger("upc.projections")

#: Most notifications one batch reads. A live batch holds only what is new, so this bounds
#: catch-up: each batch loads and rewrites the fold state and rows of every case it touches
#: once, so fewer, larger batches rewrite a case fewer times (1,000 -> 10,000 halved the
#: wall time of a case-view rebuild; see /work/notes/issue-11.md "Projection catch-up").
CATCH_UP_BATCH = 10_000


class ViewFollower:
    def __init__(self, app: Application, view: View, batch_size: int = CATCH_UP_BATCH,
                 mapper: Any = None) -> None:
        self.app = app
        self.view = view
        self.batch_size = batch_size
        # Views hold no personal data, so events are decoded without opening it.
        self.mapper = mapper or redacting_mapper(app)
        self.last_position = 0
        self.heartbeat = time.monotonic()
        self.heart = Heart(view)

    @property
    def position(self) -> int:
        return self.view.max_tracking_id(self.app.name) or 0

    def catch_up_once(self) -> int:
        """Process one batch; returns how many events were applied (0: caught up)."""
        self.heartbeat = time.monotonic()
        applied = self._catch_up_once()
        self.heart.beat(self.last_position)  # throttled: at most every few seconds
        return applied

    def _catch_up_once(self) -> int:
        position = self.last_position = self.position
        head = self.app.recorder.max_notification_id() or 0
        if head <= position:
            return 0
        notifications = self.app.recorder.select_notifications(
            start=position, stop=head, limit=self.batch_size, topics=self.view.topics,
            inclusive_of_start=False)
        batch = [(self.mapper.to_domain_event(n), Tracking(self.app.name, n.id))
                 for n in notifications]
        if len(notifications) < self.batch_size:
            # Everything up to head was seen: events of other topics count as processed,
            # so the view's lag is exact.
            batch_end = Tracking(self.app.name, head)
            if batch:
                batch[-1] = (batch[-1][0], batch_end)
                self.view.process_batch(batch)
            else:
                self.view.insert_tracking(batch_end)
            self.last_position = head
        else:
            self.view.process_batch(batch)
            self.last_position = notifications[-1].id
        return len(notifications) or 1

    def catch_up(self, progress: Callable[[int], None] | None = None) -> int:
        total = 0
        while applied := self.catch_up_once():
            total += applied
            if progress:
                progress(applied)
        return total


class SharedFollower:
    """Feeds several views from one read of the notification log: each notification is
    selected and decoded once per pass, however many views want it.

    Each view still commits its own rows with its own position in one transaction (exactly
    once, as with ``ViewFollower``); the views of a batch are written in parallel (each has
    its own connection), so the database's time for one overlaps Python's for another. A
    view whose batch fails is logged and left behind at its position; the others go on, and
    the next pass reads from the lowest position again.
    """

    def __init__(self, app: Application, views: Sequence[View],
                 batch_size: int = CATCH_UP_BATCH, mapper: Any = None) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self.app = app
        self.views = list(views)
        self.batch_size = batch_size
        self.mapper = mapper or redacting_mapper(app)
        self.hearts = {v.view_name: Heart(v) for v in self.views}
        self.passed = {v.view_name: time.monotonic() for v in self.views}
        self.positions = {v.view_name: 0 for v in self.views}
        self.failed: dict[str, BaseException] = {}
        self.topics: list[str] | None = sorted({t for v in self.views for t in v.topics})
        if any(not v.topics for v in self.views):
            self.topics = None  # some view reads everything
        self._pool = ThreadPoolExecutor(max_workers=max(1, len(self.views)),
                                        thread_name_prefix="view")

    def close(self) -> None:
        self._pool.shutdown(wait=True)

    def catch_up_once(self) -> int:
        """One batch for every view that is behind; returns notifications read (0: all
        caught up). Raises nothing for a failing view: see ``failed``."""
        positions = {v.view_name: v.max_tracking_id(self.app.name) or 0 for v in self.views}
        self.positions.update(positions)
        start = min(positions.values(), default=0)
        head = self.app.recorder.max_notification_id() or 0
        if head <= start:
            self._passed(self.views, head)
            return 0
        notifications = self.app.recorder.select_notifications(
            start=start, stop=head, limit=self.batch_size, topics=self.topics or (),
            inclusive_of_start=False)
        # Everything up to head was seen when the page is short: other topics count as done.
        end = head if len(notifications) < self.batch_size else notifications[-1].id
        decoded = [(n.id, n.topic, self.mapper.to_domain_event(n)) for n in notifications]
        behind = [v for v in self.views if positions[v.view_name] < end]
        futures = {v.view_name: self._pool.submit(self._feed, v, positions[v.view_name],
                                                  decoded, end) for v in behind}
        done = []
        for view in behind:
            try:
                futures[view.view_name].result()
                self.failed.pop(view.view_name, None)
                self.positions[view.view_name] = end
                done.append(view)
            except Exception as exc:  # noqa: BLE001 - one view's failure stalls only that view
                self.failed[view.view_name] = exc
                log.error("view %s failed a batch; it stays at %s and is retried",
                          view.view_name, positions[view.view_name], exc_info=exc)
        self._passed([v for v in self.views if v not in behind] + done, end)
        return len(notifications) or 1

    def _feed(self, view: View, position: int, decoded: list[tuple[int, str, Any]],
              end: int) -> None:
        wanted = set(view.topics)
        batch = [(event, Tracking(self.app.name, nid)) for nid, topic, event in decoded
                 if nid > position and (not wanted or topic in wanted)]
        if batch:
            batch[-1] = (batch[-1][0], Tracking(self.app.name, end))
            view.process_batch(batch)
        else:
            view.insert_tracking(Tracking(self.app.name, end))

    def _passed(self, views: Sequence[View], position: int) -> None:
        now = time.monotonic()
        for view in views:
            self.passed[view.view_name] = now
            self.hearts[view.view_name].beat(max(position, self.positions[view.view_name]))

    def catch_up(self, progress: Callable[[int], None] | None = None) -> int:
        total = 0
        while applied := self.catch_up_once():
            if self.failed:
                raise next(iter(self.failed.values()))
            total += applied
            if progress:
                progress(applied)
        return total


class ProjectionRunner:
    """Runs the views from one shared read of the log, woken by NOTIFY and by a timeout,
    under a watchdog.

    Supervision: the follower never waits for a notification longer than ``poll_interval``
    (a lost NOTIFY costs at most that); a failed batch is retried with back-off (only the
    failing view stays behind); a thread that died is restarted by the watchdog; each view's
    heartbeat (``projections.heartbeat``, read by ``/readyz``) and ``status()`` report the
    seconds since it last made a pass (a stuck database call shows there).
    """

    def __init__(self, app: Application, views: Sequence[View], conninfo: str,
                 poll_interval: float = 0.5, batch_size: int = CATCH_UP_BATCH) -> None:
        self.app = app
        self.views = list(views)
        self.follower = SharedFollower(app, self.views, batch_size)
        self.conninfo = conninfo
        self.poll_interval = poll_interval
        self.stopping = threading.Event()
        self._wake = threading.Event()
        self._threads: list[threading.Thread] = []
        self._follower_thread: threading.Thread | None = None

    def start(self) -> None:
        listener = threading.Thread(target=self._listen, name="listen", daemon=True)
        listener.start()
        self._threads.append(listener)
        self._follower_thread = self._start_follower()
        watchdog = threading.Thread(target=self._watch, name="watchdog", daemon=True)
        watchdog.start()
        self._threads.append(watchdog)

    def _start_follower(self) -> threading.Thread:
        thread = threading.Thread(target=self._follow, name="views", daemon=True)
        thread.start()
        self._threads.append(thread)
        return thread

    def _watch(self) -> None:
        while not self.stopping.wait(self.poll_interval * 4):
            thread = self._follower_thread
            if thread is not None and not thread.is_alive() and not self.stopping.is_set():
                log.error("the views' follower stopped; restarting it")
                self._follower_thread = self._start_follower()

    def status(self) -> dict[str, dict[str, float | int]]:
        head = self.app.recorder.max_notification_id() or 0
        now = time.monotonic()
        return {v.view_name: {"lag": head - (v.max_tracking_id(self.app.name) or 0),
                              "seconds_since_pass": round(
                                  now - self.follower.passed[v.view_name], 3)}
                for v in self.views}

    def stop(self) -> None:
        self.stopping.set()
        self._wake.set()
        for thread in self._threads:
            thread.join(timeout=10)
        self.follower.close()

    def _follow(self) -> None:
        backoff = 0.5
        while not self.stopping.is_set():
            try:
                read = self.follower.catch_up_once()
                if self.follower.failed:
                    self.stopping.wait(backoff)
                    backoff = min(backoff * 2, 10.0)
                    continue
                backoff = 0.5
                if read == 0:
                    self._wake.wait(self.poll_interval)
                    self._wake.clear()
            except Exception:  # noqa: BLE001 - a supervisor loop: log, back off, go on
                log.exception("the views' follower failed; retrying in %.1fs", backoff)
                self.stopping.wait(backoff)
                backoff = min(backoff * 2, 10.0)

    def _listen(self) -> None:
        channel = self.app.recorder.channel_name  # type: ignore[attr-defined]
        while not self.stopping.is_set():
            try:
                with psycopg.connect(self.conninfo, autocommit=True) as conn:
                    conn.execute(f'LISTEN "{channel}"')
                    while not self.stopping.is_set():
                        for _ in conn.notifies(timeout=self.poll_interval, stop_after=1):
                            self._wake.set()
            except Exception:  # noqa: BLE001 - the follower still polls while we reconnect
                log.warning("lost the NOTIFY connection; views keep polling; reconnecting")
                self.stopping.wait(1.0)

    def lag(self) -> dict[str, int]:
        head = self.app.recorder.max_notification_id() or 0
        return {v.view_name: head - (v.max_tracking_id(self.app.name) or 0)
                for v in self.views}


def wait_until(predicate: Callable[[], bool], timeout: float, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()
