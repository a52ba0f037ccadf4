"""The projection runner: follows the notification log and feeds every view in batches.

Each view keeps its own position in its tracking table. A view catches up in batches
(rows and position in one transaction). When caught up it waits for the event store's
NOTIFY, but never longer than ``poll_interval``: a lost notification cannot stall it.
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


class ViewFollower:
    def __init__(self, app: Application, view: View, batch_size: int = 1000,
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


class ProjectionRunner:
    """Runs a follower thread per view, woken by NOTIFY and by a timeout, under a watchdog.

    Supervision: a follower never waits for a notification longer than ``poll_interval``
    (a lost NOTIFY costs at most that); a failed batch is retried with back-off; a thread
    that died is restarted by the watchdog; ``status()`` reports lag and the seconds since
    each follower last made a pass (a stuck database call shows there).
    """

    def __init__(self, app: Application, views: Sequence[View], conninfo: str,
                 poll_interval: float = 0.5, batch_size: int = 1000) -> None:
        self.app = app
        mapper = redacting_mapper(app)
        self.followers = [ViewFollower(app, v, batch_size, mapper) for v in views]
        self.conninfo = conninfo
        self.poll_interval = poll_interval
        self.stopping = threading.Event()
        self._wake = [threading.Event() for _ in self.followers]
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        listener = threading.Thread(target=self._listen, name="listen", daemon=True)
        listener.start()
        self._threads.append(listener)
        self._follower_threads = [self._start_follower(i) for i in range(len(self.followers))]
        self._threads.extend(self._follower_threads)
        watchdog = threading.Thread(target=self._watch, name="watchdog", daemon=True)
        watchdog.start()
        self._threads.append(watchdog)

    def _start_follower(self, index: int) -> threading.Thread:
        follower, wake = self.followers[index], self._wake[index]
        thread = threading.Thread(target=self._follow, args=(follower, wake),
                                  name=follower.view.view_name, daemon=True)
        thread.start()
        return thread

    def _watch(self) -> None:
        while not self.stopping.wait(self.poll_interval * 4):
            for i, thread in enumerate(self._follower_threads):
                if not thread.is_alive() and not self.stopping.is_set():
                    log.error("view %s stopped; restarting it", self.followers[i].view.view_name)
                    self._follower_threads[i] = self._start_follower(i)
                    self._threads.append(self._follower_threads[i])

    def status(self) -> dict[str, dict[str, float | int]]:
        head = self.app.recorder.max_notification_id() or 0
        now = time.monotonic()
        return {f.view.view_name: {"lag": head - f.position,
                                   "seconds_since_pass": round(now - f.heartbeat, 3)}
                for f in self.followers}

    def stop(self) -> None:
        self.stopping.set()
        for wake in self._wake:
            wake.set()
        for thread in self._threads:
            thread.join(timeout=10)

    def _follow(self, follower: ViewFollower, wake: threading.Event) -> None:
        backoff = 0.5
        while not self.stopping.is_set():
            try:
                if follower.catch_up_once() == 0:
                    wake.wait(self.poll_interval)
                    wake.clear()
                backoff = 0.5
            except Exception:  # noqa: BLE001 - a supervisor loop: log, back off, go on
                log.exception("view %s failed; retrying in %.1fs",
                              follower.view.view_name, backoff)
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
                            for wake in self._wake:
                                wake.set()
            except Exception:  # noqa: BLE001 - followers still poll while we reconnect
                log.warning("lost the NOTIFY connection; views keep polling; reconnecting")
                self.stopping.wait(1.0)

    def lag(self) -> dict[str, int]:
        head = self.app.recorder.max_notification_id() or 0
        return {f.view.view_name: head - f.position for f in self.followers}


def wait_until(predicate: Callable[[], bool], timeout: float, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()
