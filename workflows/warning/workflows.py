"""One workflow per warning: ``warning-<warning_id>``, until it lapses."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from workflows.clockloop import ClockWorkflow
    from workflows.schedule import ClockKind, ClockResult
    from workflows.warning.activities import WarningActivities, WarningInput

CLOCK = ClockKind(kind="warning", workflow="WarningWorkflow", id_field="warning_id")


@workflow.defn(name=CLOCK.workflow)
class WarningWorkflow(ClockWorkflow):
    """The warning lapses after the lapse period; each later incident starts it again."""

    @workflow.run
    async def run(self, clock: WarningInput) -> ClockResult:
        schedule = await self.keep(WarningActivities.advance_warning, clock, clock.history_limit)
        return ClockResult(outcome=schedule.outcome or "closed")
