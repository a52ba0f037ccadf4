"""One workflow per dated Ombudsman enquiry or order: ``ombudsman-<matter_id>``."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from workflows.clockloop import ClockWorkflow
    from workflows.ombudsman.activities import OmbudsmanActivities, OmbudsmanInput
    from workflows.schedule import ClockKind, ClockResult

CLOCK = ClockKind(kind="ombudsman", workflow="OmbudsmanWorkflow", id_field="matter_id")


@workflow.defn(name=CLOCK.workflow)
class OmbudsmanWorkflow(ClockWorkflow):
    """The Ombudsman's due date overrides the normal schedule: if the matter is not closed by
    then, it escalates."""

    @workflow.run
    async def run(self, clock: OmbudsmanInput) -> ClockResult:
        schedule = await self.keep(OmbudsmanActivities.advance_ombudsman, clock,
                                   clock.history_limit)
        return ClockResult(outcome=schedule.outcome or "closed")
