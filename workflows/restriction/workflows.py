"""One workflow per restriction: ``restriction-<restriction_id>``, from decision to end."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from workflows.clockloop import ClockWorkflow
    from workflows.restriction.activities import RestrictionActivities, RestrictionInput
    from workflows.schedule import ClockKind, ClockResult

CLOCK = ClockKind(kind="restriction", workflow="RestrictionWorkflow",
                  id_field="restriction_id")


@workflow.defn(name=CLOCK.workflow)
class RestrictionWorkflow(ClockWorkflow):
    """Ratification deadline, review due, review overdue (escalate or lift), expiry, and the
    appeal window closing with no appeal lodged.

    Started when a restriction is approved or imposed; a ratification, a review (continue or
    vary), an extension, its notice being sent, an appeal, an appeal decision or a setting
    change re-reads the dates; a lift or the expiry ends it. (The clocks are computed by the
    activity, so new clocks change no workflow code: histories replay unchanged.)
    """

    @workflow.run
    async def run(self, clock: RestrictionInput) -> ClockResult:
        schedule = await self.keep(RestrictionActivities.advance_restriction, clock,
                                   clock.history_limit)
        return ClockResult(outcome=schedule.outcome or "closed")
