"""Trace context from an HTTP request, through the event it recorded, to the workflow start
and the activity that fires the clock (OpenTelemetry; off unless ``upc`` turned it on).

An event recorded while a span is current carries that span's W3C ``traceparent`` in its
state (``upc_trace``: random ids, nothing personal; events recorded with tracing off have
none). The launcher continues that trace for the Temporal actions the event implies, and
Temporal's ``TracingInterceptor`` carries it in the workflow's headers to the worker.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from opentelemetry import context, propagate, trace

TRACE_FIELD = "upc_trace"

tracer = trace.get_tracer("upc")


def enabled() -> bool:
    """True once a real tracer provider is installed (``upc.telemetry.setup``)."""
    return not isinstance(trace.get_tracer_provider(),
                          (trace.NoOpTracerProvider, trace.ProxyTracerProvider))


def current_traceparent() -> str | None:
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier.get("traceparent")


def stamp(event: Any) -> None:
    """Put the current trace context on an event about to be stored."""
    traceparent = current_traceparent()
    if traceparent and not getattr(event, TRACE_FIELD, None):
        object.__setattr__(event, TRACE_FIELD, traceparent)


@contextmanager
def continued(event: Any, name: str, **attributes: Any) -> Iterator[Any]:
    """A span that continues the trace the event was recorded in (a new trace without one)."""
    traceparent = getattr(event, TRACE_FIELD, None)
    parent = propagate.extract({"traceparent": traceparent}) if traceparent else None
    token = context.attach(parent) if parent is not None else None
    try:
        with tracer.start_as_current_span(name, attributes=attributes) as span:
            yield span
    finally:
        if token is not None:
            context.detach(token)


def client_interceptors() -> list[Any]:
    """Temporal interceptors for a client (and the workers built on it) when tracing is on."""
    if not enabled():
        return []
    from temporalio.contrib.opentelemetry import TracingInterceptor

    return [TracingInterceptor()]
