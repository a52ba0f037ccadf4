"""`upc serve` refuses what it cannot run, in one line and before "ready": an unreachable
Temporal, a Temporal namespace without upc's search attributes. (A second instance on the
same data directory is refused in the fault suite, tests/e2e/test_faults.py, beside the
running first one, which carries on untouched.)"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from tests.e2e.test_serve import run_upc, serve_env
from upc.embedded import EmbeddedTemporal
from upc.preflight import free_port

pytestmark = pytest.mark.e2e


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


def test_a_command_beside_no_serve_says_so_in_one_line(serve_dir: Path) -> None:
    env = serve_env(serve_dir / "data", free_port(), free_port(), free_port())
    result = run_upc(["rebuild"], env)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [(
        f"upc: DATABASE_URL: not set, and no embedded PostgreSQL is running in "
        f"{serve_dir / 'data' / 'pg'}; start `upc serve` first")]
