"""GET /metrics: HTTP counts by route template (never an id), store numbers at scrape time."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from domain.actors import Role
from tests.api.conftest import Stage, auth, wait_position


def sample(text: str, name: str, **labels: str) -> float | None:
    for line in text.splitlines():
        if not line.startswith(name + ("{" if labels else " ")) and line.split(" ")[0] != name:
            continue
        if all(f'{k}="{v}"' in line for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return None


def test_metrics_count_requests_by_route_template_and_read_the_store(
        client: TestClient, stage: Stage) -> None:
    built = stage.opened()
    wait_position(client, client.app.state.service.recorder.max_notification_id())  # type: ignore[attr-defined]
    before = client.get("/metrics").text
    for _ in range(3):
        assert client.get(built.path, headers=auth(Role.CASEWORKER)).status_code == 200
    assert client.get(built.path, headers={"Authorization": "Bearer nonsense"}).status_code == 401
    wait_position(client, client.app.state.service.recorder.max_notification_id())  # type: ignore[attr-defined]
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    template = "/api/v1/cases/{case_id}"
    ok = sample(text, "upc_http_requests_total", method="GET", route=template, status="200")
    was = sample(before, "upc_http_requests_total", method="GET", route=template,
                 status="200") or 0
    assert ok == was + 3
    assert sample(text, "upc_http_requests_total", route=template, status="401") is not None
    assert str(built.case_id) not in text and built.customer_ref not in text
    assert sample(text, "upc_http_request_duration_seconds_count", route=template) is not None
    assert (sample(text, "upc_events_appended_total") or 0) >= 1
    for view in ("case_view", "contact_rules", "case_timeline"):
        assert sample(text, "upc_projection_lag_events", view=view) == 0
        assert sample(text, "upc_projection_lag_seconds", view=view) == 0
    assert sample(text, "upc_launcher_backlog_events") is not None
    for queue in ("reviews", "appeals", "ratifications", "notices", "subject_access"):
        assert sample(text, "upc_work_queue_open", queue=queue) is not None
        assert sample(text, "upc_work_queue_overdue", queue=queue) is not None
    assert sample(text, "upc_store_up") == 1
    assert not re.search(r'route="[^"]*[0-9a-f]{8}-[0-9a-f]{4}', text)
