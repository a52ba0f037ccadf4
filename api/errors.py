"""Every error as RFC 9457 problem details (``application/problem+json``).

A domain error's ``type`` is its stable code (``.../problems/approver-is-proposer``) and its
``detail`` the domain's plain sentence; validation errors are ``422`` with every field's
message in ``errors``; anything unexpected is a ``500`` problem that leaks nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from domain.errors import DomainError

PROBLEM_BASE = "https://upc.example/problems/"
PROBLEM_JSON = "application/problem+json"

log = logging.getLogger("upc.api")

TITLES = {400: "Bad request", 401: "Not authenticated", 403: "Forbidden", 404: "Not found",
          405: "Method not allowed", 406: "Not acceptable", 409: "Conflict", 410: "Gone",
          412: "Precondition failed", 413: "Payload too large",
          415: "Unsupported media type", 422: "Unprocessable content",
          500: "Internal server error", 503: "Service unavailable"}
CODES = {400: "bad-request", 401: "not-authenticated", 403: "forbidden", 404: "not-found",
         405: "method-not-allowed", 406: "not-acceptable", 409: "conflict",
         412: "precondition-failed", 413: "payload-too-large", 415: "unsupported-media-type",
         503: "unavailable"}


def problem(status: int, code: str, title: str, detail: str, **extra: Any) -> JSONResponse:
    body = {"type": PROBLEM_BASE + code, "title": title, "status": status, "detail": detail}
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def install(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(_: Request, exc: DomainError) -> JSONResponse:
        return problem(exc.http_status, exc.code, TITLES.get(exc.http_status, "Refused"),
                       exc.detail)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", ""))}
                  for e in exc.errors()]
        first = errors[0] if errors else {"loc": [], "msg": "invalid request"}
        where = ".".join(p for p in first["loc"] if p != "body") or "request"
        return problem(422, "validation-error", "Unprocessable content",
                       f"{where}: {first['msg']}", errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        status = exc.status_code
        response = problem(status, CODES.get(status, f"http-{status}"),
                           TITLES.get(status, "Error"), str(exc.detail))
        for key, value in (exc.headers or {}).items():
            response.headers[key] = value
        return response

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return problem(500, "internal-error", "Internal server error",
                       "Something went wrong on our side. Retry with the same "
                       "Idempotency-Key (it cannot record twice); tell support if it persists.")
