"""Dependency aliases: the application service and the views, from the app state."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request

from domain.application import CaseService


def _service(request: Request) -> CaseService:
    return request.app.state.service  # type: ignore[no-any-return]


def _views(request: Request) -> dict[str, Any]:
    return request.app.state.views  # type: ignore[no-any-return]


Service = Annotated[CaseService, Depends(_service)]
Views = Annotated[dict[str, Any], Depends(_views)]
