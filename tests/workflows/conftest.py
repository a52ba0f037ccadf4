"""Clock stories on the time-skipping Temporal server over a real PostgreSQL.

Each test gets a fresh database, a fresh task queue, a worker (its own case service, as in
production) and a launcher; the story's own case service runs on a clock set from the
Temporal server's (skipped) time, so facts recorded by people and by clocks share one
timeline. Nothing is mocked.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from domain.application import CaseService
from domain.case import Case
from tests.conftest import temporal_test_server_path
from tests.unit.domain.story import Clock, Story
from workflows.codec import data_converter
from workflows.launcher import Launcher, tracking_recorder
from workflows.schedule import ClockResult
from workflows.temporal import register_search_attributes
from workflows.worker import build_worker


@pytest.fixture(scope="session")
async def clock_env(temporal_env: WorkflowEnvironment) -> WorkflowEnvironment:
    """The session's time-skipping server, with our search attributes registered."""
    await register_search_attributes(temporal_env.client)
    return temporal_env


def pydantic_client(env: WorkflowEnvironment) -> Client:
    return Client(env.client.service_client, namespace=env.client.namespace,
                  data_converter=data_converter())  # as workflows.temporal.connect


@dataclass
class Fact:
    name: str
    occurred_at: datetime
    recorded_at: datetime
    actor_role: str
    fields: dict[str, Any]


@dataclass
class Clockwork:
    """One test's moving parts, and the verbs its stories are told in."""

    env: WorkflowEnvironment
    client: Client
    app: CaseService
    clock: Clock
    launcher: Launcher
    task_queue: str
    story: Story = field(init=False)

    def __post_init__(self) -> None:
        self.story = Story(self.app, self.clock, customer_ref=f"T-{uuid.uuid4().hex[:10]}")

    async def now(self) -> datetime:
        self.clock.set(await self.env.get_current_time())
        return self.clock.now

    async def launch(self) -> None:
        """Route every new event to Temporal, as the running launcher would."""
        while await self.launcher.step():
            pass

    async def sleep(self, **delta: float) -> None:
        """Let time pass on the Temporal server; clocks fire on the way."""
        await self.launch()
        await self.env.sleep(timedelta(**delta))
        await self.now()

    async def sleep_until(self, moment: datetime) -> None:
        now = await self.now()
        if moment > now:
            await self.sleep(seconds=(moment - now).total_seconds())

    def facts(self, name: str | None = None) -> list[Fact]:
        events = self.app.repository.event_store.get(self.story.case_id)
        found = [Fact(type(e).__name__, e.occurred_at, e.recorded_at, e.actor_role,
                      dict(e.__dict__)) for e in events]
        return [f for f in found if name is None or f.name == name]

    def names(self) -> list[str]:
        return [f.name for f in self.facts()]

    async def until(self, check: Callable[[], bool], what: str, seconds: float = 60) -> None:
        """Wait (real time) for the worker to finish what the skipped time set off (a bound,
        not a speed: on a loaded machine the worker can take many seconds)."""
        deadline = time.monotonic() + seconds
        while not check():
            if time.monotonic() > deadline:
                raise AssertionError(f"{what}: not seen in {seconds}s; facts: {self.names()}")
            await asyncio.sleep(0.05)

    async def until_fact(self, name: str, count: int = 1) -> list[Fact]:
        await self.until(lambda: len(self.facts(name)) >= count, f"{count} x {name}")
        return self.facts(name)

    async def status(self, workflow_id: str) -> WorkflowExecutionStatus | None:
        try:
            return (await self.client.get_workflow_handle(workflow_id).describe()).status
        except RPCError:
            return None

    async def until_closed(self, workflow_id: str, seconds: float = 15) -> Any:
        deadline = time.monotonic() + seconds
        while (status := await self.status(workflow_id)) in (
                None, WorkflowExecutionStatus.RUNNING):
            if time.monotonic() > deadline:
                raise AssertionError(f"{workflow_id} still {status}; facts: {self.names()}")
            await asyncio.sleep(0.05)
        assert status is WorkflowExecutionStatus.COMPLETED, status
        return await self.client.get_workflow_handle(workflow_id, result_type=ClockResult).result()

    async def settle(self) -> None:
        """Route new events and give the workflows a moment of server time to take them."""
        await self.launch()
        await self.env.sleep(timedelta(seconds=1))
        await self.now()


@contextlib.asynccontextmanager
async def running_clockwork(env: WorkflowEnvironment,
                            postgres_env: dict[str, str]) -> AsyncIterator[Clockwork]:
    client = pydantic_client(env)
    clock = Clock(await env.get_current_time())
    app = CaseService(env=postgres_env, clock=clock)
    worker_app = CaseService(env=postgres_env)
    task_queue = f"upc-test-{uuid.uuid4()}"
    launcher = Launcher(app, tracking_recorder(postgres_env), client, task_queue=task_queue)
    worker: Worker = build_worker(client, worker_app, task_queue)
    try:
        async with worker:
            clockwork = Clockwork(env, client, app, clock, launcher, task_queue)
            yield clockwork
            # Timers left running would hold the shared server's time skipping for a task
            # queue no worker polls any more; and the test server loses its time-skipping
            # lock when a workflow is terminated mid-task, so let the tasks finish first.
            await clockwork.settle()
            case = clockwork.app.get_case(clockwork.story.case_id)
            if os.environ.get(CAPTURE):
                await capture_histories(client, case, Path(os.environ[CAPTURE]))
            await terminate_clocks(client, case)
    finally:
        app.close()
        worker_app.close()


@pytest.fixture
async def clockwork(clock_env: WorkflowEnvironment,
                    postgres_env: dict[str, str]) -> AsyncIterator[Clockwork]:
    async with running_clockwork(clock_env, postgres_env) as clockwork:
        yield clockwork


@pytest.fixture
async def own_clockwork(postgres_env: dict[str, str]) -> AsyncIterator[Clockwork]:
    """On a time-skipping server of its own: for a test that lets an activity time out,
    which leaves the test server's time skipping locked for good."""
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=temporal_test_server_path())
    try:
        await register_search_attributes(env.client)
        async with running_clockwork(env, postgres_env) as clockwork:
            yield clockwork
    finally:
        await env.shutdown()


#: Set to a folder to keep every story's workflow histories for replay tests.
CAPTURE = "UPC_CAPTURE_HISTORIES"


def case_workflow_ids(case: Case) -> list[str]:
    return [
        *(f"restriction-{i}" for i in case.restrictions), *(f"appeal-{i}" for i in case.appeals),
        *(f"warning-{i}" for i in case.warnings), *(f"notice-{i}" for i in case.notices),
        *(f"sar-{i}" for i in case.subject_access_requests),
        *(f"ombudsman-{i}" for i in case.ombudsman), *(f"remedy-{i}" for i in case.remedies)]


async def capture_histories(client: Client, case: Case, folder: Path) -> None:
    test = os.environ["PYTEST_CURRENT_TEST"].split("::")[-1].split(" ")[0]
    folder.mkdir(parents=True, exist_ok=True)
    for workflow_id in case_workflow_ids(case):
        try:
            history = await client.get_workflow_handle(workflow_id).fetch_history()
        except RPCError:
            continue
        (folder / f"{test}--{workflow_id}.json").write_text(history.to_json())


async def terminate_clocks(client: Client, case: Case) -> None:
    for workflow_id in case_workflow_ids(case):
        try:
            await client.get_workflow_handle(workflow_id).terminate("test over")
        except RPCError:
            pass  # never started, or already ended


def ids(value: UUID | None) -> UUID:
    assert value is not None
    return value
