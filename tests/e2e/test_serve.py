"""`upc serve` end to end: embedded PostgreSQL and Temporal, the slice over HTTP,
SIGTERM stops every process it started, and a second start finds the data."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from upc.preflight import free_port

pytestmark = pytest.mark.e2e


def serve_env(data_dir: Path, port: int, temporal_port: int, ui_port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "TEMPORAL_ADDRESS")}
    env.update(UPC_DATA_DIR=str(data_dir), UPC_PORT=str(port),
               UPC_TEMPORAL_PORT=str(temporal_port), UPC_TEMPORAL_UI_PORT=str(ui_port))
    return env


class Served:
    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.started = time.monotonic()
        self.process = subprocess.Popen([sys.executable, "-m", "upc", "serve"], env=env,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        text=True)
        self.banner: list[str] = []
        self.ready_after = self._wait_ready()

    def _wait_ready(self, timeout: float = 120) -> float:
        assert self.process.stdout is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                raise AssertionError(f"upc serve exited early: {''.join(self.banner)}")
            self.banner.append(line)
            if line.startswith("upc is ready"):
                while not self.banner[-1].strip().startswith("Stop"):  # the banner's end
                    more = self.process.stdout.readline()
                    if not more:
                        break
                    self.banner.append(more)
                return time.monotonic() - self.started
        raise AssertionError("upc serve was not ready in time")

    def descendants(self) -> list[psutil.Process]:
        return psutil.Process(self.process.pid).children(recursive=True)

    def terminate(self) -> float:
        began = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(60)
        return time.monotonic() - began


def token(env: dict[str, str], role: str = "caseworker") -> str:
    out = subprocess.run([sys.executable, "-m", "upc", "token", "--user", "erin",
                          "--role", role], env=env, capture_output=True, text=True, check=True)
    return out.stdout.strip()


@pytest.fixture
def ports() -> Iterator[tuple[int, int, int]]:
    yield free_port(), free_port(), free_port()


def test_serve_runs_the_slice_stops_cleanly_and_keeps_its_data(
        serve_dir: Path, ports: tuple[int, int, int]) -> None:
    tmp_path = serve_dir  # outside pytest-of-root (see tests/e2e/conftest.py)
    env = serve_env(tmp_path / "data", *ports)
    base = f"http://127.0.0.1:{ports[0]}"

    first = Served(env)
    try:
        banner = "".join(first.banner)
        assert f"{base}/api/v1" in banner and f"127.0.0.1:{ports[2]}" in banner
        assert "upc token" in banner
        children = first.descendants()
        names = " ".join(" ".join(p.cmdline()) for p in children)
        for part in ("worker", "projections", "launcher", "api", "start-dev"):
            assert part in names
        headers = {"Authorization": f"Bearer {token(env)}"}
        with httpx.Client(base_url=base, headers=headers, timeout=10) as http:
            case_id = http.post("/api/v1/cases", json={"customer_ref": "T-1001"}).json()[
                "case_id"]
            written = http.post(f"/api/v1/cases/{case_id}/contacts", json={
                "channel": "phone", "direction": "inbound",
                "occurred_at": "2026-11-02T10:15:00+01:00", "summary": "Same repair again."})
            assert written.status_code == 201
            view = http.get(f"/api/v1/cases/{case_id}",
                            params={"min_version": written.json()["version"]})
            assert view.json()["contacts_total"] == 1
            ready = http.get("/readyz")
            assert ready.status_code == 200, ready.text
    finally:
        stop_seconds = first.terminate()
    assert first.process.returncode == 0
    time.sleep(0.5)
    leftovers = [p for p in children if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert leftovers == [], [p.cmdline() for p in leftovers]
    pg_pid_file = tmp_path / "data" / "pg" / "postmaster.pid"
    assert not pg_pid_file.exists(), "embedded PostgreSQL is still running"

    second = Served(env)
    try:
        headers = {"Authorization": f"Bearer {token(env)}"}
        with httpx.Client(base_url=base, headers=headers, timeout=10) as http:
            view = http.get(f"/api/v1/cases/{case_id}", params={"min_version": 2})
            assert view.status_code == 200
            assert view.json()["contacts_total"] == 1
            assert [e["type"] for e in http.get(f"/api/v1/cases/{case_id}/events").json()] == [
                "Opened", "ContactRecorded"]
    finally:
        second.terminate()
    print(f"\nupc serve: ready after {first.ready_after:.1f}s (first start), "
          f"{second.ready_after:.1f}s (restart); stopped {stop_seconds:.1f}s after SIGTERM")


def run_upc(args: list[str], env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "upc", *args], env=env, capture_output=True,
                          text=True, timeout=timeout)


def test_a_taken_port_is_named_with_a_non_zero_exit(tmp_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = serve_env(tmp_path / "data", port, free_port(), free_port())
        result = run_upc(["serve"], env)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"upc: UPC_PORT: port {port} on 127.0.0.1 is already in use (Address already in use)"]
    assert not (tmp_path / "data").exists(), "nothing may be written"


@pytest.mark.parametrize("setting, value, expected", [
    ("DATABASE_URL", "mysql://nobody@host/db", "DATABASE_URL: must start with postgresql://"),
    ("DATABASE_URL", "postgresql://postgres@127.0.0.1:1/upc", "DATABASE_URL: cannot connect"),
    ("UPC_PORT", "eighty", "UPC_PORT:"),
    ("TEMPORAL_ADDRESS", "no-port-here", "TEMPORAL_ADDRESS: must be host:port"),
])
def test_bad_settings_are_one_line(tmp_path: Path, setting: str, value: str,
                                   expected: str) -> None:
    env = serve_env(tmp_path / "data", free_port(), free_port(), free_port())
    env[setting] = value
    result = run_upc(["serve"], env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"upc: {expected}"), result.stderr
    assert not (tmp_path / "data").exists(), "nothing may be written"


def test_an_unwritable_data_directory_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    env = serve_env(blocker / "data", free_port(), free_port(), free_port())
    result = run_upc(["serve"], env)
    assert result.returncode == 2
    assert result.stderr.strip().startswith(f"upc: UPC_DATA_DIR: {blocker / 'data'} is not writable")


def test_an_unreachable_temporal_is_one_line(database_url: str, tmp_path: Path) -> None:
    env = serve_env(tmp_path / "data", free_port(), free_port(), free_port())
    env.update(DATABASE_URL=database_url, TEMPORAL_ADDRESS=f"127.0.0.1:{free_port()}")
    result = run_upc(["worker"], env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("upc: TEMPORAL_ADDRESS: cannot connect"), \
        result.stderr
