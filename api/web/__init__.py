"""The web pages, served by the API's app under ``/`` (server-rendered, GOV.UK Frontend).

``install(app, settings)`` mounts the vendored static files and the page routers. Pages run
the API's own route functions and read the same views, behind the same role table
(``api.access``), and log the same special-category reads (``api.access_log``).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api.web import admin, auditor, case, caseworker, committee, letters, manager, matters, signin
from api.web.pages import HERE


def install(app: FastAPI, settings: Any) -> None:
    app.state.oidc_client = {
        "client_id": getattr(settings, "upc_oidc_client_id", None) or "upc-web",
        "client_secret": getattr(settings, "upc_oidc_client_secret", None),
        "scopes": getattr(settings, "upc_oidc_scopes", None) or "openid"}
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for module in (signin, caseworker, case, manager, matters, admin, auditor, committee, letters):
        app.include_router(module.router)
