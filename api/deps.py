"""Dependency aliases: the application service, the views and the API's own stores."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from psycopg_pool import ConnectionPool

from domain.application import CaseService


def _service(request: Request) -> CaseService:
    return request.app.state.service  # type: ignore[no-any-return]


def _views(request: Request) -> dict[str, Any]:
    return request.app.state.views  # type: ignore[no-any-return]


def _pool(request: Request) -> ConnectionPool:
    return request.app.state.pool  # type: ignore[no-any-return]


Service = Annotated[CaseService, Depends(_service)]
Views = Annotated[dict[str, Any], Depends(_views)]
Pool = Annotated[ConnectionPool, Depends(_pool)]
