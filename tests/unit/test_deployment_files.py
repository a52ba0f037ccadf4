"""No Docker engine runs here, so the compose file is checked for what can go wrong."""

from __future__ import annotations

from pathlib import Path

import yaml

from upc.cli import COMMANDS
from upc.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
UPC_PARTS = {"api", "worker", "launcher", "projections"}


def compose() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_parses_and_runs_every_scaled_part() -> None:
    services = compose()["services"]
    commands = {name: svc.get("command") for name, svc in services.items() if "build" in svc}
    assert {c[0] for c in commands.values()} == UPC_PARTS
    for name, command in commands.items():
        assert command[0] in COMMANDS, f"{name}: `upc {command[0]}` is not a subcommand"
    assert {"postgres", "temporal", "temporal-ui"} <= set(services)


def test_every_upc_environment_variable_is_a_known_setting() -> None:
    known = {name.upper() for name in Settings.model_fields}
    for name, svc in compose()["services"].items():
        if "build" not in svc:
            continue
        unknown = set(svc["environment"]) - known
        assert not unknown, f"{name} sets unknown settings {sorted(unknown)}"
        assert "DATABASE_URL" in svc["environment"] and "TEMPORAL_ADDRESS" in svc["environment"]


def test_dockerfile_copies_every_package() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    for package in ("domain", "workflows", "api", "projections", "upc"):
        assert f"COPY {package} ./{package}" in dockerfile
