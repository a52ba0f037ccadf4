"""One workflow per notice owed to the customer: ``notice-<notice_id>``."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from workflows.clockloop import ClockWorkflow
    from workflows.notice.activities import NoticeActivities, NoticeInput
    from workflows.schedule import ClockKind, ClockResult, Schedule

CLOCK = ClockKind(kind="notice", workflow="NoticeWorkflow", id_field="notice_id")

#: Marks histories whose workflow may send the notice by email (workflow.patched).
EMAIL_PATCH = "notice-email"
# Rendering the PDF and one SMTP conversation; a server that is down is tried again, slowly.
# The activity beats before and after the SMTP conversation (itself at most 8 s), so a worker
# that died mid-send is noticed after the heartbeat timeout and the retry finds what it did.
EMAIL_TIMEOUT = timedelta(seconds=90)
EMAIL_HEARTBEAT = timedelta(seconds=10)
EMAIL_RETRY = RetryPolicy(initial_interval=timedelta(seconds=2),
                          maximum_interval=timedelta(minutes=10))


@workflow.defn(name=CLOCK.workflow)
class NoticeWorkflow(ClockWorkflow):
    """The notice of a decision is due within the dispatch window; if unsent, it escalates.
    When a caseworker asks for it to be emailed, this workflow sends it."""

    @workflow.run
    async def run(self, clock: NoticeInput) -> ClockResult:
        async def deliver(schedule: Schedule) -> bool:
            if not schedule.deliver or not workflow.patched(EMAIL_PATCH):
                return False
            await workflow.execute_activity(
                "send_notice_email", clock, start_to_close_timeout=EMAIL_TIMEOUT,
                heartbeat_timeout=EMAIL_HEARTBEAT, retry_policy=EMAIL_RETRY)
            return True

        schedule = await self.keep(NoticeActivities.advance_notice, clock, clock.history_limit,
                                   step=deliver)
        return ClockResult(outcome=schedule.outcome or "closed")
