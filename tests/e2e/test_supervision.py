"""`upc serve` refuses what it cannot run, in one line and before "ready": a second instance
on its data directory (naming the running pid, the first one untouched), an unreachable
Temporal, a Temporal namespace without upc's search attributes."""

from __future__ import annotations

import tempfile
from pathlib import Path

import httpx
import pytest

from tests.e2e.test_serve import Served, run_upc, serve_env, token
from upc.embedded import EmbeddedTemporal
from upc.preflight import free_port

pytestmark = pytest.mark.e2e


def test_a_second_serve_on_the_same_data_directory_names_the_running_pid(
        tmp_path: Path) -> None:
    env = serve_env(tmp_path / "data", free_port(), free_port(), free_port())
    first = Served(env)
    try:
        other_ports = serve_env(tmp_path / "data", free_port(), free_port(), free_port())
        second = run_upc(["serve"], other_ports)
        assert second.returncode == 2
        assert second.stderr.strip().splitlines() == [
            f"upc: UPC_DATA_DIR: {tmp_path / 'data'} is in use by a running upc serve "
            f"(pid {first.process.pid}); stop it first or choose another UPC_DATA_DIR"]
        assert "ready" not in second.stdout
        base = f"http://127.0.0.1:{env['UPC_PORT']}"
        headers = {"Authorization": f"Bearer {token(env)}"}
        with httpx.Client(base_url=base, headers=headers, timeout=10) as http:
            assert http.get("/readyz").status_code == 200  # the first one is untouched
            assert http.post("/api/v1/cases", json={"customer_ref": "T-2001"}).status_code == 201
    finally:
        first.terminate()
    assert first.process.returncode == 0


def test_an_unreachable_temporal_stops_serve_before_ready(
        database_url: str, tmp_path: Path) -> None:
    env = serve_env(tmp_path / "data", free_port(), free_port(), free_port())
    env.update(DATABASE_URL=database_url, TEMPORAL_ADDRESS=f"127.0.0.1:{free_port()}")
    result = run_upc(["serve"], env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("upc: TEMPORAL_ADDRESS: cannot connect"), \
        result.stderr
    assert "ready" not in result.stdout


def test_missing_search_attributes_stop_serve_before_ready(
        database_url: str, tmp_path: Path) -> None:
    bare = EmbeddedTemporal(Path(tempfile.mkdtemp(prefix="upc-bare-temporal-")), free_port(),
                            free_port())
    bare.start()  # no --search-attribute: a cluster nobody prepared for upc
    try:
        bare.wait_ready()
        env = serve_env(tmp_path / "data", free_port(), free_port(), free_port())
        env.update(DATABASE_URL=database_url, TEMPORAL_ADDRESS=bare.address)
        result = run_upc(["serve"], env)
    finally:
        bare.stop()
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"upc: TEMPORAL_NAMESPACE: namespace 'default' on {bare.address}"
                               " lacks the search attributes UpcCaseId, UpcWorkflowKind")
    assert "temporal operator search-attribute create" in lines[0]
    assert "ready" not in result.stdout
