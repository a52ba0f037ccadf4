"""API benchmark: ``POST`` a contact and ``GET`` the case view, against the floor.

For 1 and 2 API worker processes (uvicorn), with 16 concurrent clients over loopback, it
measures requests per second and p50/p99 latency of

- upc: ``POST /api/v1/cases/{id}/contacts`` (token check, validation, load the aggregate,
  rules, encrypt the summary, append the event, find its position) and
  ``GET /api/v1/cases/{id}`` (token check, case view query);
- the floor: the same endpoint shapes in a bare FastAPI app doing one raw ``psycopg`` INSERT
  or SELECT (same body model, same pool size), so each upc figure is also a ratio to it.

Writes go to 256 cases (each client its own), so they measure the write path, not conflicts.
The projection runner runs beside the API, as in production. Results go to
``bench/results/api-<time>.json``. Run: ``upc bench`` (or ``python bench/api_bench.py``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from api.schemas import RecordContact

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
SECRET = "bench-secret-0123456789abcdef0123456789abcdef"
CASES = 256
BODY = {"channel": "phone", "direction": "inbound",
        "summary": "Called about the same repair for the fourth time today."}


# --- the floor: the same endpoint shapes, one raw psycopg statement each -------------------

def _floor_app() -> Any:
    from fastapi import FastAPI
    from psycopg.rows import dict_row
    from psycopg_pool import ConnectionPool

    pool = ConnectionPool(os.environ["BENCH_CONNINFO"], min_size=4, max_size=15, open=True,
                          kwargs={"autocommit": True})
    app = FastAPI()

    @app.post("/floor/cases/{case_id}/contacts", status_code=201)
    def record(case_id: uuid.UUID, body: RecordContact) -> dict[str, Any]:
        with pool.connection() as conn:
            row = conn.execute(
                "INSERT INTO bench_floor_contacts (case_id, channel, direction, occurred_at,"
                " summary) VALUES (%s, %s, %s, %s, %s) RETURNING id",
                (case_id, body.channel.value, body.direction.value, body.occurred_at,
                 body.summary)).fetchone()
        assert row is not None
        return {"case_id": case_id, "position": row[0]}

    @app.get("/floor/cases/{case_id}")
    def read(case_id: uuid.UUID) -> dict[str, Any]:
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as curs:
            curs.execute("SELECT case_id, count(*) AS contacts_total, max(occurred_at) AS last"
                         " FROM bench_floor_contacts WHERE case_id = %s GROUP BY case_id",
                         (case_id,), prepare=True)
            return curs.fetchone() or {"case_id": case_id, "contacts_total": 0}

    return app


if os.environ.get("BENCH_CONNINFO") and os.environ.get("BENCH_FLOOR") == "1":
    floor_app = _floor_app()


# --- running servers --------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(app: str, workers: int, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port),
         "--workers", str(workers), "--log-level", "warning", "--no-access-log",
         "--app-dir", str(ROOT / "bench")],
        env=env, cwd=ROOT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/openapi.json", timeout=1).status_code == 200:
                return process, base
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.terminate()
    raise RuntimeError(f"{app} did not start")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


# --- load ---------------------------------------------------------------------------------------

async def load(base: str, make: Any, concurrency: int, seconds: float,
               headers: dict[str, str]) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits,
                                 timeout=30) as client:
        async def worker(index: int, until: float, record: bool) -> None:
            nonlocal errors
            i = 0
            while time.monotonic() < until:
                method, path, body = make(index, i)
                i += 1
                started = time.perf_counter()
                response = await client.request(method, path, json=body)
                elapsed = time.perf_counter() - started
                if response.status_code >= 300:
                    errors += 1
                elif record:
                    latencies.append(elapsed)

        warm = time.monotonic() + 1.0
        await asyncio.gather(*(worker(i, warm, False) for i in range(concurrency)))
        started = time.monotonic()
        await asyncio.gather(*(worker(i, started + seconds, True) for i in range(concurrency)))
        elapsed = time.monotonic() - started
    latencies.sort()
    return {"requests": len(latencies), "errors": errors,
            "rps": round(len(latencies) / elapsed, 1),
            "p50_ms": round(1000 * statistics.median(latencies), 2) if latencies else None,
            "p99_ms": round(1000 * latencies[int(0.99 * (len(latencies) - 1))], 2)
            if latencies else None}


# --- the run ------------------------------------------------------------------------------------

def database(server_url: str | None) -> tuple[str, Any]:
    """A fresh database: on DATABASE_URL's server, else an embedded PostgreSQL."""
    import psycopg

    from upc.embedded import EmbeddedPostgres

    embedded = None
    if not server_url:
        embedded = EmbeddedPostgres(Path(tempfile.mkdtemp(prefix="upc-bench-")) / "pg")
        server_url = embedded.start(dbname="postgres")
    dbname = f"upc_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{dbname}"')
    parts = urlsplit(server_url)
    return urlunsplit(parts._replace(path=f"/{dbname}")), embedded


