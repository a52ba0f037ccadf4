"""``GET /metrics``: Prometheus text, from every process of the deployment that shares
``PROMETHEUS_MULTIPROC_DIR`` (the API workers; under ``upc serve`` also the worker, launcher
and projection runner) plus numbers read from the database at scrape time.

Labels are route templates (``/api/v1/cases/{case_id}``), status codes, view and queue names:
never an id or anything personal. Like ``/healthz`` it needs no token; keep it on the
operators' network.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from projections import gauges
from projections.heartbeat import heartbeats
from projections.mapper import redacting_mapper
from projections.reconcile import last_run

log = logging.getLogger("upc.metrics")

REQUESTS = Counter("upc_http_requests_total", "HTTP requests by route template and status",
                   ["method", "route", "status"])
LATENCY = Histogram("upc_http_request_duration_seconds", "HTTP request time by route template",
                    ["method", "route"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
LAUNCHER_TRACKING = "launcher_tracking"

router = APIRouter(tags=["health"])


def observe(method: str, route: str | None, status: int, seconds: float) -> None:
    """One HTTP request (by ``api.tracing.RequestTracing``, which wraps every request)."""
    REQUESTS.labels(method, route or "unmatched", str(status)).inc()
    LATENCY.labels(method, route or "unmatched").observe(seconds)


class StoreCollector:
    """Event store, views, launcher, work queues and reconcile, read at scrape time."""

    def __init__(self, state: Any) -> None:
        self.state = state

    def describe(self) -> list[Metric]:
        return []  # nothing is read when the collector is registered

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("upc_store_up", "1 when the database answered this scrape")
        try:
            yield from self._collect()
            up.add_metric([], 1)
        except Exception:  # noqa: BLE001 - a scrape reports, it never fails
            log.warning("metrics: the database did not answer", exc_info=True)
            up.add_metric([], 0)
        yield up

    def _collect(self) -> Iterator[Metric]:
        service, views = self.state.service, self.state.views
        head = service.recorder.max_notification_id() or 0
        appended = CounterMetricFamily("upc_events_appended", "Events in the event store "
                                       "(append-only, so a counter: rate() is events/s)")
        appended.add_metric([], head)
        yield appended
        lag = GaugeMetricFamily("upc_projection_lag_events", "Events a view is behind",
                                labels=["view"])
        lag_s = GaugeMetricFamily("upc_projection_lag_seconds", "Age of the oldest event a "
                                  "view has not applied (0 when caught up)", labels=["view"])
        since = GaugeMetricFamily("upc_projection_seconds_since_pass",
                                  "Seconds since the view's runner last made a pass",
                                  labels=["view"])
        beats = heartbeats(next(iter(views.values()))) if views else {}
        for name, view in views.items():
            position = view.max_tracking_id(service.name) or 0
            lag.add_metric([name], head - position)
            lag_s.add_metric([name], self._age_of_next(position) if head > position else 0.0)
            if name in beats:
                since.add_metric([name], beats[name]["seconds_since_pass"])
        yield from (lag, lag_s, since)
        with self.state.pool.connection() as conn:
            launcher = gauges.tracked_position(conn, LAUNCHER_TRACKING, service.name)
            queues = gauges.queue_sizes(conn)
            run = last_run(conn)
        backlog = GaugeMetricFamily("upc_launcher_backlog_events",
                                    "Events the launcher has not yet routed to Temporal")
        backlog.add_metric([], max(head - launcher, 0))
        yield backlog
        open_items = GaugeMetricFamily("upc_work_queue_open", "Open items in a work queue",
                                       labels=["queue"])
        overdue = GaugeMetricFamily("upc_work_queue_overdue", "Overdue items in a work queue",
                                    labels=["queue"])
        for queue, (n_open, n_overdue) in queues.items():
            open_items.add_metric([queue], n_open)
            overdue.add_metric([queue], n_overdue)
        yield from (open_items, overdue)
        if run is not None:
            drift = GaugeMetricFamily("upc_reconcile_drift", "Drift the last reconcile found")
            drift.add_metric([], run["drift"])
            age = GaugeMetricFamily("upc_reconcile_last_run_age_seconds",
                                    "Seconds since the last reconcile run")
            age.add_metric([], run["seconds_ago"])
            yield from (drift, age)

    def _age_of_next(self, position: int) -> float:
        state = self.state
        if getattr(state, "metrics_mapper", None) is None:
            state.metrics_mapper = redacting_mapper(state.service)
        notes = state.service.recorder.select_notifications(position, 1,
                                                             inclusive_of_start=False)
        if not notes:
            return 0.0
        event = state.metrics_mapper.to_domain_event(notes[0])
        return max((datetime.now(UTC) - event.timestamp).total_seconds(), 0.0)


class _Default:
    """This process's own metrics, when not in multiprocess mode."""

    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry.register(_Default())  # type: ignore[arg-type]
    registry.register(StoreCollector(request.app.state))  # type: ignore[arg-type]
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


def install(app: FastAPI) -> None:
    app.include_router(router)
