"""The daily disposal run, started by the Temporal Schedule ``upc-disposal-daily``."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel
from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from workflows.disposal.activities import (
        DisposalActivities,
        DisposalQuery,
        DisposeCase,
    )

ACTIVITY_TIMEOUT = timedelta(minutes=5)
RETRY = RetryPolicy(initial_interval=timedelta(seconds=5), maximum_interval=timedelta(minutes=5),
                    maximum_attempts=20)


class DisposalRun(BaseModel):
    pass  # the run's date is the workflow's own (the schedule's) clock


class DisposalReport(BaseModel):
    disposed: list[str] = []
    held: list[str] = []
    not_due: list[str] = []


@workflow.defn(name="DisposalWorkflow")
class DisposalWorkflow:
    """Dispose of every closed case past retention with no legal hold; report the rest."""

    @workflow.run
    async def run(self, run: DisposalRun) -> DisposalReport:
        today = workflow.now().date()
        found = await workflow.execute_activity_method(
            DisposalActivities.find_disposable_cases, DisposalQuery(as_of=today),
            start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=RETRY)
        report = DisposalReport(held=[str(c) for c in found.held])
        for case_id in found.disposable:
            outcome = await workflow.execute_activity_method(
                DisposalActivities.dispose_of_case, DisposeCase(case_id=case_id),
                start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=RETRY)
            getattr(report, outcome.outcome).append(str(case_id))
        return report
