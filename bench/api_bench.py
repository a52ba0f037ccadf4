"""API benchmark: ``POST`` a contact and ``GET`` the case view, beside their raw floors.

The load generator is ``wrk`` (compiled; Debian package ``wrk``), so the generator is not the
bottleneck; its own CPU is reported. For each API worker count and each concurrency it
measures requests per second, p50/p95/p99 latency and server CPU per request of

- upc: ``POST /api/v1/cases/{id}/contacts`` (token check, validation, load the aggregate,
  rules, encrypt the summary, append the event) and ``GET /api/v1/cases/{id}`` (token check,
  case view query);
- the floor: the same endpoint shapes in a bare FastAPI app with the same worker count doing
  one raw ``psycopg`` INSERT or SELECT (same body model), measured in the same run, so each
  upc figure is also a ratio to its floor.

Writes go to ``CASES`` cases, spread over the connections. The projection runner runs beside
the API, as in production. Run: ``upc bench`` (or ``upc bench all``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from api.schemas import RecordContact

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
WRK_DIR = ROOT / "bench" / "wrk"
SECRET = "bench-secret-0123456789abcdef0123456789abcdef"
CASES = 256


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
                 body.summary), prepare=True).fetchone()
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


# --- wrk ------------------------------------------------------------------------------------

def require_wrk() -> str:
    """The wrk binary; installed with apt-get when missing and we may, else a clear error."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("wrk not found: installing the Debian package (apt-get install -y wrk)",
              flush=True)
        subprocess.run(["apt-get", "install", "-y", "wrk"], check=False,
                       stdout=subprocess.DEVNULL)
        if not shutil.which("wrk"):
            subprocess.run(["apt-get", "update"], check=False, stdout=subprocess.DEVNULL)
            subprocess.run(["apt-get", "install", "-y", "wrk"], check=False,
                           stdout=subprocess.DEVNULL)
        found = shutil.which("wrk")
        if found:
            return found
    raise SystemExit("upc bench: the load generator `wrk` is not on PATH; install it "
                     "(Debian/Ubuntu: apt-get install -y wrk; macOS: brew install wrk)")


def wrk(base: str, script: str, connections: int, seconds: float, env: dict[str, str],
        server_pids: list[int]) -> dict[str, Any]:
    """One wrk run: req/s, latency percentiles, errors, server and wrk CPU per request."""
    import psutil

    threads = max(1, min(2, connections))
    servers = _processes(server_pids)
    cpu_before = sum(_cpu(p) for p in servers)
    process = subprocess.Popen(
        [require_wrk(), "-t", str(threads), "-c", str(connections), "-d", f"{max(1, round(seconds))}s",
         "--latency", "-s", str(WRK_DIR / script), base],
        env={**env, "BENCH_WRK_DIR": str(WRK_DIR)}, stdout=subprocess.PIPE, text=True)
    watcher = psutil.Process(process.pid)
    wrk_cpu = 0.0
    while process.poll() is None:
        try:
            wrk_cpu = _cpu(watcher)
        except psutil.Error:
            pass
        time.sleep(0.2)
    out = process.stdout.read() if process.stdout else ""
    cpu_after = sum(_cpu(p) for p in servers)
    line = next((x for x in out.splitlines() if x.startswith("BENCH_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no result:\n{out}")
    result: dict[str, Any] = json.loads(line.removeprefix("BENCH_JSON "))
    ok = result["requests"] - result["non2xx"]
    result["rps"] = round(ok / result["duration_s"], 1)
    result["server_cpu_ms_per_request"] = (
        round(1000 * (cpu_after - cpu_before) / ok, 3) if ok else None)
    result["wrk_cpu_share"] = round(wrk_cpu / result["duration_s"], 3)
    return result


def _processes(pids: list[int]) -> list[Any]:
    import psutil

    found = []
    for pid in pids:
        try:
            parent = psutil.Process(pid)
            found += [parent, *parent.children(recursive=True)]
        except psutil.Error:
            pass
    return found


def _cpu(process: Any) -> float:
    try:
        times = process.cpu_times()
        return float(times.user + times.system)
    except Exception:  # noqa: BLE001 - a process that exited used nothing more
        return 0.0


# --- servers --------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(app: str, workers: int, env: dict[str, str]
                 ) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port),
         "--workers", str(workers), "--log-level", "warning", "--no-access-log",
         "--app-dir", str(ROOT / "bench")],
        env=env, cwd=ROOT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/openapi.json", timeout=2).status_code == 200:
                return process, base
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    process.terminate()
    raise RuntimeError(f"{app} did not start")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


# --- the data -------------------------------------------------------------------------------

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


def drop_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    dbname = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    try:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
    except psycopg.Error:
        pass


@dataclass
class Stack:
    """A database with ``cases`` cases, the projection runner, and what servers need."""

    url: str
    conninfo: str
    service: Any
    runner: Any
    case_ids: list[str]
    token: str
    env: dict[str, str]
    embedded: Any = None
    ids_file: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def close(self) -> None:
        self.runner.stop()
        self.service.close()
        drop_database(self.url)
        if self.embedded is not None:
            self.embedded.stop()


