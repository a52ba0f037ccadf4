"""The launcher: a tracked follower of the notification log that starts or signals workflows.

It reads a batch of events, asks Temporal for every action they imply, and records its
position (one tracking record for the batch) only after Temporal accepted all of them. A
crash re-delivers at most that batch, and deterministic workflow ids with the USE_EXISTING
conflict policy, and signals that only ask a clock to re-read its case, make the re-delivery
harmless: neither lost nor duplicated.

Within a batch, actions for different workflows run concurrently; actions for one workflow
keep the order of the events.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import datetime

from eventsourcing.persistence import InfrastructureFactory, Tracking, TrackingRecorder
from eventsourcing.utils import Environment
from temporalio.client import Client

from domain.application import CaseService
from workflows import metrics, registry, tracing
from workflows.launch import LaunchAction, LaunchContext
from workflows.temporal import TASK_QUEUE

log = logging.getLogger("upc.launcher")

LAUNCHER_NAME = "launcher"


def tracking_recorder(es_env: dict[str, str]) -> TrackingRecorder:
    factory = InfrastructureFactory.construct(env=Environment(LAUNCHER_NAME.upper(), es_env))
    return factory.tracking_recorder()


class Launcher:
    def __init__(self, app: CaseService, tracking: TrackingRecorder, client: Client,
                 batch_size: int = 200, poll_interval: float = 0.2,
                 task_queue: str = TASK_QUEUE, concurrency: int = 32) -> None:
        self.app = app
        self.tracking = tracking
        self.context = LaunchContext(client, app, task_queue, registry.open_workflow_ids)
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.concurrency = asyncio.Semaphore(concurrency)
        self._origin: dict[int, object] = {}  # action -> the event it came from (tracing)

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
        actions: list[LaunchAction] = []
        recorded_at: dict[str, datetime] = {}  # for the start latency metric
        for notification in notifications:
            event = self.app.mapper.to_domain_event(notification)
            routed = registry.ROUTES[notification.topic](event)
            actions.extend(routed)
            for action in routed:
                recorded_at.setdefault(action.target, event.timestamp)
                self._origin[id(action)] = event
        try:
            await self._run_all(actions)
        finally:
            self._origin.clear()
        metrics.launched(actions, recorded_at)
        if len(notifications) < self.batch_size:
            # Seen everything up to head; events without clocks count as handled.
            reached = head
        else:
            reached = notifications[-1].id
        await asyncio.to_thread(self.tracking.insert_tracking, Tracking(self.app.name, reached))
        return len(notifications) or 1

    async def _run_all(self, actions: Sequence[LaunchAction]) -> None:
        by_target: dict[str, list[LaunchAction]] = {}
        for action in actions:
            by_target.setdefault(action.target, []).append(action)

        async def in_order(group: list[LaunchAction]) -> None:
            async with self.concurrency:
                for action in group:
                    # The trace of the request that recorded the event goes on to Temporal.
                    with tracing.continued(self._origin.get(id(action)),
                                           f"launch {type(action).__name__}",
                                           **{"upc.workflow_id": action.target}):
                        await action.run(self.context)

        async with asyncio.TaskGroup() as group:
            for target_actions in by_target.values():
                group.create_task(in_order(target_actions))

    async def run(self, stopping: asyncio.Event) -> None:
        log.info("launcher following the event log to task queue %s",
                 self.context.task_queue)
        backoff = 0.5
        while not stopping.is_set():
            try:
                handled = await self.step()
                backoff = 0.5
            except Exception:
                log.exception("launcher step failed; retrying in %.1fs", backoff)
                handled = 0
                await _wait(stopping, backoff)
                backoff = min(backoff * 2, 10.0)
                continue
            if handled == 0:
                await _wait(stopping, self.poll_interval)
        log.info("launcher stopped")


async def _wait(event: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(event.wait(), timeout=seconds)
    except TimeoutError:
        pass
