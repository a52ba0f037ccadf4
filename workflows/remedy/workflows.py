"""One workflow per ordered remedy: ``remedy-<remedy_id>``."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from workflows.clockloop import ClockWorkflow
    from workflows.remedy.activities import RemedyActivities, RemedyInput
    from workflows.schedule import ClockKind, ClockResult

CLOCK = ClockKind(kind="remedy", workflow="RemedyWorkflow", id_field="remedy_id")


@workflow.defn(name=CLOCK.workflow)
class RemedyWorkflow(ClockWorkflow):
    """A remedy the Ombudsman ordered, due by its date: if it is not done by then, it
    escalates (once); recording it done ends the clock."""

    @workflow.run
    async def run(self, clock: RemedyInput) -> ClockResult:
        schedule = await self.keep(RemedyActivities.advance_remedy, clock, clock.history_limit)
        return ClockResult(outcome=schedule.outcome or "completed")
