"""Crashes at the worst moments neither lose nor duplicate a workflow or a fact."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import uuid
from datetime import timedelta
from typing import Any

import pytest

from domain.application import CaseService
from domain.calendar import start_of
from tests.workflows.conftest import Clockwork
from tests.workflows.crashing_worker import CRASH_EXIT_CODE
from workflows.worker import build_worker


async def activity_attempts(handle: Any) -> list[int]:
    history = await handle.fetch_history()
    return [e.activity_task_started_event_attributes.attempt for e in history.events
            if e.HasField("activity_task_started_event_attributes")]


async def until_retried(handle: Any) -> list[int]:
    """Wait for an activity to run again after a crash, and for nothing to be pending."""
    # (No query here: queries go to the dead worker's sticky queue first.)
    for _ in range(300):
        attempts = await activity_attempts(handle)
        pending = (await handle.describe()).raw_description.pending_activities
        if attempts and max(attempts) >= 2 and not pending:
            return attempts
        await asyncio.sleep(0.1)
    raise AssertionError(f"the step was not retried: {attempts}")


class LauncherKilled(Exception):
    pass


class DiesBeforeRecording:
    """A tracking recorder whose process dies after Temporal accepted, before the insert."""

    def __init__(self, real: Any) -> None:
        self.real = real

    def insert_tracking(self, tracking: Any) -> None:
        raise LauncherKilled

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


async def test_launcher_killed_between_start_and_position_leaves_one_workflow(
        clockwork: Clockwork) -> None:
    cw = clockwork
    cw.story.record_incident()
    rid = cw.story.ready().activate()
    real_tracking = cw.launcher.tracking
    position = cw.launcher.position

    cw.launcher.tracking = DiesBeforeRecording(real_tracking)  # type: ignore[assignment]
    with pytest.raises(LauncherKilled):
        await cw.launch()
    handle = cw.client.get_workflow_handle(f"restriction-{rid}")
    first = await handle.describe()
    assert cw.launcher.position == position  # nothing recorded: the events come again

    cw.launcher.tracking = real_tracking  # restarted
    await cw.launch()
    assert cw.launcher.position > position
    again = await handle.describe()
    assert again.run_id == first.run_id  # USE_EXISTING: the same workflow, not a second one
    starts = [e for e in (await handle.fetch_history()).events
              if e.HasField("workflow_execution_started_event_attributes")]
    assert len(starts) == 1


async def test_worker_killed_after_commit_records_the_fact_once(
        own_clockwork: Clockwork, postgres_env: dict[str, str]) -> None:
    cw = own_clockwork
    task_queue = f"upc-crash-{uuid.uuid4()}"  # only the crashing worker polls it at first
    cw.launcher.context.task_queue = task_queue
    cw.story.record_incident()
    rid = cw.story.ready().activate()
    review_on = cw.story.case.restrictions[rid].review_date
    assert review_on is not None
    await cw.launch()

    target = cw.client.service_client.config.target_host
    crashing = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.workflows.crashing_worker", target, cw.client.namespace,
        task_queue, env={**os.environ, "UPC_TEST_ES_ENV": json.dumps(postgres_env)},
        stdout=asyncio.subprocess.PIPE)
    restarted = CaseService(env=postgres_env)
    handle = cw.client.get_workflow_handle(f"restriction-{rid}")
    try:
        assert crashing.stdout is not None
        assert await asyncio.wait_for(crashing.stdout.readline(), 30) == b"polling\n"
        # Skip to just before the review date, then let real time run: the timer fires and
        # the worker dies right after committing ReviewDue.
        await cw.sleep_until(start_of(review_on) - timedelta(seconds=2))
        assert await asyncio.wait_for(crashing.wait(), 30) == CRASH_EXIT_CODE
        assert len(cw.facts("ReviewDue")) == 1  # committed; Temporal never heard
        # A restarted worker takes the step again once the lost attempt times out.
        async with build_worker(cw.client, restarted, task_queue):
            attempts = await until_retried(handle)
            await cw.env.sleep(timedelta(seconds=1))  # its workflow task done before we leave
    finally:
        restarted.close()
        if crashing.returncode is None:
            crashing.kill()
            await crashing.wait()
    assert max(attempts) >= 2  # the step ran again after the crash...
    assert len(cw.facts("ReviewDue")) == 1  # ...and recorded nothing twice
