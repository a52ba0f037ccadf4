"""One workflow per subject access request: ``sar-<request_id>``, until answered or overdue."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from workflows.clockloop import ClockWorkflow
    from workflows.schedule import ClockKind, ClockResult
    from workflows.subject_access.activities import SubjectAccessActivities, SubjectAccessInput

CLOCK = ClockKind(kind="sar", workflow="SubjectAccessWorkflow", id_field="request_id")


@workflow.defn(name=CLOCK.workflow)
class SubjectAccessWorkflow(ClockWorkflow):
    """The response is due by the request's due date; an extension moves it; unanswered, it
    escalates."""

    @workflow.run
    async def run(self, clock: SubjectAccessInput) -> ClockResult:
        schedule = await self.keep(SubjectAccessActivities.advance_subject_access, clock,
                                   clock.history_limit)
        return ClockResult(outcome=schedule.outcome or "closed")
