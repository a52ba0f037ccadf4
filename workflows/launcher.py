"""The launcher: a tracked follower of the notification log that starts or signals workflows.

It records its position only after Temporal accepted every action of an event, so a
crash re-delivers at most the last event, and deterministic workflow ids with the
USE_EXISTING conflict policy make the re-delivery harmless.
"""

from __future__ import annotations

import asyncio
import logging

from eventsourcing.persistence import InfrastructureFactory, Tracking, TrackingRecorder
from eventsourcing.utils import Environment
from temporalio.client import Client

from domain.application import CaseService
from workflows import registry

log = logging.getLogger("upc.launcher")

LAUNCHER_NAME = "launcher"


def tracking_recorder(es_env: dict[str, str]) -> TrackingRecorder:
    factory = InfrastructureFactory.construct(env=Environment(LAUNCHER_NAME.upper(), es_env))
    return factory.tracking_recorder()


class Launcher:
    def __init__(self, app: CaseService, tracking: TrackingRecorder, client: Client,
                 batch_size: int = 200, poll_interval: float = 0.2) -> None:
        self.app = app
        self.tracking = tracking
        self.client = client
        self.batch_size = batch_size
        self.poll_interval = poll_interval

    @property
    def position(self) -> int:
        return self.tracking.max_tracking_id(self.app.name) or 0

    async def step(self) -> int:
        """Launch one batch of events; returns how many were handled (0: caught up)."""
        position = await asyncio.to_thread(lambda: self.position)
        head = await asyncio.to_thread(self.app.recorder.max_notification_id) or 0
        if head <= position:
            return 0
        topics = tuple(registry.ROUTES)
        notifications = await asyncio.to_thread(
            self.app.recorder.select_notifications, position, self.batch_size, head,
            topics, inclusive_of_start=False) if topics else []
        for notification in notifications:
            event = self.app.mapper.to_domain_event(notification)
            for action in registry.ROUTES[notification.topic](event):
                await action.run(self.client)
            await asyncio.to_thread(
                self.tracking.insert_tracking, Tracking(self.app.name, notification.id))
        if len(notifications) < self.batch_size:
            # Seen everything up to head; events without clocks count as handled.
            if head > (notifications[-1].id if notifications else position):
                await asyncio.to_thread(
                    self.tracking.insert_tracking, Tracking(self.app.name, head))
        return len(notifications) or 1

    async def run(self, stopping: asyncio.Event) -> None:
        backoff = 0.5
        while not stopping.is_set():
            try:
                handled = await self.step()
                backoff = 0.5
            except Exception:  # noqa: BLE001 - supervisor loop: the position was not moved
                log.exception("launcher step failed; retrying in %.1fs", backoff)
                handled = 0
                await _wait(stopping, backoff)
                backoff = min(backoff * 2, 10.0)
                continue
            if handled == 0:
                await _wait(stopping, self.poll_interval)


async def _wait(event: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(event.wait(), timeout=seconds)
    except TimeoutError:
        pass
