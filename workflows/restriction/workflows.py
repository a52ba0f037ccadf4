"""One workflow per restriction: ``restriction-<restriction_id>``, from decision to end."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from workflows.clockloop import ClockWorkflow
    from workflows.restriction.activities import RestrictionActivities, RestrictionInput
    from workflows.schedule import Change, ClockResult, Schedule

KIND = "restriction"


def workflow_id(restriction_id: object) -> str:
    return f"{KIND}-{restriction_id}"


@workflow.defn(name="RestrictionWorkflow")
class RestrictionWorkflow:
    """Ratification deadline, review due, review overdue (escalate or lift), expiry.

    Started when a restriction is approved or imposed; a ratification, a review (continue or
    vary), an appeal decision or a setting change re-reads the dates; a lift or the expiry
    ends it.
    """

    def __init__(self) -> None:
        self.clock = ClockWorkflow()

    @workflow.run
    async def run(self, clock: RestrictionInput) -> ClockResult:
        schedule = await self.clock.keep(RestrictionActivities.advance_restriction, clock,
                                         clock.history_limit)
        return ClockResult(outcome=schedule.outcome or "closed")

    @workflow.signal
    def changed(self, change: Change) -> None:
        self.clock.note_change(change)

    @workflow.query
    def schedule(self) -> Schedule | None:
        return self.clock.schedule
