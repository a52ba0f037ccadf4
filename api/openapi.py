"""The OpenAPI document and its two readers, Swagger UI (``/docs``) and ReDoc (``/redoc``).

- One security scheme, ``bearer`` (HTTP bearer, JWT), named the same in
  ``components.securitySchemes`` and in every operation's ``security``, so "Authorize" in
  ``/docs`` sends the token.
- Every ``/api/v1`` operation lists the problem responses (``application/problem+json``) it
  can answer with, one per status, naming each problem type (``api.problems``, derived from
  the code) and listing them all in ``x-problem-types``; its description says who may call
  it (``api.access``).
- The documentation pages load Swagger UI and ReDoc from files vendored in this package
  (``api/static/docs``, with their licences); their Content-Security-Policy lets the browser
  fetch nothing from anywhere else, so they work on an intranet or behind a strict proxy.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field

from api.access import api_routes, who_may_call
from api.problems import openapi_responses, route_problems

SECURITY_SCHEME = "bearer"

ASSETS = Path(__file__).parent / "static" / "docs"
ASSETS_URL = "/docs/assets"
# The pages' scripts, styles and images come from this server only; ReDoc styles inline and
# searches in a worker made from a blob, Swagger UI draws its icons from data: URLs.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
       "worker-src 'self' blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


class Problem(BaseModel):
    """RFC 9457 problem details."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [{
        "type": "https://upc.example/problems/approver-is-proposer",
        "title": "Approver is proposer", "status": 403,
        "detail": "You proposed this restriction, so another manager must decide it."}]})
    type: str = Field(description="the problem's stable code, at the end of the URL")
    title: str = Field(description="a short summary of the problem type")
    status: int = Field(description="the HTTP status")
    detail: str = Field(description="what went wrong and what to send instead, in plain English")
    errors: list[dict[str, Any]] | None = Field(
        default=None, description="every invalid field (422): `loc`, `msg` in plain English")


def install(app: FastAPI) -> None:
    _serve_documentation(app)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(title=app.title, version=app.version, summary=app.summary,
                             description=app.description, routes=app.routes)
        problems = {(method.lower(), route.path): route_problems(route)
                    for route in api_routes(app.routes) for method in route.methods}
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["Problem"] = Problem.model_json_schema()
        for name in ("HTTPValidationError", "ValidationError"):
            components.pop(name, None)
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                _one_security_scheme(operation)
                responses = operation["responses"]
                responses.pop("422", None)
                found = problems.get((method, path), [])
                responses.update(openapi_responses(found))
                if found:
                    operation["x-problem-types"] = [p.as_openapi() for p in found]
                if not path.startswith("/api/"):
                    if not any(p.status == 401 for p in found):
                        operation["security"] = []  # health checks need no token
                    continue
                operation["x-roles"], line = who_may_call(method, path)
                description = operation.get("description", "")
                operation["description"] = f"{description}\n\n{line}".lstrip()
        schema["components"]["securitySchemes"] = {SECURITY_SCHEME: {
            "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
            "description": "A JWT: `upc token --user NAME --role ROLE` in embedded mode, "
                           "your OIDC issuer's in production. Paste the token alone (no "
                           "`Bearer ` prefix) into Authorize."}}
        schema["security"] = [{SECURITY_SCHEME: []}]
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _one_security_scheme(operation: dict[str, Any]) -> None:
    """FastAPI names the scheme after the dependency's class (``HTTPBearer``); use ours."""
    if "security" in operation:
        operation["security"] = [{SECURITY_SCHEME: scopes for scopes in requirement.values()}
                                 for requirement in operation["security"]]


# --- the documentation pages ----------------------------------------------------------------

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" type="image/png" href="docs/assets/favicon-32x32.png">
{head}</head>
<body>
{body}
</body>
</html>
"""
SWAGGER_HEAD = '<link rel="stylesheet" href="docs/assets/swagger-ui.css">\n'
SWAGGER_BODY = """<div id="swagger-ui"></div>
<script src="docs/assets/swagger-ui-bundle.js"></script>
<script src="docs/assets/swagger-init.js"></script>"""
REDOC_BODY = """<redoc spec-url="openapi.json"></redoc>
<script src="docs/assets/redoc.standalone.js"></script>"""


def _serve_documentation(app: FastAPI) -> None:
    """Replace FastAPI's pages (which load Swagger UI and ReDoc from a CDN) with ours."""
    theirs = {app.docs_url, app.redoc_url, app.swagger_ui_oauth2_redirect_url} - {None}
    app.router.routes[:] = [r for r in app.router.routes
                            if getattr(r, "path", None) not in theirs]
    headers = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff"}
    swagger = PAGE.format(title=f"{app.title} - API documentation", head=SWAGGER_HEAD,
                          body=SWAGGER_BODY)
    redoc = PAGE.format(title=f"{app.title} - API reference", head="", body=REDOC_BODY)

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(swagger, headers=headers)

    @app.get("/redoc", include_in_schema=False)
    def reference() -> HTMLResponse:
        return HTMLResponse(redoc, headers=headers)

    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS), name="docs-assets")
