"""The workflow side of every clock: sleep until the next due instant or a change, then ask.

A clock workflow holds nothing the events do not say: each turn it runs its ``advance``
activity (which fires whatever is due and reads the next due instant from the case) and then
waits. A ``changed`` signal from the launcher cuts the wait short, so a later event that moves
a date (a review, a variation, a lift) reschedules the timer. The history is a loop of
activity, timer and signal, so the workflow continues as new before it grows large.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from workflows.schedule import Change, Schedule

# One load and one save: seconds at most. A worker killed mid-step is noticed after this.
ACTIVITY_TIMEOUT = timedelta(seconds=10)
# Retry forever (the database may be down for a while), but not in a hot loop.
ACTIVITY_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1),
                             maximum_interval=timedelta(minutes=5))
# A due instant already past that the activity did not fire is retried after this pause.
STALE_DUE_PAUSE = timedelta(minutes=15)


class ClockWorkflow:
    """State and handlers every clock workflow inherits; each adds ``@workflow.run``."""

    def __init__(self) -> None:
        self.pending_change = False
        self.last_schedule: Schedule | None = None

    @workflow.signal
    def changed(self, change: Change) -> None:
        """An event that may move this clock: re-read the case."""
        workflow.logger.debug("re-reading the case after %s", change.event)
        self.pending_change = True

    @workflow.query
    def schedule(self) -> Schedule | None:
        """What the last step fired and when the clock fires next."""
        return self.last_schedule

    async def keep(self, advance: Callable[..., Any], clock: Any,
                   history_limit: int = 2000,
                   step: Callable[[Schedule], Awaitable[bool]] | None = None) -> Schedule:
        """Run the clock until the case says it is over; continue as new when long.
        ``step`` runs after each advance; when it did something, the case is read again at
        once instead of waiting."""
        while True:
            self.pending_change = False  # a change during the activity means: read again
            self.last_schedule = await workflow.execute_activity_method(
                advance, clock, start_to_close_timeout=ACTIVITY_TIMEOUT,
                retry_policy=ACTIVITY_RETRY)
            if self.last_schedule.closed:
                return self.last_schedule
            if step is not None and await step(self.last_schedule):
                continue
            await self._wait()
            info = workflow.info()
            if (info.is_continue_as_new_suggested()
                    or info.get_current_history_length() >= history_limit):
                await workflow.wait_condition(workflow.all_handlers_finished)
                workflow.continue_as_new(clock)

    async def _wait(self) -> None:
        due = self.last_schedule.next_due if self.last_schedule else None
        if due is None:
            await workflow.wait_condition(lambda: self.pending_change)
            return
        delay = due - workflow.now()
        if delay <= timedelta(0):
            delay = STALE_DUE_PAUSE
        try:
            await workflow.wait_condition(lambda: self.pending_change, timeout=delay)
        except TimeoutError:
            pass
