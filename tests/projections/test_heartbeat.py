"""Runner heartbeats: /readyz sees a view whose runner stopped passing, even with no lag."""

from __future__ import annotations

import psycopg
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api import health
from projections.heartbeat import heartbeats
from projections.runner import ProjectionRunner, wait_until
from projections.view import VIEWS_SCHEMA
from tests.projections.conftest import World
from upc.settings import psycopg_conninfo


def readiness(world: World) -> dict[str, str]:
    app = FastAPI()
    app.include_router(health.router)
    app.state.service, app.state.views, app.state.max_lag = world.app, world.views, 0
    app.state.temporal_address, app.state.temporal_client = None, None
    with TestClient(app) as client:
        checks: dict[str, str] = client.get("/readyz").json()["checks"]
    return checks


def test_readyz_reports_each_runner_and_a_stalled_one(world: World) -> None:
    assert readiness(world)["projection:case_view:runner"] == "no runner heartbeat"
    runner = ProjectionRunner(world.app, list(world.views.values()),
                              psycopg_conninfo(world.url), poll_interval=0.1)
    runner.start()
    try:
        assert wait_until(lambda: set(heartbeats(world.views["case_view"])) == set(world.views),
                          timeout=20)
    finally:
        runner.stop()
    checks = readiness(world)
    for name in world.views:
        assert checks[f"projection:{name}:runner"] == "ok"
        assert float(checks[f"projection:{name}:seconds_since_pass"]) < 30
    with psycopg.connect(world.url, autocommit=True) as conn:  # the runner hung a minute ago
        conn.execute(f'UPDATE "{VIEWS_SCHEMA}".runner_heartbeat'
                     " SET beat_at = now() - interval '61 seconds' WHERE view_name = 'case_view'")
    checks = readiness(world)
    assert checks["projection:case_view:runner"].startswith("stalled: no pass for 6")
    assert checks["projection:case_view:lag"] == "0"  # lag alone would not have shown it
    assert checks["projection:contact_rules:runner"] == "ok"
