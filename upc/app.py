"""The composition root's half of the API: wires settings and adapters into ``api.app``."""

from __future__ import annotations

from fastapi import FastAPI

from api.app import AppParts
from api.app import create_app as create_api
from upc import bootstrap
from upc.settings import Settings, psycopg_conninfo


def create_app(settings: Settings) -> FastAPI:
    database_url = bootstrap.require_database_url(settings)
    return create_api(settings, AppParts(
        conninfo=psycopg_conninfo(database_url),
        case_service=lambda: bootstrap.case_service(database_url),
        views=lambda: bootstrap.views(database_url)))
