"""One trace from the HTTP request to the activity: the API's server span, the save that
appended the event (its traceparent stored with it), the launcher's start of the workflow,
and the worker's workflow and activity spans (Temporal headers), all in one trace."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import timedelta
from collections.abc import Iterator
from pathlib import Path

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.util._once import Once
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from tests.api.conftest import Stage, auth, build_client
from tests.workflows.conftest import terminate_clocks
from upc import bootstrap
from upc.settings import eventsourcing_env
from workflows.codec import data_converter
from workflows.launcher import Launcher, tracking_recorder
from workflows.tracing import TRACE_FIELD, client_interceptors
from workflows.worker import build_worker


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    """A tracer provider for this test only (the global one is put back afterwards)."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    saved = trace._TRACER_PROVIDER, trace._TRACER_PROVIDER_SET_ONCE
    trace._TRACER_PROVIDER, trace._TRACER_PROVIDER_SET_ONCE = None, Once()
    trace.set_tracer_provider(provider)
    try:
        yield exporter
    finally:
        provider.shutdown()
        trace._TRACER_PROVIDER, trace._TRACER_PROVIDER_SET_ONCE = saved


async def test_one_trace_from_the_http_request_to_the_activity(
        spans: InMemorySpanExporter, clock_env: WorkflowEnvironment, fresh_database_url: str,
        tmp_path: Path) -> None:
    url = fresh_database_url
    bootstrap.migrate(url)
    client = Client(clock_env.client.service_client, namespace=clock_env.client.namespace,
                    data_converter=data_converter(), interceptors=client_interceptors())
    task_queue = f"upc-trace-{uuid.uuid4()}"
    service = bootstrap.case_service(url)
    worker_app = bootstrap.case_service(url)
    http = build_client(url, tmp_path)
    api = next(http)
    try:
        built = Stage(api.app.state.service).concern()  # type: ignore[attr-defined]
        response = api.post(f"{built.path}/warnings", headers=auth("caseworker"), json={
            "kind": "informal", "evidence": [str(built.incident)], "reason": "Shouted."})
        assert response.status_code == 201, response.text
        assert response.headers["x-request-id"]
        (warning_id,) = service.repository.get(built.case_id).warnings
        event = service.repository.event_store.get(built.case_id)
        stored = [getattr(e, TRACE_FIELD, None) for e in event]
        assert stored[-1] and stored[-1].startswith("00-")  # the request's traceparent

        launcher = Launcher(service, tracking_recorder(
            {**eventsourcing_env(url), "CREATE_TABLE": "false"}), client, task_queue=task_queue)
        async with build_worker(client, worker_app, task_queue):
            while await launcher.step():
                pass
            deadline = time.monotonic() + 15
            while not any(s.name == "RunActivity:advance_warning"
                          for s in spans.get_finished_spans()):
                assert time.monotonic() < deadline, [s.name for s in spans.get_finished_spans()]
                await asyncio.sleep(0.05)
            # Every clock the case started (the warning's and its notice's): timers left
            # running for a task queue no worker polls would hold the shared time-skipping
            # server's clock, and every later story would time out. Let the tasks finish
            # first (a workflow terminated mid-task loses the server its time-skipping lock).
            while await launcher.step():
                pass
            await clock_env.sleep(timedelta(seconds=1))
            await terminate_clocks(client, service.repository.get(built.case_id))
    finally:
        next(http, None)
        service.close()
        worker_app.close()

    by_name = {s.name: s for s in spans.get_finished_spans()}
    request = by_name["HTTP POST /api/v1/cases/{case_id}/warnings"]
    chain = ["append events", "launch StartWorkflow", "StartWorkflow:WarningWorkflow",
             "RunWorkflow:WarningWorkflow", "StartActivity:advance_warning",
             "RunActivity:advance_warning"]
    for name in chain:
        assert by_name[name].context.trace_id == request.context.trace_id, name
    assert request.attributes["http.route"] == "/api/v1/cases/{case_id}/warnings"
    assert str(built.case_id) not in request.name