def run(workers_list: list[int], seconds: float, concurrency: int,
        server_url: str | None = None) -> dict[str, Any]:
    import psycopg

    from api.auth import issue_token
    from domain.actors import Actor, Role
    from projections.runner import ProjectionRunner
    from upc import bootstrap
    from upc.settings import psycopg_conninfo

    url, embedded = database(server_url or os.environ.get("DATABASE_URL"))
    conninfo = psycopg_conninfo(url)
    try:
        bootstrap.migrate(url)
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute("CREATE TABLE bench_floor_contacts (id bigserial PRIMARY KEY,"
                         " case_id uuid NOT NULL, channel text NOT NULL, direction text NOT NULL,"
                         " occurred_at timestamptz NOT NULL, summary text NOT NULL)")
            conn.execute("CREATE INDEX ON bench_floor_contacts (case_id)")
        service = bootstrap.case_service(url)
        clerk = Actor("bench-seed", Role.CASEWORKER)
        case_ids = [str(service.open_case(f"BENCH-{i:04d}", clerk).id) for i in range(CASES)]
        runner = ProjectionRunner(service, bootstrap.views(url), conninfo)
        runner.start()
        token = issue_token(SECRET, "bench", Role.CASEWORKER)
        env = {**os.environ, "DATABASE_URL": url, "UPC_TOKEN_SECRET": SECRET,
               "UPC_DATA_DIR": tempfile.mkdtemp(prefix="upc-bench-data-"),
               "BENCH_CONNINFO": conninfo, "PYTHONPATH": str(ROOT)}
        rows: list[dict[str, Any]] = []

        def contact(prefix: str) -> Any:
            def make(index: int, i: int) -> tuple[str, str, dict[str, Any]]:
                case = case_ids[(index + concurrency * i) % CASES]
                return "POST", f"{prefix}/cases/{case}/contacts", {
                    **BODY, "occurred_at": datetime.now(UTC).isoformat()}
            return make

        def view(prefix: str) -> Any:
            def make(index: int, i: int) -> tuple[str, str, None]:
                return "GET", f"{prefix}/cases/{case_ids[(index * 7 + i) % CASES]}", None
            return make

        for workers in workers_list:
            for name, app, prefix, extra_env in (
                    ("upc", "upc.asgi:app", "/api/v1", {}),
                    ("floor", "api_bench:floor_app", "/floor", {"BENCH_FLOOR": "1"})):
                process, base = start_server(app, workers, {**env, **extra_env})
                try:
                    headers = {"Authorization": f"Bearer {token}"}
                    for endpoint, make in (("POST contact", contact(prefix)),
                                           ("GET case view", view(prefix))):
                        result = asyncio.run(load(base, make, concurrency, seconds, headers))
                        rows.append({"server": name, "workers": workers, "endpoint": endpoint,
                                     **result})
                        print(f"  {name:<6} workers={workers} {endpoint:<14} "
                              f"{result['rps']:>8} req/s  p50 {result['p50_ms']} ms  "
                              f"p99 {result['p99_ms']} ms  errors {result['errors']}",
                              flush=True)
                finally:
                    stop_server(process)
        runner.stop()
        service.close()
    finally:
        if embedded is not None:
            embedded.stop()
    for row in rows:
        if row["server"] == "upc":
            floor = next(r for r in rows if r["server"] == "floor"
                         and r["workers"] == row["workers"] and r["endpoint"] == row["endpoint"])
            row["ratio_to_floor"] = round(row["rps"] / floor["rps"], 3) if floor["rps"] else None
    return {"when": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                        "platform": platform.platform()},
            "concurrency": concurrency, "seconds": seconds, "cases": CASES,
            "command": "upc bench", "results": rows}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", default="1,2", help="API worker counts (default 1,2)")
    parser.add_argument("--seconds", type=float, default=8.0, help="per measurement")
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args(argv)
    print(f"API bench: concurrency {args.concurrency}, {args.seconds:.0f}s per measurement")
    report = run([int(w) for w in args.workers.split(",")], args.seconds, args.concurrency)
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"api-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    print(f"written to {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
