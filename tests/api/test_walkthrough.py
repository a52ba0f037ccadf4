"""docs/walkthrough.md runs: every step of docs/walkthrough.yaml against the real API."""

from __future__ import annotations

import importlib.util
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import new_ref, token

DOCS = Path(__file__).resolve().parents[2] / "docs"
USERS = {"CW": ("cara", "caseworker"), "MGR": ("maya", "manager"),
         "SNR": ("sana", "senior_manager"), "AUD": ("aude", "auditor"),
         "COM": ("colm", "committee")}


def render_module() -> Any:
    spec = importlib.util.spec_from_file_location("docs_render", DOCS / "render.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def jq(document: Any, path: str) -> Any:
    """The little of jq the walkthrough uses: ``.a.b[0].c``."""
    for name, index in re.findall(r"\.(\w+)|\[(\d+)\]", path):
        document = document[name] if name else document[int(index)]
    return document


def substitute(value: Any, variables: dict[str, str]) -> Any:
    if isinstance(value, str):
        return re.sub(r"\$([A-Z_]+)", lambda m: variables[m[1]], value)
    if isinstance(value, list):
        return [substitute(v, variables) for v in value]
    if isinstance(value, dict):
        return {k: substitute(v, variables) for k, v in value.items()}
    return value


def test_the_walkthrough_runs_step_by_step(client: TestClient) -> None:
    steps = render_module().load_steps()
    today = date.today()
    variables = {name: token(role, user) for name, (user, role) in USERS.items()}
    variables |= {"REF": new_ref("WALK"), "REVIEW": (today + timedelta(days=90)).isoformat(),
                  "QUARTER": f"{today.year}Q{(today.month - 1) // 3 + 1}"}
    for number, step in enumerate(steps["steps"], start=1):
        where = f"step {number} ({step['title']})"
        headers = {"Authorization": f"Bearer {variables[step['token']]}",
                   **(step.get("headers") or {})}
        path = "/api/v1" + substitute(step["path"], variables)
        body = substitute(step["body"], variables) if "body" in step else None
        reply = client.request(step["method"], path, headers=headers, json=body)
        assert reply.status_code == step["expect"], f"{where}: {reply.text}"
        document = reply.json()
        for name, jq_path in (step.get("capture") or {}).items():
            value = jq(document, jq_path)
            assert value is not None, f"{where}: {jq_path} is null in {document}"
            variables[name] = str(value)
        for jq_path, expected in (step.get("check") or {}).items():
            assert jq(document, jq_path) == expected, f"{where}: {jq_path} in {document}"
