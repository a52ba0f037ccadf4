"""Liveness and readiness: PostgreSQL, Temporal, projection lag and runner heartbeats."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from projections.heartbeat import STALE_AFTER, heartbeats
from projections.reconcile import last_run

router = APIRouter(tags=["health"])
CHECK_SECONDS = 3.0  # each dependency's answer; /readyz answers within a few of these


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    state = request.app.state
    checks: dict[str, str] = {}
    ready = True
    try:
        # Bounded: a PostgreSQL that is down or restarting is named, never waited on.
        _, lags = await asyncio.wait_for(
            asyncio.to_thread(_lags, state.service, state.views), CHECK_SECONDS)
        beats = await asyncio.wait_for(asyncio.to_thread(_heartbeats, state.views),
                                       CHECK_SECONDS)
        checks["postgresql"] = "ok"
        stale_after = getattr(state, "max_heartbeat_age", STALE_AFTER)
        for name, lag in lags.items():
            ok = lag <= state.max_lag
            ready &= ok
            checks[f"projection:{name}"] = "ok" if ok else f"{lag} events behind"
            checks[f"projection:{name}:lag"] = str(lag)
            # A stalled runner shows no lag while nothing is written: its heartbeat does.
            beat = beats.get(name)
            if beat is None:
                checks[f"projection:{name}:runner"] = "no runner heartbeat"
            else:
                seconds = beat["seconds_since_pass"]
                checks[f"projection:{name}:seconds_since_pass"] = str(seconds)
                checks[f"projection:{name}:runner"] = "ok" if seconds <= stale_after else (
                    f"stalled: no pass for {seconds:.0f} s")
            ready &= checks[f"projection:{name}:runner"] == "ok"
    except TimeoutError:
        ready = False
        checks["postgresql"] = f"no answer in {CHECK_SECONDS:.0f} s"
    except Exception as exc:  # noqa: BLE001 - readiness reports, never raises
        ready = False
        checks["postgresql"] = f"unreachable: {type(exc).__name__}"
    temporal = await _temporal_check(request)
    checks["temporal"] = temporal
    ready &= temporal == "ok"
    body: dict[str, Any] = {"status": "ok" if ready else "unavailable", "checks": checks}
    body["reconcile"] = await asyncio.to_thread(_last_reconcile, state)  # details only
    if not ready:
        reasons = "; ".join(f"{k}: {v}" for k, v in checks.items()
                            if v != "ok" and not k.endswith((":lag", ":seconds_since_pass")))
        return JSONResponse({"type": "https://upc.example/problems/not-ready",
                             "title": "Service unavailable", "status": 503,
                             "detail": reasons or "not ready", **body},
                            status_code=503, media_type="application/problem+json")
    return JSONResponse(body)


def _lags(service: Any, views: dict[str, Any]) -> tuple[int, dict[str, int]]:
    head = service.recorder.max_notification_id() or 0
    return head, {name: head - (view.max_tracking_id(service.name) or 0)
                  for name, view in views.items()}


def _last_reconcile(state: Any) -> dict[str, Any] | None:
    try:
        with state.pool.connection() as conn:
            return last_run(conn)
    except Exception:  # noqa: BLE001 - a detail, never a reason to fail readiness
        return None


def _heartbeats(views: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return heartbeats(next(iter(views.values()))) if views else {}


async def _temporal_check(request: Request) -> str:
    state = request.app.state
    if state.temporal_address is None:
        return "not configured"
    try:
        client = state.temporal_client
        if client is None:
            from workflows.temporal import connect

            client = state.temporal_client = await asyncio.wait_for(
                connect(state.temporal_address, state.temporal_namespace), CHECK_SECONDS)
        await asyncio.wait_for(client.service_client.check_health(), CHECK_SECONDS)
        return "ok"
    except Exception as exc:  # noqa: BLE001
        state.temporal_client = None
        return f"unreachable: {type(exc).__name__}"
