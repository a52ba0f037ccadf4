"""The Temporal worker: runs every registered workflow and activity until told to stop.

Activities call the synchronous eventsourcing application, so they run in a thread pool.
On stop the worker stops polling, gives running activities a grace period to finish and
report, then shuts the pool down; an activity cut short is retried by Temporal elsewhere,
and finds its fact already recorded.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

from temporalio.client import Client
from temporalio.worker import Worker

from domain.application import CaseService
from workflows import registry
from workflows.disposal.schedule import ensure_disposal_schedule
from workflows.metrics import ActivityMetrics
from workflows.reconcile_schedule import ensure_reconcile_schedule
from workflows.temporal import TASK_QUEUE

log = logging.getLogger("upc.worker")

GRACEFUL_SHUTDOWN = timedelta(seconds=5)


def build_worker(client: Client, app: CaseService, task_queue: str = TASK_QUEUE,
                 executor: concurrent.futures.Executor | None = None,
                 extra_activities: Sequence[Callable[..., Any]] = ()) -> Worker:
    return Worker(
        client,
        task_queue=task_queue,
        workflows=registry.WORKFLOWS,
        activities=[*registry.activities(app), *extra_activities],
        activity_executor=executor or concurrent.futures.ThreadPoolExecutor(max_workers=8),
        interceptors=[ActivityMetrics()],
        graceful_shutdown_timeout=GRACEFUL_SHUTDOWN,
    )


async def run_worker(client: Client, app: CaseService, stopping: asyncio.Event,
                     task_queue: str = TASK_QUEUE,
                     reconcile_activity: Callable[..., Any] | None = None) -> None:
    """``reconcile_activity`` (from the composition root): run the daily reconcile too."""
    await ensure_disposal_schedule(client, task_queue)
    if reconcile_activity is not None:
        await ensure_reconcile_schedule(client, task_queue)
    extra = [reconcile_activity] if reconcile_activity is not None else []
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as executor:
        worker = build_worker(client, app, task_queue, executor, extra)
        log.info("worker polling task queue %s", task_queue)
        async with worker:  # leaving it: stop polling, then wait for running tasks
            await stopping.wait()
            log.info("worker stopping")
    log.info("worker stopped")
