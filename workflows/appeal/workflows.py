"""One workflow per appeal: ``appeal-<appeal_id>``, from lodging to decision."""

from __future__ import annotations

from temporalio import workflow
from temporalio.exceptions import TemporalError

with workflow.unsafe.imports_passed_through():
    from workflows.appeal.activities import AppealActivities, AppealInput
    from workflows.clockloop import ClockWorkflow
    from workflows.restriction.workflows import CLOCK as RESTRICTION
    from workflows.restriction.workflows import RestrictionWorkflow
    from workflows.schedule import Change, ClockKind, ClockResult

CLOCK = ClockKind(kind="appeal", workflow="AppealWorkflow", id_field="appeal_id")


@workflow.defn(name=CLOCK.workflow)
class AppealWorkflow(ClockWorkflow):
    """The decision reminder, due date and overdue escalation; the decision reaches the
    restriction.

    A late appeal waits, without a clock, for a senior manager to accept it (the decision
    clock starts then) or for it to be rejected as late (the workflow ends).
    """

    @workflow.run
    async def run(self, clock: AppealInput) -> ClockResult:
        schedule = await self.keep(AppealActivities.advance_appeal, clock, clock.history_limit)
        outcome = schedule.outcome or "closed"
        if outcome != "rejected_as_late":
            # Lift, vary or continue: the restriction's workflow re-reads its case.
            handle = workflow.get_external_workflow_handle_for(
                RestrictionWorkflow.run, RESTRICTION.workflow_id(clock.restriction_id))
            try:
                await handle.signal(RestrictionWorkflow.changed,
                                    Change(event=f"{workflow.info().workflow_id}:{outcome}"))
            except TemporalError:
                workflow.logger.info("the restriction's workflow has already ended")
        return ClockResult(outcome=outcome)
