"""The FastAPI application, built from settings by ``create_app``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api import access, errors, health, openapi, store, web
from api.auth import Authenticator
from api.idempotency import IdempotencyStore, WriteGuard
from api.privacy import router as privacy_reads
from api.routes import (
    appeals,
    cases,
    contacts,
    decisions,
    other,
    privacy,
    reads,
    restrictions,
)
from api.routes import settings as settings_routes
from upc import bootstrap
from upc.settings import Settings, psycopg_conninfo

DESCRIPTION = """JSON under `/api/v1`. Bearer tokens (`upc token --user NAME --role ROLE` in
embedded mode; your OIDC issuer in production). Writes take `Idempotency-Key` and
`If-Match` (the case's `ETag`); each write answers with the case `version` and the event
`position`, and any read takes `min_position` to wait until the views have caught up.
Errors are RFC 9457 `application/problem+json`."""


def create_app(settings: Settings) -> FastAPI:
    database_url = bootstrap.require_database_url(settings)
    conninfo = psycopg_conninfo(database_url)
    authenticator = Authenticator.from_settings(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store.create_tables(conninfo)
        app.state.pool = store.open_pool(conninfo)
        app.state.idempotency = IdempotencyStore(app.state.pool)
        app.state.service = bootstrap.case_service(database_url)
        app.state.views = {v.view_name: v for v in bootstrap.views(database_url)}
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
    for module in (cases, contacts, decisions, restrictions, appeals, other, privacy,
                   settings_routes, reads):
        app.include_router(module.router)
    app.include_router(privacy_reads)
    access.check_every_route_is_listed(app.routes)
    access.describe_roles(app.routes)
    openapi.install(app)
    web.install(app, settings)
    return app
