"""On the Temporal dev server (SQLite): stored history holds no plaintext payloads, and the
daily disposal schedule disposes of a case past retention, leaving a held one alone."""

from __future__ import annotations

import asyncio
import concurrent.futures
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Worker

from domain.actors import Actor, Role
from domain.application import CaseService
from domain.personal import ERASED_TEXT
from tests.privacy.echo_workflow import Echo
from tests.unit.domain.story import Clock
from upc import bootstrap
from upc.embedded import EmbeddedTemporal
from workflows.codec import data_converter
from workflows.disposal.schedule import SCHEDULE_ID, ensure_disposal_schedule
from workflows.disposal.workflows import DisposalReport
from workflows.temporal import SEARCH_ATTRIBUTES
from workflows.worker import build_worker

CASEWORKER = Actor("cara", Role.CASEWORKER)
MANAGER = Actor("maya", Role.MANAGER)
ADMIN = Actor("adam", Role.ADMIN)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def dev_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedTemporal]:
    server = EmbeddedTemporal(tmp_path_factory.mktemp("temporal"), free_port(), free_port())
    server.start(SEARCH_ATTRIBUTES)
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


@pytest.fixture
async def client(dev_server: EmbeddedTemporal) -> AsyncIterator[Client]:
    for _ in range(50):  # the port opens a moment before the namespace is ready
        try:
            yield await Client.connect(dev_server.address, data_converter=data_converter())
            return
        except RuntimeError:
            await asyncio.sleep(0.2)
    pytest.fail("the dev server did not accept a client")


def stored_bytes(server: EmbeddedTemporal) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(server.data_dir.glob("temporal.sqlite*")))


async def echo(client: Client, text: str) -> str:
    queue = f"echo-{uuid.uuid4().hex[:8]}"
    async with Worker(client, task_queue=queue, workflows=[Echo]):
        return await client.execute_workflow(Echo.run, text, id=f"echo-{uuid.uuid4()}",
                                             task_queue=queue)


async def test_stored_history_holds_no_plaintext_payloads(
        client: Client, dev_server: EmbeddedTemporal) -> None:
    sealed_marker = f"SEALED-{uuid.uuid4().hex}"
    clear_marker = f"CLEAR-{uuid.uuid4().hex}"
    assert await echo(client, sealed_marker) == f"echo: {sealed_marker}"
    # Control: without the codec the same payload is stored in clear, so the search can see.
    plain = Client(client.service_client, namespace=client.namespace,
                   data_converter=pydantic_data_converter)
    assert await echo(plain, clear_marker) == f"echo: {clear_marker}"
    stored = stored_bytes(dev_server)
    for _ in range(50):
        if clear_marker.encode() in stored:
            break
        await asyncio.sleep(0.1)  # SQLite write-ahead log
        stored = stored_bytes(dev_server)
    assert clear_marker.encode() in stored
    assert sealed_marker.encode() not in stored


async def test_the_daily_schedule_disposes_of_cases_past_retention(
        client: Client, fresh_database_url: str) -> None:
    bootstrap.migrate(fresh_database_url)
    # Cases closed seven years ago: past the six-year retention today.
    clock = Clock(datetime.now(UTC) - timedelta(days=7 * 366))
    past = CaseService(env=bootstrap.case_service(fresh_database_url).env, clock=clock)
    ids = {}
    for ref, hold in (("T-DISPOSE", False), ("T-HELD", True)):
        case = past.open_case(ref, CASEWORKER)
        past.record_contact(case.id, CASEWORKER, channel="phone", direction="inbound",
                            occurred_at=clock.now, summary=f"{ref} called about the boiler")
        past.close_case(case.id, MANAGER, reason="no contact for a year")
        if hold:
            past.place_legal_hold(case.id, ADMIN, reason="county court claim issued")
        ids[ref] = case.id
    past.close()

    app = bootstrap.case_service(fresh_database_url)
    queue = f"disposal-{uuid.uuid4().hex[:8]}"
    try:
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            async with build_worker(client, app, queue, pool):
                assert await ensure_disposal_schedule(client, queue)
                assert await ensure_disposal_schedule(client, queue)  # already there: fine
                schedule = client.get_schedule_handle(SCHEDULE_ID)
                await schedule.trigger()
                run_id = None
                for _ in range(100):
                    actions = (await schedule.describe()).info.recent_actions
                    if actions:
                        run_id = actions[-1].action.workflow_id  # type: ignore[attr-defined]
                        break
                    await asyncio.sleep(0.1)
                assert run_id is not None
                report = await client.get_workflow_handle(
                    run_id, result_type=DisposalReport).result()
                await schedule.delete()
        assert report.disposed == [str(ids["T-DISPOSE"])]
        assert report.held == [str(ids["T-HELD"])]
        disposed = app.get_case(ids["T-DISPOSE"])
        held = app.get_case(ids["T-HELD"])
        assert disposed.disposed_at is not None
        assert {str(c.summary) for c in disposed.contacts.values()} == {ERASED_TEXT}
        assert held.disposed_at is None
        assert {str(c.summary) for c in held.contacts.values()} == {
            "T-HELD called about the boiler"}
        kinds = [type(e).__name__ for e in app.events.get(ids["T-DISPOSE"])]
        assert kinds[-1] == "CaseDisposed"
    finally:
        app.close()
