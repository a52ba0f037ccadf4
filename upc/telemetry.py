"""Traces and logs for every ``upc`` process.

Tracing is off unless an OpenTelemetry exporter is configured the standard way:
``OTEL_EXPORTER_OTLP_ENDPOINT`` (or ``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``) sends spans over
OTLP/HTTP; ``OTEL_TRACES_EXPORTER=none`` or ``OTEL_SDK_DISABLED=true`` keeps it off.
``UPC_TRACE_CONSOLE=true`` prints spans instead, for a look by hand (not
``OTEL_TRACES_EXPORTER=console``: the embedded Temporal dev server reads that variable too,
and refuses to start with it). The service name is
``OTEL_SERVICE_NAME``, else ``upc-<part>``; every other ``OTEL_*`` variable is the SDK's.

Logs are one JSON object per line (``UPC_LOG_FORMAT=text`` for the old format) with the
time, level, logger, message and, when there is one, the request id and the trace and span
ids. Messages carry ids and codes only: nothing personal is ever logged.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import UTC, datetime

from opentelemetry import trace


def tracing_configured() -> bool:
    env = os.environ
    if env.get("OTEL_SDK_DISABLED", "").lower() == "true":
        return False
    exporter = env.get("OTEL_TRACES_EXPORTER", "").lower()
    if exporter == "none":
        return False
    return _console() or exporter == "otlp" or bool(
        env.get("OTEL_EXPORTER_OTLP_ENDPOINT") or env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))


def _console() -> bool:
    return os.environ.get("UPC_TRACE_CONSOLE", "").lower() in ("1", "true", "yes")


def setup_tracing(part: str) -> bool:
    """Install a tracer provider for this process when configured; True if installed."""
    from workflows.tracing import enabled

    if enabled():
        return True  # already, in this process
    if not tracing_configured():
        return False
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter

    # Not into os.environ: `upc serve`'s children inherit it and would all be "upc-serve".
    named = {} if os.environ.get("OTEL_SERVICE_NAME") else {"service.name": f"upc-{part}"}
    provider = TracerProvider(resource=Resource.create(named))
    if _console():
        exporter = ConsoleSpanExporter()
    else:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporter = OTLPSpanExporter()  # endpoint, headers, timeout: the OTEL_* variables
    provider.add_span_processor(BatchSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    return True


def shutdown_tracing() -> None:
    provider = trace.get_tracer_provider()
    shutdown = getattr(provider, "shutdown", None)
    if shutdown is not None:
        shutdown()  # flushes the batch


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(), "logger": record.name,
            "message": record.getMessage()}
        from api.tracing import REQUEST_ID

        request_id = REQUEST_ID.get()
        if request_id:
            line["request_id"] = request_id
        span = trace.get_current_span().get_span_context()
        if span.is_valid:
            line["trace_id"] = format(span.trace_id, "032x")
            line["span_id"] = format(span.span_id, "016x")
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


def setup_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler()
    if os.environ.get("UPC_LOG_FORMAT", "json").lower() == "text":
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    else:
        handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for chatty in ("httpx", "weasyprint", "fontTools"):  # progress notes at INFO
        logging.getLogger(chatty).setLevel(logging.WARNING)
