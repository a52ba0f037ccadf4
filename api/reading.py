"""Reads from the views: read-your-writes waits and cursor errors as problems."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any, TypeVar

from fastapi import HTTPException, Query

from domain.application import CaseService

# Read-your-writes: a read may wait this long for the views to reach a write's position.
MAX_WAIT_SECONDS = 3.0
POLL_SECONDS = 0.02

MinPosition = Annotated[int | None, Query(
    ge=1, le=2**62, description="wait briefly until the views have processed this event "
                                "position (a write's `position` / `Upc-Position`)")]
Cursor = Annotated[str | None, Query(max_length=500, description="`next_cursor` of the "
                                                                  "previous page")]
Limit = Annotated[int, Query(ge=1, le=500, description="page size")]

T = TypeVar("T")


def view(views: dict[str, Any], name: str) -> Any:
    try:
        return views[name]
    except KeyError:
        raise HTTPException(503, f"The {name} view is not available in this deployment.") \
            from None


def wait_for_position(service: CaseService, views: list[Any], position: int | None) -> None:
    """Return once every view has processed ``position``; 503 if they do not in time."""
    if position is None:
        return
    head = service.recorder.max_notification_id() or 0
    if position > head:
        raise HTTPException(422, f"Position {position} has not been written yet (the event "
                                 f"log ends at {head}); pass a position a write returned.")
    deadline = time.monotonic() + MAX_WAIT_SECONDS
    while True:
        behind = [v for v in views if (v.max_tracking_id(service.name) or 0) < position]
        if not behind:
            return
        if time.monotonic() >= deadline:
            raise HTTPException(503, "The views have not yet caught up with position "
                                     f"{position}; retry shortly.", headers={"Retry-After": "1"})
        time.sleep(POLL_SECONDS)


def poll(fetch: Callable[[], T], ready: Callable[[T], bool]) -> T:
    """Fetch until ``ready`` (or the wait runs out); returns the last fetch either way."""
    deadline = time.monotonic() + MAX_WAIT_SECONDS
    value = fetch()
    while not ready(value) and time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
        value = fetch()
    return value


@contextmanager
def cursor_errors() -> Iterator[None]:
    try:
        yield
    except ValueError as exc:
        if "cursor" in str(exc):
            raise HTTPException(400, "The cursor is not one this API gave out.") from None
        raise
