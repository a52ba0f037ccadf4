"""One workflow per notice owed to the customer: ``notice-<notice_id>``."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from workflows.clockloop import ClockWorkflow
    from workflows.notice.activities import NoticeActivities, NoticeInput
    from workflows.schedule import Change, ClockResult, Schedule

KIND = "notice"


def workflow_id(notice_id: object) -> str:
    return f"{KIND}-{notice_id}"


@workflow.defn(name="NoticeWorkflow")
class NoticeWorkflow:
    """The notice of a decision is due within the dispatch window; if unsent, it escalates."""

    def __init__(self) -> None:
        self.clock = ClockWorkflow()

    @workflow.run
    async def run(self, clock: NoticeInput) -> ClockResult:
        schedule = await self.clock.keep(NoticeActivities.advance_notice, clock,
                                         clock.history_limit)
        return ClockResult(outcome=schedule.outcome or "closed")

    @workflow.signal
    def changed(self, change: Change) -> None:
        self.clock.note_change(change)

    @workflow.query
    def schedule(self) -> Schedule | None:
        return self.clock.schedule
