"""The Temporal Schedule that runs disposal every day: ``upc-disposal-daily``.

Created by the worker when it starts (idempotent: an existing schedule is left as it is).
Overlapping runs are skipped; a run missed while Temporal was down is caught up within a day.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleSpec,
)
from temporalio.service import RPCError

from workflows.disposal.workflows import DisposalRun, DisposalWorkflow

log = logging.getLogger("upc.disposal")

SCHEDULE_ID = "upc-disposal-daily"
WORKFLOW_ID = "upc-disposal"
#: 02:30 UTC every day: after midnight in the UK all year round.
CRON = "30 2 * * *"


def disposal_schedule(task_queue: str) -> Schedule:
    return Schedule(
        action=ScheduleActionStartWorkflow(DisposalWorkflow.run, DisposalRun(), id=WORKFLOW_ID,
                                           task_queue=task_queue),
        spec=ScheduleSpec(cron_expressions=[CRON]),
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP,
                              catchup_window=timedelta(days=1)))


async def ensure_disposal_schedule(client: Client, task_queue: str) -> bool:
    """Create the schedule unless it exists; False where the server has no schedules."""
    try:
        await client.create_schedule(SCHEDULE_ID, disposal_schedule(task_queue))
        log.info("created the Temporal schedule %s", SCHEDULE_ID)
    except ScheduleAlreadyRunningError:
        pass
    except RPCError as exc:  # e.g. the time-skipping test server: no schedules there
        log.warning("cannot create the disposal schedule %s: %s", SCHEDULE_ID, exc)
        return False
    return True
