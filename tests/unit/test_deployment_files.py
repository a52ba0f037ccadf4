"""The scaled deployment's files: docker-compose.yml validated by Debian's docker-compose
(`docker-compose config`, which needs no daemon), and checked for what can go wrong."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from upc.cli import COMMANDS
from upc.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
UPC_PARTS = {"api", "worker", "launcher", "projections"}
SECRETS = {"POSTGRES_PASSWORD": "pg-superuser-pw", "TEMPORAL_DB_PASSWORD": "temporal-pw",
           "UPC_OWNER_DB_PASSWORD": "owner-pw", "UPC_SERVICE_DB_PASSWORD": "service-pw",
           "UPC_MASTER_KEY": "bWFzdGVyLWtleS1tYXN0ZXIta2V5LW1hc3Rlci1rZXk=",
           "UPC_OIDC_ISSUER": "https://id.example.org/realms/landlord"}


def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def docker_compose(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    if shutil.which("docker-compose") is None:
        if os.environ.get("CI"):  # CI installs it: never let a skip hide this check there
            pytest.fail("docker-compose is not installed; .ci/run should have installed it")
        pytest.skip("docker-compose (Debian package docker-compose) is not installed; "
                    ".ci/run installs it")
    clean = {k: v for k, v in os.environ.items() if k not in SECRETS}
    return subprocess.run(["docker-compose", "-f", str(ROOT / "docker-compose.yml"), "config"],
                          env={**clean, **env}, capture_output=True, text=True, timeout=60,
                          check=False, cwd=ROOT)


def test_docker_compose_accepts_the_file_with_every_secret_given() -> None:
    result = docker_compose(SECRETS)
    assert result.returncode == 0, result.stderr
    resolved = yaml.safe_load(result.stdout)["services"]
    for name in UPC_PARTS:
        env = resolved[name]["environment"]
        assert env["DATABASE_URL"] == "postgresql://upc_service:service-pw@postgres:5432/upc"
        assert env["UPC_OIDC_ISSUER"] == SECRETS["UPC_OIDC_ISSUER"]
        assert "UPC_TOKEN_SECRET" not in env  # OIDC in place of locally minted tokens
    owner = resolved["migrate"]["environment"]["UPC_OWNER_DATABASE_URL"]
    assert owner == "postgresql://upc_owner:owner-pw@postgres:5432/upc"
    assert resolved["temporal"]["environment"]["POSTGRES_USER"] == "temporal"


@pytest.mark.parametrize("missing", sorted(SECRETS))
def test_docker_compose_refuses_to_start_without_a_secret(missing: str) -> None:
    result = docker_compose({k: v for k, v in SECRETS.items() if k != missing})
    assert result.returncode != 0
    assert f"set {missing}" in result.stderr, result.stderr


def test_compose_runs_every_part_and_migrates_first() -> None:
    services = compose()["services"]
    commands = {name: svc.get("command") for name, svc in services.items() if "build" in svc}
    assert {c[0] for c in commands.values()} == UPC_PARTS | {"migrate"}
    for name, command in commands.items():
        assert command[0] in COMMANDS, f"{name}: `upc {command[0]}` is not a subcommand"
    for name in UPC_PARTS:
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully"
        assert depends["temporal-setup"]["condition"] == "service_completed_successfully"


def test_every_service_has_a_healthcheck_and_waits_on_health() -> None:
    for name, svc in compose()["services"].items():
        assert "test" in svc.get("healthcheck", {}), f"{name} has no healthcheck"
        depends = svc.get("depends_on", {})
        assert isinstance(depends, dict), f"{name}: depends_on without a condition"
        for other, how in depends.items():
            assert how["condition"] in ("service_healthy", "service_completed_successfully"), \
                f"{name} -> {other}"


def test_temporal_is_the_current_server_with_its_schema_set_up_explicitly() -> None:
    services = compose()["services"]
    images = {name: svc.get("image", "") for name, svc in services.items()}
    assert not any("auto-setup" in image for image in images.values())
    assert images["temporal"].startswith("temporalio/server:")
    assert images["temporal-schema"].startswith("temporalio/admin-tools:")
    assert images["temporal-setup"].startswith("temporalio/admin-tools:")
    schema = (ROOT / "deploy" / "temporal-schema.sh").read_text()
    assert "temporal-sql-tool" in schema and "update-schema" in schema
    setup = (ROOT / "deploy" / "temporal-setup.sh").read_text()
    for name in ("UpcCaseId", "UpcWorkflowKind"):
        assert name in setup
    assert "search-attribute create" in setup


def test_only_localhost_sees_temporal_the_ui_and_the_api() -> None:
    for name, svc in compose()["services"].items():
        for port in svc.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), f"{name} publishes {port} on every interface"


def test_no_secret_has_a_default_in_the_file() -> None:
    text = (ROOT / "docker-compose.yml").read_text()
    for name in SECRETS:
        uses = re.findall(r"\$\{" + name + r"(:?[-?])?", text)
        assert uses and all(use == ":?" for use in uses), f"{name} must be required (:?)"
    assert "change-me" not in text and "UPC_TOKEN_SECRET" not in text
    assert not re.search(r"postgresql://\w+:(?!\$\{)", text), "a literal password in a URL"


def test_database_roles_are_separate_and_none_is_the_superuser() -> None:
    init = (ROOT / "deploy" / "postgres-init.sh").read_text()
    for role in ("temporal", "upc_owner", "upc_service"):
        assert re.search(rf"CREATE ROLE {role} LOGIN NOSUPERUSER", init), role
    assert "CREATE DATABASE upc OWNER upc_owner" in init


def test_every_upc_environment_variable_is_a_known_setting() -> None:
    known = {name.upper() for name in Settings.model_fields}
    for name, svc in compose()["services"].items():
        if "build" not in svc:
            continue
        unknown = set(svc["environment"]) - known
        assert not unknown, f"{name} sets unknown settings {sorted(unknown)}"
        assert "DATABASE_URL" in svc["environment"] and "TEMPORAL_ADDRESS" in svc["environment"]


def test_dockerfile_copies_every_package() -> None:
    import tomllib

    dockerfile = (ROOT / "Dockerfile").read_text()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    packages = [p.rstrip("*") for p in project["tool"]["setuptools"]["packages"]["find"]["include"]]
    assert "upc" in packages
    for package in packages:
        assert f"COPY {package} ./{package}" in dockerfile, package


def test_the_container_healthcheck_says_what_is_wrong_in_one_line() -> None:
    import sys

    from upc.preflight import free_port

    env = {**os.environ, "UPC_PORT": str(free_port())}
    down = subprocess.run([sys.executable, "-m", "upc.healthcheck", "api"], env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert down.returncode == 1
    lines = down.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("api: unhealthy:"), down.stderr
    usage = subprocess.run([sys.executable, "-m", "upc.healthcheck", "nonsense"],
                           capture_output=True, text=True, timeout=60, check=False)
    assert usage.returncode == 2
