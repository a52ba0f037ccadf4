"""The OpenAPI document: every operation lists its problem responses (problem+json)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, ConfigDict, Field

from api.errors import TITLES

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
# Statuses any /api/v1 operation may answer with a problem; 5xx beyond 503 is never planned.
API_PROBLEMS = (400, 401, 403, 404, 409, 410, 412, 413, 422, 503)
WRITE_ONLY = (409, 410, 412, 413)


class Problem(BaseModel):
    """RFC 9457 problem details."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [{
        "type": "https://upc.example/problems/approver-is-proposer", "title": "Forbidden",
        "status": 403, "detail": "You proposed this restriction, so another manager must "
                                 "decide it."}]})
    type: str
    title: str
    status: int
    detail: str
    errors: list[dict[str, Any]] | None = Field(default=None,
                                                description="every invalid field (422)")


def install(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(title=app.title, version=app.version, summary=app.summary,
                             description=app.description, routes=app.routes)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["Problem"] = Problem.model_json_schema()
        for name in ("HTTPValidationError", "ValidationError"):
            components.pop(name, None)
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                responses = operation["responses"]
                responses.pop("422", None)
                if not path.startswith("/api/"):
                    continue
                for status in API_PROBLEMS:
                    if method == "get" and status in WRITE_ONLY:
                        continue
                    responses.setdefault(str(status), {
                        "description": TITLES[status],
                        "content": {"application/problem+json": {"schema": PROBLEM_REF}}})
        schema.setdefault("components", {})["securitySchemes"] = {
            "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}
        schema["security"] = [{"bearer": []}]
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
