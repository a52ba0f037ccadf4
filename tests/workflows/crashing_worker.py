"""A worker that dies (``os._exit``) right after a review falls due and is committed, before Temporal
hears that the activity finished: the worst moment for at-least-once delivery.

Run as ``python -m tests.workflows.crashing_worker TARGET NAMESPACE TASK_QUEUE`` with the
eventsourcing settings in ``UPC_TEST_ES_ENV`` (JSON).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from typing import Any

from domain.application import CaseService
from workflows.temporal import connect
from workflows.worker import build_worker

CRASH_EXIT_CODE = 17


class DiesAfterCommit(CaseService):
    name = CaseService.name  # the same event store tables, not a subclass's own
    def save(self, *objs: Any, **kwargs: Any) -> Any:
        clock_fired = any(type(e).__name__ == "ReviewDue" for o in objs
                          for e in getattr(o, "pending_events", ()))
        recordings = super().save(*objs, **kwargs)
        if clock_fired:
            os._exit(CRASH_EXIT_CODE)
        return recordings


async def main(target: str, namespace: str, task_queue: str,
               app_class: type[CaseService] = DiesAfterCommit) -> None:
    app = app_class(env=json.loads(os.environ["UPC_TEST_ES_ENV"]))
    client = await connect(target, namespace)
    async with build_worker(client, app, task_queue):
        print("polling", flush=True)
        await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
