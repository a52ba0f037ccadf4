"""JSON log lines carry the request id and the trace and span ids, and only the message."""

from __future__ import annotations

import json
import logging

from opentelemetry.sdk.trace import TracerProvider

from api.tracing import REQUEST_ID
from upc.telemetry import JsonFormatter, tracing_configured


def test_a_log_line_names_its_request_and_span() -> None:
    tracer = TracerProvider().get_tracer("test")
    record = logging.LogRecord("upc.test", logging.INFO, __file__, 1, "case %s saved",
                               ("c-1",), None)
    token = REQUEST_ID.set("req-42")
    try:
        with tracer.start_as_current_span("work") as span:
            line = json.loads(JsonFormatter().format(record))
            context = span.get_span_context()
    finally:
        REQUEST_ID.reset(token)
    assert line["message"] == "case c-1 saved" and line["level"] == "info"
    assert line["request_id"] == "req-42"
    assert line["trace_id"] == format(context.trace_id, "032x")
    assert line["span_id"] == format(context.span_id, "016x")
    plain = json.loads(JsonFormatter().format(record))
    assert set(plain) == {"time", "level", "logger", "message"}


def test_tracing_is_off_unless_an_exporter_is_configured(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    for name in ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
                 "OTEL_TRACES_EXPORTER", "UPC_TRACE_CONSOLE", "OTEL_SDK_DISABLED"):
        monkeypatch.delenv(name, raising=False)
    assert not tracing_configured()
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318")
    assert tracing_configured()
    monkeypatch.setenv("OTEL_SDK_DISABLED", "true")
    assert not tracing_configured()
