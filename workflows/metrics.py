"""Prometheus metrics of the launcher and the worker (labels carry codes, never personal data).

In multiprocess mode (``PROMETHEUS_MULTIPROC_DIR``, which ``upc`` sets for every part) each
process writes its samples to that directory and the API's ``/metrics`` adds them up.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from prometheus_client import Counter, Histogram
from temporalio.worker import (
    ActivityInboundInterceptor,
    ExecuteActivityInput,
    Interceptor,
)

LAUNCHED = Counter("upc_launcher_actions_total", "Temporal actions the launcher ran",
                   ["action"])
START_LATENCY = Histogram(
    "upc_launcher_start_latency_seconds",
    "From an event's recording to Temporal accepting the workflow start it implies",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300))
ACTIVITIES = Counter("upc_activity_executions_total", "Activity executions by outcome",
                     ["activity", "outcome"])
ACTIVITY_SECONDS = Histogram("upc_activity_duration_seconds", "Activity execution time",
                             ["activity"])


def launched(actions: Iterable[Any], recorded_at: dict[str, datetime]) -> None:
    """Count a batch's actions; for each start, the latency from its event's recording."""
    now = datetime.now(UTC)
    for action in actions:
        kind = type(action).__name__
        LAUNCHED.labels(kind).inc()
        at = recorded_at.get(getattr(action, "target", ""))
        if kind == "StartWorkflow" and at is not None:
            START_LATENCY.observe(max((now - at).total_seconds(), 0.0))


class _Inbound(ActivityInboundInterceptor):
    async def execute_activity(self, input: ExecuteActivityInput) -> Any:
        name = getattr(input.fn, "__temporal_activity_definition", None)
        label = getattr(name, "name", None) or getattr(input.fn, "__name__", "activity")
        started = time.perf_counter()
        try:
            result = await super().execute_activity(input)
        except BaseException:
            ACTIVITIES.labels(label, "failed").inc()
            raise
        finally:
            ACTIVITY_SECONDS.labels(label).observe(time.perf_counter() - started)
        ACTIVITIES.labels(label, "completed").inc()
        return result


class ActivityMetrics(Interceptor):
    """Counts every activity execution by outcome (a failure is retried by Temporal)."""

    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:
        return _Inbound(super().intercept_activity(next))
