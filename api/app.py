"""The FastAPI application, built from settings by ``create_app``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api import cases, errors, health
from api.auth import token_secret
from upc import bootstrap
from upc.settings import Settings


def create_app(settings: Settings) -> FastAPI:
    database_url = bootstrap.require_database_url(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.service = bootstrap.case_service(database_url)
        app.state.views = {v.view_name: v for v in bootstrap.views(database_url)}
        app.state.token_secret = token_secret(settings.upc_token_secret, settings.data_dir)
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

    app = FastAPI(
        title="upc",
        summary="Unreasonably Persistent Contact / Unreasonable Behaviour case workflow",
        version="0.1.0",
        lifespan=lifespan,
    )
    errors.install(app)
    app.include_router(health.router)
    app.include_router(cases.router)
    return app