def prepare(cases: int = CASES, server_url: str | None = None) -> Stack:
    import psycopg

    from api.auth import issue_token
    from domain.actors import Actor, Role
    from projections.runner import ProjectionRunner
    from upc import bootstrap
    from upc.settings import psycopg_conninfo

    url, embedded = database(server_url or os.environ.get("DATABASE_URL"))
    conninfo = psycopg_conninfo(url)
    bootstrap.migrate(url)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("CREATE TABLE bench_floor_contacts (id bigserial PRIMARY KEY,"
                     " case_id uuid NOT NULL, channel text NOT NULL, direction text NOT NULL,"
                     " occurred_at timestamptz NOT NULL, summary text NOT NULL)")
        conn.execute("CREATE INDEX ON bench_floor_contacts (case_id)")
    service = bootstrap.case_service(url)
    clerk = Actor("bench-seed", Role.CASEWORKER)
    case_ids = [str(service.open_case(f"BENCH-{i:05d}", clerk).id) for i in range(cases)]
    runner = ProjectionRunner(service, bootstrap.views(url), conninfo)
    runner.start()
    token = issue_token(SECRET, "bench", Role.CASEWORKER)
    with tempfile.NamedTemporaryFile("w", prefix="upc-bench-ids-", delete=False) as ids:
        ids.write("\n".join(case_ids) + "\n")
    env = {**os.environ, "DATABASE_URL": url, "UPC_TOKEN_SECRET": SECRET,
           "UPC_DATA_DIR": tempfile.mkdtemp(prefix="upc-bench-data-"),
           "BENCH_CONNINFO": conninfo, "PYTHONPATH": str(ROOT), "BENCH_IDS": ids.name,
           "BENCH_TOKEN": token}
    return Stack(url, conninfo, service, runner, case_ids, token, env, embedded, ids.name)


# --- the run --------------------------------------------------------------------------------

SERVERS = (("upc", "upc.asgi:app", "/api/v1", {}),
           ("floor", "api_bench:floor_app", "/floor", {"BENCH_FLOOR": "1"}))
ENDPOINTS = (("POST contact", "post_contact.lua"), ("GET case view", "get_case.lua"))


def measure(stack: Stack, workers_list: list[int], concurrencies: list[int],
            seconds: float, warmup: float = 2.0) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for workers in workers_list:
        for name, app, prefix, extra_env in SERVERS:
            env = {**stack.env, **extra_env, "BENCH_PREFIX": prefix}
            process, base = start_server(app, workers, env)
            try:
                for endpoint, script in ENDPOINTS:
                    wrk(base, script, 4, warmup, env, [process.pid])
                    for connections in concurrencies:
                        result = wrk(base, script, connections, seconds, env, [process.pid])
                        rows.append({"server": name, "workers": workers, "endpoint": endpoint,
                                     "concurrency": connections, **result})
                        print(f"  {name:<6} w={workers} c={connections:<3} {endpoint:<14}"
                              f"{result['rps']:>8} req/s  p50 {result['p50_ms']:.2f}"
                              f"  p99 {result['p99_ms']:.2f} ms  cpu/req "
                              f"{result['server_cpu_ms_per_request']} ms  non2xx "
                              f"{result['non2xx']}", flush=True)
            finally:
                stop_server(process)
    for row in rows:
        if row["server"] == "upc":
            floor = next((r for r in rows if r["server"] == "floor"
                          and r["workers"] == row["workers"]
                          and r["endpoint"] == row["endpoint"]
                          and r["concurrency"] == row["concurrency"]), None)
            if floor and floor["rps"]:
                row["ratio_to_floor"] = round(row["rps"] / floor["rps"], 3)
    return rows


def machine() -> dict[str, Any]:
    return {"cpus": os.cpu_count(), "python": platform.python_version(),
            "platform": platform.platform(), "load_average": list(os.getloadavg())}


def run(workers_list: list[int], concurrencies: list[int], seconds: float,
        cases: int = CASES) -> dict[str, Any]:
    require_wrk()
    stack = prepare(cases)
    try:
        load_before = os.getloadavg()
        rows = measure(stack, workers_list, concurrencies, seconds)
    finally:
        stack.close()
    return {"when": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {**machine(), "load_average_before": list(load_before)},
            "seconds": seconds, "cases": cases, "generator": "wrk",
            "command": "upc bench api", "results": rows}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", default="2", help="API worker counts (default 2)")
    parser.add_argument("--concurrency", default="16",
                        help="connections, comma separated (default 16)")
    parser.add_argument("--seconds", type=float, default=8.0, help="per measurement")
    parser.add_argument("--cases", type=int, default=CASES)
    args = parser.parse_args(argv)
    print(f"API bench (wrk): {args.seconds:.0f}s per measurement")
    report = run([int(w) for w in args.workers.split(",")],
                 [int(c) for c in args.concurrency.split(",")], args.seconds, args.cases)
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"api-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    print(f"written to {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
