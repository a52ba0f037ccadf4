"""Done when: a restriction decided over HTTP in ``upc serve`` shows up in
``temporal workflow list`` with its timers (launcher, worker and search attributes as served)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from domain.calendar import start_of
from tests.e2e.test_serve import Served, serve_env
from upc.embedded import temporal_cli
from upc.preflight import free_port

pytestmark = pytest.mark.e2e


def bearer(env: dict[str, str], user: str, role: str) -> dict[str, str]:
    token = subprocess.run([sys.executable, "-m", "upc", "token", "--user", user, "--role", role],
                           env=env, capture_output=True, text=True, check=True).stdout.strip()
    return {"Authorization": f"Bearer {token}"}


def temporal(address: str, *args: str) -> str:
    return subprocess.run([temporal_cli(), *args, "--address", address, "-o", "json"],
                          capture_output=True, text=True, timeout=30, check=True).stdout


def test_a_restriction_decided_over_http_has_its_workflow_and_timer(tmp_path: Path) -> None:
    port, temporal_port, ui_port = free_port(), free_port(), free_port()
    env = serve_env(tmp_path / "data", port, temporal_port, ui_port)
    address = f"127.0.0.1:{temporal_port}"
    served = Served(env)
    try:
        cara, maya, milo = (bearer(env, "cara", "caseworker"), bearer(env, "maya", "manager"),
                            bearer(env, "milo", "manager"))
        now = datetime.now(UTC).isoformat()
        review_on = date.today() + timedelta(days=60)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}/api/v1", timeout=10) as http:
            def post(path: str, body: dict[str, object], who: dict[str, str]) -> dict[str, object]:
                response = http.post(path, json=body, headers=who)
                assert response.status_code in (200, 201), response.text
                return response.json()  # type: ignore[no-any-return]

            case_id = post("/cases", {"customer_ref": "T-3001"}, cara)["case_id"]
            case = f"/cases/{case_id}"
            incident = post(f"{case}/incidents", {
                "category": "abusive_or_aggressive", "description": "Shouted at the officer.",
                "occurred_at": now}, cara)["id"]
            post(f"{case}/concerns", {"evidence": [incident], "reason": "Repeated abuse."}, cara)
            for kind in ("vulnerability_assessment", "legitimate_issue", "complaint_handling",
                         "other_agency"):
                post(f"{case}/checks", {"kind": kind, "notes": "Done."}, maya)
            restriction_id = post(f"{case}/restrictions", {
                "terms": {"single_point_of_contact": "Tenancy team inbox",
                          "services": ["housing management"]},
                "evidence": [incident], "reason": "Abuse continued.",
                "review_date": review_on.isoformat()}, cara)["id"]
            post(f"{case}/restrictions/{restriction_id}/decision",
                 {"outcome": "approved", "reason": "Proportionate; checks current."}, milo)

        workflow_id = f"restriction-{restriction_id}"
        query = f'UpcCaseId = "{case_id}" AND UpcWorkflowKind = "restriction"'
        deadline = time.monotonic() + 30
        while not (listed := json.loads(temporal(address, "workflow", "list", "--query", query)
                                        or "[]")):
            assert time.monotonic() < deadline, "the restriction's workflow never showed up"
            time.sleep(0.3)
        assert [w["execution"]["workflowId"] for w in listed] == [workflow_id]
        assert listed[0]["type"]["name"] == "RestrictionWorkflow"

        deadline = time.monotonic() + 30
        while '"EVENT_TYPE_TIMER_STARTED"' not in (
                shown := temporal(address, "workflow", "show", "--workflow-id", workflow_id)):
            assert time.monotonic() < deadline, "no timer was set"
            time.sleep(0.3)
        timer = next(e for e in json.loads(shown)["events"]
                     if e["eventType"] == "EVENT_TYPE_TIMER_STARTED")
        set_at = datetime.fromisoformat(timer["eventTime"])
        fires_at = set_at + timedelta(
            seconds=float(timer["timerStartedEventAttributes"]["startToFireTimeout"].rstrip("s")))
        assert abs(fires_at - start_of(review_on)) < timedelta(seconds=5)
        print(f"\n{workflow_id} listed by UpcCaseId/UpcWorkflowKind; its timer fires at "
              f"{fires_at:%Y-%m-%d %H:%M} UTC, the start of the review date {review_on}")
    finally:
        served.terminate()
