"""The daily reconcile run: the Temporal Schedule ``upc-reconcile-daily`` and its workflow.

The worker creates the schedule when it starts (idempotent). The workflow calls one activity
by name (``reconcile_daily``), which the composition root registers: it needs the views and
the event store as well as Temporal, more than ``workflows/`` may know.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from pydantic import BaseModel
from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from temporalio.client import Client
    from temporalio.service import RPCError

log = logging.getLogger("upc.reconcile")

RECONCILE_ACTIVITY = "reconcile_daily"
SCHEDULE_ID = "upc-reconcile-daily"
WORKFLOW_ID = "upc-reconcile"
#: 03:15 UTC every day, after the disposal run.
CRON = "15 3 * * *"


class ReconcileRun(BaseModel):
    repair: bool = True  # clocks only: a view is rebuilt by its owner (upc reconcile --repair)


class ReconcileSummary(BaseModel):
    drift: int = 0
    repaired: int = 0


@workflow.defn(name="ReconcileWorkflow")
class ReconcileWorkflow:
    """One reconcile run; the activity (registered by the composition root) does the work
    and records the result where ``/readyz`` and the metrics read it."""

    @workflow.run
    async def run(self, run: ReconcileRun) -> ReconcileSummary:
        result: ReconcileSummary = await workflow.execute_activity(
            RECONCILE_ACTIVITY, run, result_type=ReconcileSummary,
            start_to_close_timeout=timedelta(minutes=30),
            retry_policy=RetryPolicy(initial_interval=timedelta(minutes=1),
                                     maximum_interval=timedelta(minutes=10),
                                     maximum_attempts=5))
        return result


async def ensure_reconcile_schedule(client: Client, task_queue: str) -> bool:
    """Create ``upc-reconcile-daily`` unless it exists; False where there are no schedules."""
    from temporalio.client import (
        Schedule as TemporalSchedule,
    )
    from temporalio.client import (
        ScheduleActionStartWorkflow,
        ScheduleAlreadyRunningError,
        ScheduleOverlapPolicy,
        SchedulePolicy,
        ScheduleSpec,
    )

    schedule = TemporalSchedule(
        action=ScheduleActionStartWorkflow(ReconcileWorkflow.run, ReconcileRun(),
                                           id=WORKFLOW_ID, task_queue=task_queue),
        spec=ScheduleSpec(cron_expressions=[CRON]),
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP,
                              catchup_window=timedelta(days=1)))
    try:
        await client.create_schedule(SCHEDULE_ID, schedule)
        log.info("created the Temporal schedule %s", SCHEDULE_ID)
    except ScheduleAlreadyRunningError:
        pass
    except RPCError as exc:
        log.warning("cannot create the reconcile schedule %s: %s", SCHEDULE_ID, exc)
        return False
    return True
