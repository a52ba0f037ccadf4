"""The FastAPI application, built by ``create_app`` from settings and the parts the
composition root (``upc.app``) hands it: this package never imports the root."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI

from api import access, codec, errors, health, metrics, openapi, store, web
from api.auth import Authenticator
from api.idempotency import IdempotencyStore, WriteGuard
from api.privacy import router as privacy_reads
from api.routes import (
    appeals,
    cases,
    contacts,
    decisions,
    equality,
    notices,
    ombudsman,
    other,
    privacy,
    reads,
    restrictions,
)
from api.routes import settings as settings_routes
from api.tracing import RequestTracing
from domain.application import CaseService
from projections.view import View

DESCRIPTION = """JSON under `/api/v1`. Bearer tokens (`upc token --user NAME --role ROLE` in
embedded mode; your OIDC issuer in production). Writes take `Idempotency-Key` and
`If-Match` (the case's `ETag`); each write answers with the case `version` and the event
`position`, and any read takes `min_position` to wait until the views have caught up.
Errors are RFC 9457 `application/problem+json`."""


@dataclass(frozen=True)
class AppParts:
    """What the API needs from the composition root, already wired to one database."""

    conninfo: str
    case_service: Callable[[], CaseService]
    views: Callable[[], list[View]]


def create_app(settings: Any, parts: AppParts) -> FastAPI:
    """``settings`` is ``upc.settings.Settings`` (read for the ``upc_*``/``temporal_*``
    fields only)."""
    conninfo = parts.conninfo
    authenticator = Authenticator.from_settings(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store.create_tables(conninfo)
        app.state.pool = store.open_pool(conninfo)
        app.state.idempotency = IdempotencyStore(app.state.pool)
        app.state.service = parts.case_service()
        app.state.views = {v.view_name: v for v in parts.views()}
        app.state.max_lag = settings.upc_readiness_max_lag
        app.state.temporal_address = settings.temporal_address
        app.state.temporal_namespace = settings.temporal_namespace
        app.state.temporal_client = None
        try:
            yield
        finally:
            app.state.service.close()
            for view in app.state.views.values():
                view.datastore.close()
            app.state.idempotency.close()
            app.state.pool.close()

    app = FastAPI(
        title="upc",
        summary="Unreasonably Persistent Contact / Unreasonable Behaviour case workflow",
        description=DESCRIPTION,
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.authenticator = authenticator
    errors.install(app)
    app.add_middleware(WriteGuard, max_body_bytes=settings.upc_max_body_bytes)
    app.include_router(health.router)
    metrics.install(app)
    app.add_middleware(RequestTracing)  # every request: metrics, request id, server span
    codec.install(app, settings)  # the Temporal UI's codec server, CORS for /codec/ only
    for module in (cases, contacts, decisions, restrictions, notices, appeals, other, privacy,
                   settings_routes, reads, equality, ombudsman):
        app.include_router(module.router)
    app.include_router(privacy_reads)
    access.check_every_route_is_listed(app.routes)
    openapi.install(app)
    web.install(app, settings)
    return app
