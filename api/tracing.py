"""Every HTTP request is counted and timed (``api.metrics``), gets a request id (``X-Request-ID``: the caller's, when it is a short
token, else a new one) and, with tracing on, a server span that continues the caller's W3C
``traceparent``. Both go into every log line the request writes (``upc.telemetry``).
"""

from __future__ import annotations

import contextvars
import re
import time
import uuid
from typing import Any

from opentelemetry import context, propagate, trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from api.metrics import observe

REQUEST_ID: contextvars.ContextVar[str | None] = contextvars.ContextVar("upc_request_id",
                                                                        default=None)
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
tracer = trace.get_tracer("upc.api")


def _header(scope: dict[str, Any], name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None


class RequestTracing:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = _header(scope, b"x-request-id")
        request_id = given if given and _SAFE_ID.match(given) else uuid.uuid4().hex
        token = REQUEST_ID.set(request_id)
        carrier = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers", [])
                   if k in (b"traceparent", b"tracestate")}
        attached = context.attach(propagate.extract(carrier)) if carrier else None
        status = 500
        started = time.perf_counter()

        async def sending(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []),
                                      (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            with tracer.start_as_current_span(
                    f"HTTP {scope['method']}", kind=SpanKind.SERVER,
                    attributes={"http.request.method": scope["method"],
                                "upc.request_id": request_id}) as span:
                try:
                    await self.app(scope, receive, sending)
                finally:
                    route = getattr(scope.get("route"), "path", None)
                    observe(scope["method"], route, status, time.perf_counter() - started)
                    if route:  # the template, never the path with its ids
                        span.update_name(f"HTTP {scope['method']} {route}")
                        span.set_attribute("http.route", route)
                    span.set_attribute("http.response.status_code", status)
                    if status >= 500:
                        span.set_status(Status(StatusCode.ERROR))
        finally:
            if attached is not None:
                context.detach(attached)
            REQUEST_ID.reset(token)
