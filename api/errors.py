"""Every error as RFC 9457 problem details (``application/problem+json``).

A domain error's ``type`` is its stable code (``.../problems/approver-is-proposer``), its
``title`` the code in words and its ``detail`` the domain's plain sentence; a request the
parser refuses is ``422 validation-error`` (``415`` for a body that is not JSON) whose
``detail`` names the field and what to send instead (``api.messages``), every field in
``errors``; anything unexpected is a ``500`` problem that leaks nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.messages import plain
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
         422: "invalid-request", 503: "unavailable"}
JSON_TYPES = ("application/json",)


def title_of(error: type[DomainError]) -> str:
    """A problem type's title: the class's own ``title``, else its code in words."""
    title = error.__dict__.get("title")
    if isinstance(title, str):
        return title
    words = error.code.replace("-", " ")
    return words[:1].upper() + words[1:]


def problem(status: int, code: str, title: str, detail: str, **extra: Any) -> JSONResponse:
    body = {"type": PROBLEM_BASE + code, "title": title, "status": status, "detail": detail}
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def install(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(_: Request, exc: DomainError) -> JSONResponse:
        return problem(exc.http_status, exc.code, title_of(type(exc)), exc.detail,
                       **getattr(exc, "problem_extra", {}))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        route = request.scope.get("route")
        route = getattr(route, "original_route", route)
        raw = list(exc.errors())
        if _body_not_json(request, raw):
            return problem(415, "unsupported-media-type", "Unsupported media type",
                           "The request body must be JSON: send the header Content-Type: "
                           "application/json (with curl: -H 'Content-Type: application/json')"
                           ".")
        errors = [{"loc": [str(p) for p in e.get("loc", ())], "type": str(e.get("type", "")),
                   "msg": plain(e, route)} for e in raw]
        detail = errors[0]["msg"] if errors else "The request is not valid."
        if len(errors) > 1:
            detail += f" ({len(errors) - 1} more in `errors`.)"
        return problem(422, "validation-error", "Unprocessable content", detail,
                       errors=errors)

    def _body_not_json(request: Request, raw: list[Any]) -> bool:
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        json_body = media in JSON_TYPES or media.endswith("+json")
        return not json_body and any(tuple(e.get("loc", ())) == ("body",) and e.get("type")
                                     in ("model_attributes_type", "dict_type", "model_type")
                                     for e in raw)

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
