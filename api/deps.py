"""Dependency aliases: the application service, the views and the API's own stores.

Dependencies that only read the app's state are ``async``: FastAPI runs a plain ``def``
dependency in the thread pool, one hand-off per dependency per request."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from psycopg_pool import ConnectionPool

from domain.application import CaseService


async def _service(request: Request) -> CaseService:
    return request.app.state.service  # type: ignore[no-any-return]


async def _views(request: Request) -> dict[str, Any]:
    return request.app.state.views  # type: ignore[no-any-return]


async def _pool(request: Request) -> ConnectionPool:
    return request.app.state.pool  # type: ignore[no-any-return]


Service = Annotated[CaseService, Depends(_service)]
Views = Annotated[dict[str, Any], Depends(_views)]
Pool = Annotated[ConnectionPool, Depends(_pool)]
