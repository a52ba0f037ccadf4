"""The API's routes, one module per resource; every router is guarded by ``api.access``."""

from fastapi import APIRouter, Depends

from api.access import authorise

PREFIX = "/api/v1"
CASE = "/cases/{case_id}"


def guarded_router(tag: str) -> APIRouter:
    """A router under /api/v1 whose every route authenticates and authorises first."""
    return APIRouter(prefix=PREFIX, tags=[tag], dependencies=[Depends(authorise)])
