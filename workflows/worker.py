"""The Temporal worker: runs every registered workflow and activity until told to stop."""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
from datetime import timedelta

from temporalio.client import Client
from temporalio.worker import Worker

from domain.application import CaseService
from workflows import registry
from workflows.temporal import TASK_QUEUE

log = logging.getLogger("upc.worker")


def build_worker(client: Client, app: CaseService, task_queue: str = TASK_QUEUE,
                 executor: concurrent.futures.Executor | None = None) -> Worker | None:
    activities = registry.activities(app)
    if not registry.WORKFLOWS and not activities:
        return None
    return Worker(
        client,
        task_queue=task_queue,
        workflows=registry.WORKFLOWS,
        activities=activities,
        # Activities call the synchronous eventsourcing application.
        activity_executor=executor or concurrent.futures.ThreadPoolExecutor(max_workers=8),
        graceful_shutdown_timeout=timedelta(seconds=5),
    )


async def run_worker(client: Client, app: CaseService, stopping: asyncio.Event,
                     task_queue: str = TASK_QUEUE) -> None:
    worker = build_worker(client, app, task_queue)
    if worker is None:
        log.info("no workflows registered; the worker idles")
        await stopping.wait()
        return
    async with worker:
        await stopping.wait()
