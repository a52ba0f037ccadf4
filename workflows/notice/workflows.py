"""One workflow per notice owed to the customer: ``notice-<notice_id>``."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from workflows.clockloop import ClockWorkflow
    from workflows.notice.activities import NoticeActivities, NoticeInput
    from workflows.schedule import ClockKind, ClockResult

CLOCK = ClockKind(kind="notice", workflow="NoticeWorkflow", id_field="notice_id")


@workflow.defn(name=CLOCK.workflow)
class NoticeWorkflow(ClockWorkflow):
    """The notice of a decision is due within the dispatch window; if unsent, it escalates."""

    @workflow.run
    async def run(self, clock: NoticeInput) -> ClockResult:
        schedule = await self.keep(NoticeActivities.advance_notice, clock, clock.history_limit)
        return ClockResult(outcome=schedule.outcome or "closed")
