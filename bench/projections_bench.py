"""``upc bench projections``: seed realistic lifecycles, then measure the views.

Prints and saves (``bench/results/projections-<time>.json``): seeding rate; projection
catch-up rate per view and overall (the runner in its own process, as ``upc projections``);
case view and contact-rules lookup p50/p99; each audit check's time; live lag p50/p99 while
writes flow; the runner's peak memory. Uses ``DATABASE_URL`` when set (a fresh database on
that server), else an embedded PostgreSQL in a temporary directory.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.simulation import Lifecycle, simulation_service  # noqa: E402
from projections.view import VIEWS_SCHEMA  # noqa: E402
from upc.settings import eventsourcing_env, psycopg_conninfo  # noqa: E402

SAVE_EVENTS = 400  # events per insert: the store's pipelined insert stalls on very large ones


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3) if ordered else 0.0


def progress_bar() -> Any:
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                               TimeElapsedColumn, TimeRemainingColumn)

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), TimeRemainingColumn())


# --- seeding ------------------------------------------------------------------------------

def sized(life: Lifecycle, target: int) -> Any:
    """``life``'s steps, cut at ``target`` events, or padded to it with contacts (the most
    common event) when the story ends sooner: ``--events-per-case`` sets the mean."""
    steps = life.run()
    for _ in steps:
        yield
        if life.case is not None and life.case.version >= target:
            return
    restricted = any(r.in_force for r in life.case.restrictions.values()) if life.case else False
    while life.case is not None and life.case.version < target:
        life.end = max(life.end, life.t + timedelta(days=3))  # padding may run past "now"
        before = life.case.version
        for _ in life.contacts(1, restricted=restricted):
            yield
            if life.case.version >= target:
                return
        if life.case.version == before:
            return


def seed(app: Any, cases: int, events_per_case: int = 20,
         chunk: int = 2000, first_case: int = 0) -> dict[str, Any]:
    """Lifecycles interleaved like live traffic: each chunk of cases advances a few events
    per case per round, and every round is saved in inserts of ~SAVE_EVENTS events. Each
    case's length is drawn uniformly around ``events_per_case`` (half to one and a half)."""
    rng = random.Random(20260101)
    end = datetime.now(UTC)
    events = 0
    started = time.perf_counter()
    with progress_bar() as bar:
        task = bar.add_task("seed cases", total=cases)
        for first in range(first_case, first_case + cases, chunk):
            lives = [Lifecycle(rng, f"B-{i:07d}", end - timedelta(days=rng.uniform(30, 720)),
                               end, violations=0.02)
                     for i in range(first, min(first_case + cases, first + chunk))]
            mean = max(2, events_per_case)
            running = [(life, sized(life, rng.randint(max(2, mean // 2), mean + mean // 2)))
                       for life in lives]
            while running:
                still = []
                for life, steps in running:
                    for _ in range(rng.randint(1, 4)):
                        if next(steps, StopIteration) is StopIteration:
                            break
                    else:
                        still.append((life, steps))
                pending = [life.case for life, _ in running if life.case is not None
                           and life.case.pending_events]
                batch: list[Any] = []
                size = 0
                for case in pending:
                    batch.append(case)
                    size += len(case.pending_events)
                    if size >= SAVE_EVENTS:
                        app.save(*batch)
                        events += size
                        batch, size = [], 0
                if batch:
                    app.save(*batch)
                    events += size
                finished = len(running) - len(still)
                bar.advance(task, finished)
                running = still
    seconds = time.perf_counter() - started
    return {"cases": cases, "events": events, "events_per_case": round(events / cases, 1),
            "seconds": round(seconds, 1), "events_per_second": round(events / seconds)}


# --- the runner, in its own process ------------------------------------------------------

class Channel:
    """JSON lines over the child's stdin/stdout."""

    def __init__(self, reader: Any, writer: Any) -> None:
        self.reader, self.writer = reader, writer

    def send(self, value: Any) -> None:
        self.writer.write(json.dumps(value) + "\n")
        self.writer.flush()

    def recv(self) -> Any:
        line = self.reader.readline()
        if not line:
            raise EOFError("the runner process ended")
        return json.loads(line)


def runner_process(url: str, conn: Any, baseline: bool) -> None:
    from projections.registry import VIEW_CLASSES, construct_view
    from projections.runner import ProjectionRunner, SharedFollower, ViewFollower

    env = eventsourcing_env(url)
    app = simulation_service(env)
    views = [construct_view(cls, env) for cls in VIEW_CLASSES]
    head = app.recorder.max_notification_id() or 0
    catch_up: dict[str, Any] = {}
    if baseline:
        # The same views fed the way the runner used to: a follower per view, each reading
        # and decoding the log for itself. Then dropped, so the shared read starts from 0.
        per_view: dict[str, Any] = {}
        started_all = time.perf_counter()
        for view in views:
            started = time.perf_counter()
            applied = ViewFollower(app, view).catch_up()
            seconds = time.perf_counter() - started
            per_view[view.view_name] = {"events": applied, "seconds": round(seconds, 1),
                                        "events_per_second": round(applied / seconds)}
        total = time.perf_counter() - started_all
        per_view["all_views"] = {"log_positions": head, "seconds": round(total, 1),
                                 "log_positions_per_second": round(head / total)}
        catch_up["baseline_follower_per_view"] = per_view
        for view in views:
            view.drop()
            view.datastore.close()
        views = [construct_view(cls, env) for cls in VIEW_CLASSES]
    # The case view alone first (its own rate), then the other views from one shared read.
    case_view = next(v for v in views if v.view_name == "case_view")
    started = time.perf_counter()
    applied = ViewFollower(app, case_view).catch_up()
    seconds = time.perf_counter() - started
    catch_up["case_view"] = {"events": applied, "seconds": round(seconds, 1),
                             "events_per_second": round(applied / seconds)}
    for view in views:
        view.drop()
        view.datastore.close()
    views = [construct_view(cls, env) for cls in VIEW_CLASSES]
    shared = SharedFollower(app, views)
    started = time.perf_counter()
    shared.catch_up()
    total = time.perf_counter() - started
    shared.close()
    catch_up["all_views_shared_read"] = {"log_positions": head, "seconds": round(total, 1),
                                         "log_positions_per_second": round(head / total)}
    if baseline:
        before = catch_up["baseline_follower_per_view"]
        catch_up["speedup_vs_baseline"] = {
            "case_view": round(catch_up["case_view"]["events_per_second"]
                               / before["case_view"]["events_per_second"], 2),
            "all_views": round(before["all_views"]["seconds"] / total, 2)}
    conn.send(catch_up)
    runner = ProjectionRunner(app, views, psycopg_conninfo(url), poll_interval=0.5)
    runner.start()
    conn.send("live")
    conn.recv()  # stop
    runner.stop()
    conn.send({"peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                                    1)})


# --- measurements -------------------------------------------------------------------------

def lookups(url: str, samples: int = 2000) -> dict[str, Any]:
    from projections import queries
    from projections.registry import construct_view, view_class_named

    env = {**eventsourcing_env(url), "CREATE_TABLE": "false"}
    case_view = construct_view(view_class_named("case_view"), env)
    rules_view = construct_view(view_class_named("contact_rules"), env)
    with psycopg.connect(url) as conn:
        rows = conn.execute(f'SELECT case_id FROM "{VIEWS_SCHEMA}".case_view'
                            " TABLESAMPLE SYSTEM (10) LIMIT %s", (samples,)).fetchall()
    out: dict[str, Any] = {}
    for name, call in (("case_view", lambda r: queries.case_detail(case_view, r[0])),
                       ("contact_rules", lambda r: queries.contact_rules(rules_view, r[0]))):
        timings = []
        for row in rows[:50]:
            call(row)  # warm the pool and the prepared statements
        for row in rows:
            started = time.perf_counter()
            call(row)
            timings.append((time.perf_counter() - started) * 1000)
        out[name] = {"samples": len(rows), "p50_ms": pct(timings, 0.5),
                     "p99_ms": pct(timings, 0.99)}
    # The same lookups timed inside the server (EXPLAIN ANALYZE), i.e. "at the database".
    with psycopg.connect(url) as conn:
        for name, sql, key in (
                ("case_view", f'SELECT * FROM "{VIEWS_SCHEMA}".case_view WHERE case_id = %s', 0),
                ("contact_rules",
                 f'SELECT * FROM "{VIEWS_SCHEMA}".contact_rules WHERE case_id = %s', 0)):
            server = []
            for row in rows[:500]:
                plan = conn.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql,
                                    (row[key],)).fetchone()[0][0]
                server.append(plan["Execution Time"] + plan.get("Planning Time", 0))
            out[name]["server_p50_ms"] = pct(server, 0.5)
            out[name]["server_p99_ms"] = pct(server, 0.99)
    case_view.datastore.close()
    rules_view.datastore.close()
    return out


def audits(url: str) -> dict[str, Any]:
    from projections import audit
    from projections.registry import construct_view, view_class_named

    view = construct_view(view_class_named("case_view"),
                          {**eventsourcing_env(url), "CREATE_TABLE": "false"})
    out = {}
    for check in audit.CHECKS:
        audit.run_check(view, check.name, limit=100)
        started = time.perf_counter()
        page = audit.run_check(view, check.name, limit=100)
        first_page = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        count = audit.count_check(view, check.name)
        counted = (time.perf_counter() - started) * 1000
        out[check.name] = {"first_page_ms": round(first_page, 1), "count": count,
                           "count_ms": round(counted, 1), "returned": len(page["items"])}
    view.datastore.close()
    return out


def live_lag(app: Any, url: str, seconds: float, rate: float) -> dict[str, Any]:
    """Write contacts at ``rate`` events/s; for each, time until every view has it."""
    from domain.case import Case

    with psycopg.connect(url, autocommit=True) as conn:
        refs = [r[0] for r in conn.execute(
            f'SELECT case_id FROM "{VIEWS_SCHEMA}".case_view WHERE status <> %s LIMIT 500',
            ("closed",)).fetchall()]
        tracking = [f'"{VIEWS_SCHEMA}"."{name}_tracking"'
                    for name in ("case_view", "contact_rules", "case_timeline")]
        lags: list[float] = []
        deadline = time.monotonic() + seconds
        rng = random.Random(5)
        while time.monotonic() < deadline:
            cycle = time.monotonic()
            case = app.repository.get(rng.choice(refs))
            case.trigger_event(Case.ContactRecorded, actor_id="cw-1", actor_role="caseworker",
                               occurred_at=datetime.now(UTC), recorded_at=datetime.now(UTC),
                               command_id=None, contact_id=uuid.uuid4(), channel="phone",
                               direction="inbound", summary=_personal(case))
            recordings = app.save(case)
            position = recordings[-1].notification.id
            written = time.perf_counter()
            while True:
                seen = min(conn.execute(f"SELECT max(notification_id) FROM {t}"
                                        " WHERE application_name = %s",
                                        (app.name,)).fetchone()[0] or 0 for t in tracking)
                if seen >= position:
                    break
                time.sleep(0.002)
            lags.append((time.perf_counter() - written) * 1000)
            time.sleep(max(0.0, 1 / rate - (time.monotonic() - cycle)))
    return {"writes": len(lags), "rate_per_second": rate, "p50_ms": pct(lags, 0.5),
            "p99_ms": pct(lags, 0.99), "max_ms": pct(lags, 1.0)}


def _personal(case: Any) -> Any:
    from domain.personal import PersonalData

    return PersonalData(str(case.id), "benchmark contact")


# --- main ---------------------------------------------------------------------------------

def database(settings: Any) -> tuple[str, Any]:
    name = f"upc_bench_{uuid.uuid4().hex[:8]}"
    if settings.database_url:
        server = settings.database_url
        stop = None
    else:
        from upc.embedded import EmbeddedPostgres

        embedded = EmbeddedPostgres(Path(tempfile.mkdtemp(prefix="upc-bench-pg-")) / "pg")
        server = embedded.start(dbname="postgres")
        stop = embedded.stop
    with psycopg.connect(psycopg_conninfo(server), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(server)
    return urlunsplit(parts._replace(path=f"/{name}")), stop


def main(settings: Any, args: argparse.Namespace) -> int:
    url, stop = database(settings)
    try:
        with psycopg.connect(psycopg_conninfo(url), autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{VIEWS_SCHEMA}"')
        env = eventsourcing_env(url)
        app = simulation_service(env)
        from projections.registry import VIEW_CLASSES, construct_view

        for cls in VIEW_CLASSES:
            construct_view(cls, env).datastore.close()
        events_per_case = getattr(args, "events_per_case", 20)
        args.baseline = getattr(args, "baseline", args.cases <= 20_000)
        results: dict[str, Any] = {
            "command": f"upc bench projections --cases {args.cases}"
                       f" --events-per-case {events_per_case}",
            "started": datetime.now(UTC).isoformat(),
            "baseline": "a follower per view, same code, same database, same run"
                        if args.baseline else None}
        print(f"seeding {args.cases} cases …")
        results["seed"] = seeded = seed(app, args.cases, events_per_case)
        print(json.dumps(seeded))
        with psycopg.connect(psycopg_conninfo(url), autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
        import subprocess

        process = subprocess.Popen([sys.executable, __file__, "--runner", url,
                                    "--baseline" if args.baseline else "--no-baseline"],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        parent = Channel(process.stdout, process.stdin)
        print("projection catch-up (runner process) …")
        results["catch_up"] = parent.recv()
        print(json.dumps(results["catch_up"]))
        assert parent.recv() == "live"
        with psycopg.connect(psycopg_conninfo(url), autocommit=True) as conn:
            conn.execute(f'ANALYZE')
        results["lookups"] = lookups(psycopg_conninfo(url))
        print(json.dumps(results["lookups"]))
        results["audits"] = audits(psycopg_conninfo(url))
        print(json.dumps(results["audits"]))
        print("live lag while writes flow …")
        results["live_lag"] = live_lag(app, psycopg_conninfo(url), seconds=30, rate=50)
        print(json.dumps(results["live_lag"]))
        parent.send("stop")
        results["runner"] = parent.recv()
        process.wait(30)
        print(json.dumps(results["runner"]))
        app.close()
        out = ROOT / "bench" / "results" / (
            f"projections-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.json")
        out.write_text(json.dumps(results, indent=2))
        print(f"saved {out}")
        return 0
    finally:
        if stop:
            stop()


if __name__ == "__main__" and sys.argv[1:2] == ["--runner"]:
    import logging

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    runner_process(sys.argv[2], Channel(sys.stdin, sys.stdout), sys.argv[3:4] == ["--baseline"])
