"""One workflow per warning: ``warning-<warning_id>``, until it lapses."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from workflows.clockloop import ClockWorkflow
    from workflows.schedule import Change, ClockResult, Schedule
    from workflows.warning.activities import WarningActivities, WarningInput

KIND = "warning"


def workflow_id(warning_id: object) -> str:
    return f"{KIND}-{warning_id}"


@workflow.defn(name="WarningWorkflow")
class WarningWorkflow:
    """The warning lapses after the lapse period; each later incident starts it again."""

    def __init__(self) -> None:
        self.clock = ClockWorkflow()

    @workflow.run
    async def run(self, clock: WarningInput) -> ClockResult:
        schedule = await self.clock.keep(WarningActivities.advance_warning, clock,
                                         clock.history_limit)
        return ClockResult(outcome=schedule.outcome or "closed")

    @workflow.signal
    def changed(self, change: Change) -> None:
        self.clock.note_change(change)

    @workflow.query
    def schedule(self) -> Schedule | None:
        return self.clock.schedule
