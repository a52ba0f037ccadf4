"""``upc bench all [--quick]``: the whole benchmark suite, one JSON file and PNG plots.

1. **api**: ``POST`` contact and ``GET`` case view against their raw floors (bare FastAPI,
   same workers, same PostgreSQL, one psycopg statement), with ``wrk`` at each concurrency
   (1, 4, 16, 64): req/s, p50/p95/p99, server CPU per request (``bench/api_bench.py``);
2. **history**: command latency on a case with 10 events and one with 5,000, with the case
   cache (the default) and without it (every command replays the case);
3. **catch_up**: the case view rebuilt from position 0 at growing history sizes (events/s);
4. **lag**: the projection runner live while contacts are written at a steady rate: the
   time from each write's commit until every view has it, over time;
5. **launcher** (not with ``--quick``): ``bench/launcher_bench.py``.

Writes ``bench/results/all-<time>.json`` and ``bench/results/all-<time>-*.png``. ``--quick``
takes about two minutes; ``--smoke`` a few seconds (CI: it proves the suite still runs, it
asserts no timings).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import api_bench

PROFILES: dict[str, dict[str, Any]] = {
    "smoke": {"workers": [1], "concurrency": [1, 4], "seconds": 1, "history": [10, 200],
              "commands": 10, "catch_up_cases": [20, 60], "lag_seconds": 2, "lag_rate": 50,
              "launcher": False},
    "quick": {"workers": [2], "concurrency": [1, 4, 16, 64], "seconds": 3,
              "history": [10, 5000], "commands": 40, "catch_up_cases": [200, 600, 1200],
              "lag_seconds": 10, "lag_rate": 200, "launcher": False},
    "full": {"workers": [2], "concurrency": [1, 4, 16, 64], "seconds": 10,
             "history": [10, 1000, 5000], "commands": 200,
             "catch_up_cases": [1000, 5000, 20000], "lag_seconds": 30, "lag_rate": 200,
             "launcher": True},
}


def pct(values: list[float], q: float) -> float | None:
    ordered = sorted(values)
    if not ordered:
        return None
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3)


# --- command latency against history length ----------------------------------------------

def history(stack: api_bench.Stack, lengths: list[int], commands: int) -> list[dict[str, Any]]:
    """Contacts recorded one after another on cases of each length, cache on and off."""
    from domain.actors import Actor, Role
    from domain.case import Case, Stamp
    from upc import bootstrap

    clerk = Actor("bench-history", Role.CASEWORKER)
    writer = bootstrap.case_service(stack.url)
    cases: dict[int, Any] = {}
    for length in lengths:
        now = datetime.now(UTC)
        case = Case.open(uuid.uuid4(), f"HIST-{length}-{uuid.uuid4().hex[:6]}",
                         Stamp(clerk, now, now, None))
        while case.version < length:
            case.record_contact(uuid.uuid4(), "phone", "inbound", "An earlier call.",
                                Stamp(clerk, now, now, None))
            if len(case.pending_events) >= 400:
                writer.save(case)
        writer.save(case)
        cases[length] = case.id
    writer.close()
    rows = []
    for cached in (True, False):
        env_size = None if cached else "0"
        service = _service(stack.url, env_size)
        for length, case_id in cases.items():
            latencies = []
            service.record_contact(case_id, clerk, channel="phone", direction="inbound",
                                   occurred_at=datetime.now(UTC), summary="warm-up")
            for _ in range(commands if cached else max(3, commands // 8)):
                started = time.perf_counter()
                service.record_contact(case_id, clerk, channel="phone", direction="inbound",
                                       occurred_at=datetime.now(UTC), summary="Called again.")
                latencies.append(1000 * (time.perf_counter() - started))
            rows.append({"events": length, "case_cache": cached, "commands": len(latencies),
                         "p50_ms": pct(latencies, 0.5), "p99_ms": pct(latencies, 0.99),
                         "mean_ms": round(statistics.fmean(latencies), 3)})
            print(f"  history {length:>5} events, cache {'on ' if cached else 'off'}: "
                  f"p50 {rows[-1]['p50_ms']} ms  p99 {rows[-1]['p99_ms']} ms", flush=True)
        service.close()
    return rows


def _service(url: str, cache_size: str | None) -> Any:
    from domain.application import CaseService
    from upc import group_commit
    from upc.settings import eventsourcing_env

    env = {**eventsourcing_env(url), "CREATE_TABLE": "false",
           "APPLICATION_RECORDER_TOPIC": group_commit.TOPIC}
    if cache_size is not None:
        env["UPC_CASE_CACHE_SIZE"] = cache_size
    return CaseService(env=env)


# --- projections: catch-up against history size, lag during a write burst ----------------

def catch_up(sizes: list[int]) -> list[dict[str, Any]]:
    """Seed lifecycles up to each size (cumulative); rebuild the case view from 0 each time."""
    import projections_bench

    from projections.registry import VIEW_CLASSES, construct_view
    from projections.runner import ViewFollower
    from upc import bootstrap
    from upc.settings import eventsourcing_env

    url, embedded = api_bench.database(os.environ.get("DATABASE_URL"))
    rows = []
    try:
        bootstrap.migrate(url)
        env = eventsourcing_env(url)
        app = projections_bench.simulation_service(env)
        seeded = 0
        for cases in sizes:
            projections_bench.seed(app, cases - seeded, first_case=seeded)
            seeded = cases
            view_class = next(c for c in VIEW_CLASSES if c.view_name == "case_view")
            view = construct_view(view_class, env)
            view.drop()
            view.datastore.close()
            view = construct_view(view_class, env)
            started = time.perf_counter()
            applied = ViewFollower(app, view).catch_up()
            seconds = time.perf_counter() - started
            view.datastore.close()
            rows.append({"cases": cases, "events": applied, "seconds": round(seconds, 2),
                         "events_per_second": round(applied / seconds)})
            print(f"  catch-up case view: {applied} events in {seconds:.1f}s = "
                  f"{rows[-1]['events_per_second']} events/s", flush=True)
        app.close()
    finally:
        api_bench.drop_database(url)
        if embedded is not None:
            embedded.stop()
    return rows


def lag(stack: api_bench.Stack, seconds: float, rate: float) -> dict[str, Any]:
    """Contacts at ``rate``/s through the application; per write, commit -> in every view."""
    from domain.actors import Actor, Role

    clerk = Actor("bench-lag", Role.CASEWORKER)
    service = _service(stack.url, None)
    views = list(stack.runner.views) if hasattr(stack.runner, "views") else []
    samples: list[tuple[float, float]] = []
    done = threading.Event()
    pending: list[tuple[float, int]] = []
    lock = threading.Lock()

    def watch() -> None:
        import psycopg

        with psycopg.connect(stack.conninfo, autocommit=True) as conn:
            while not (done.is_set() and not pending):
                seen = min(_tracked(conn, name) for name in _view_names(views))
                now = time.perf_counter()
                with lock:
                    while pending and pending[0][1] <= seen:
                        written, _ = pending.pop(0)
                        samples.append((written - begin, 1000 * (now - written)))
                time.sleep(0.002)

    begin = time.perf_counter()
    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    writers = 4  # each at rate/writers, so one slow commit does not hold the schedule back
    counts = [0] * writers

    def write(n: int) -> None:
        interval = writers / rate
        next_at = begin + n / rate
        while time.perf_counter() - begin < seconds:
            time.sleep(max(0.0, next_at - time.perf_counter()))
            next_at += interval
            count = counts[n] = counts[n] + 1
            case_id = uuid.UUID(stack.case_ids[(count * writers + n) % len(stack.case_ids)])
            command_id = f"lag-{n}-{count}"
            service.record_contact(case_id, clerk, channel="phone", direction="inbound",
                                   occurred_at=datetime.now(UTC), summary="A burst of calls.",
                                   command_id=command_id)
            recorded = service.recorded_by(case_id, command_id) or []
            if recorded:
                with lock:
                    pending.append((time.perf_counter(), recorded[-1][1]))
                    pending.sort(key=lambda p: p[1])

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    count = sum(counts)
    achieved = count / (time.perf_counter() - begin)
    done.set()
    watcher.join(timeout=30)
    service.close()
    lags = [s[1] for s in samples]
    return {"rate_target": rate, "rate_achieved": round(achieved, 1), "writes": count,
            "p50_ms": pct(lags, 0.5), "p99_ms": pct(lags, 0.99), "max_ms": pct(lags, 1.0),
            "series": [[round(t, 3), round(v, 2)] for t, v in samples]}


def _view_names(views: list[Any]) -> list[str]:
    return [v.view_name for v in views] or ["case_view", "contact_rules", "case_timeline"]


def _tracked(conn: Any, view_name: str) -> int:
    from projections.view import VIEWS_SCHEMA

    row = conn.execute(f'SELECT max(notification_id) FROM "{VIEWS_SCHEMA}"."{view_name}'
                       '_tracking"').fetchone()
    return int(row[0] or 0)


# --- plots -----------------------------------------------------------------------------------

def plots(report: dict[str, Any], stem: Path) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    written = []
    api = report.get("api", [])
    if api:
        fig, axes = plt.subplots(2, 2, figsize=(12, 8))
        for column, endpoint in enumerate(("POST contact", "GET case view")):
            for server, style in (("upc", "-o"), ("floor", "--s")):
                rows = sorted((r for r in api if r["endpoint"] == endpoint
                               and r["server"] == server), key=lambda r: r["concurrency"])
                xs = [r["concurrency"] for r in rows]
                axes[0][column].plot(xs, [r["rps"] for r in rows], style, label=server)
                for q, shade in (("p50_ms", 0.4), ("p95_ms", 0.7), ("p99_ms", 1.0)):
                    axes[1][column].plot(xs, [r[q] for r in rows], style, alpha=shade,
                                         label=f"{server} {q[:3]}")
            axes[0][column].set_title(f"{endpoint}: throughput")
            axes[0][column].set_ylabel("requests/s")
            axes[1][column].set_title(f"{endpoint}: latency")
            axes[1][column].set_ylabel("ms")
            axes[1][column].set_yscale("log")
            for ax in (axes[0][column], axes[1][column]):
                ax.set_xscale("log", base=2)
                ax.set_xlabel("concurrent connections (wrk)")
                ax.legend(fontsize=7)
        fig.tight_layout()
        written.append(_save(fig, stem, "api"))
    if report.get("history"):
        fig, ax = plt.subplots(figsize=(7, 4.5))
        for cached, style in ((True, "-o"), (False, "--s")):
            rows = [r for r in report["history"] if r["case_cache"] is cached]
            ax.plot([r["events"] for r in rows], [r["p50_ms"] for r in rows], style,
                    label=f"p50, case cache {'on' if cached else 'off'}")
            ax.plot([r["events"] for r in rows], [r["p99_ms"] for r in rows], style, alpha=0.5,
                    label=f"p99, case cache {'on' if cached else 'off'}")
        ax.set_xscale("log")
        ax.set_xlabel("events already on the case")
        ax.set_ylabel("record contact latency (ms)")
        ax.set_title("Command latency against case history")
        ax.legend(fontsize=8)
        fig.tight_layout()
        written.append(_save(fig, stem, "history"))
    if report.get("catch_up"):
        fig, ax = plt.subplots(figsize=(7, 4.5))
        rows = report["catch_up"]
        ax.plot([r["events"] for r in rows], [r["events_per_second"] for r in rows], "-o")
        ax.axhline(20000, linestyle=":", color="grey", label="target 20,000 events/s")
        ax.set_xlabel("events in the log")
        ax.set_ylabel("case view catch-up (events/s)")
        ax.set_title("Catch-up rate against history size")
        ax.legend(fontsize=8)
        fig.tight_layout()
        written.append(_save(fig, stem, "catch_up"))
    if report.get("lag", {}).get("series"):
        fig, ax = plt.subplots(figsize=(9, 4.5))
        series = report["lag"]["series"]
        ax.plot([s[0] for s in series], [s[1] for s in series], ".", markersize=3)
        ax.axhline(100, linestyle=":", color="grey", label="target p99 100 ms")
        ax.set_xlabel("seconds into the burst")
        ax.set_ylabel("commit -> in every view (ms)")
        ax.set_title(f"Projection lag at {report['lag']['rate_achieved']} writes/s")
        ax.legend(fontsize=8)
        fig.tight_layout()
        written.append(_save(fig, stem, "lag"))
    return written


def _save(fig: Any, stem: Path, name: str) -> str:
    import matplotlib.pyplot as plt

    path = stem.parent / f"{stem.name}-{name}.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return str(path.relative_to(ROOT))


# --- the run ---------------------------------------------------------------------------------

def run(profile_name: str) -> dict[str, Any]:
    profile = PROFILES[profile_name]
    api_bench.require_wrk()
    started = time.monotonic()
    report: dict[str, Any] = {
        "command": "upc bench all" + ("" if profile_name == "full" else f" --{profile_name}"),
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": api_bench.machine(), "profile": profile}
    print("api: upc and floor under wrk …", flush=True)
    stack = api_bench.prepare(api_bench.CASES if profile_name != "smoke" else 16)
    try:
        report["api"] = api_bench.measure(stack, profile["workers"], profile["concurrency"],
                                          profile["seconds"],
                                          warmup=1 if profile_name == "smoke" else 2)
        print("history: command latency against case length …", flush=True)
        report["history"] = history(stack, profile["history"], profile["commands"])
        print("lag: projection runner live during a write burst …", flush=True)
        report["lag"] = lag(stack, profile["lag_seconds"], profile["lag_rate"])
    finally:
        stack.close()
    print("catch-up: case view rebuilt at growing history sizes …", flush=True)
    report["catch_up"] = catch_up(profile["catch_up_cases"])
    if profile["launcher"]:
        import asyncio

        import launcher_bench

        print("launcher …", flush=True)
        report["launcher"] = asyncio.run(launcher_bench.run(300, 20,
                                                            os.environ.get("DATABASE_URL")))
    report["machine"]["load_average_after"] = list(os.getloadavg())
    report["seconds"] = round(time.monotonic() - started, 1)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="about two minutes")
    parser.add_argument("--smoke", action="store_true", help="seconds: proves it runs")
    parser.add_argument("--output", type=Path, default=api_bench.RESULTS,
                        help="directory for the JSON and plots (default bench/results)")
    args = parser.parse_args(argv)
    profile = "smoke" if args.smoke else "quick" if args.quick else "full"
    report = run(profile)
    args.output.mkdir(parents=True, exist_ok=True)
    stem = args.output.resolve() / f"all-{datetime.now(UTC):%Y%m%dT%H%M%SZ}"
    report["plots"] = plots(report, stem)
    path = stem.with_suffix(".json")
    path.write_text(json.dumps(report, indent=2) + "\n")
    print(summary(report))
    print(f"written {path}")
    for plot in report["plots"]:
        print(f"plot {plot}")
    return 0


def summary(report: dict[str, Any]) -> str:
    lines = []
    for row in report.get("api", []):
        if row["server"] == "upc":
            lines.append(f"{row['endpoint']:<14} c={row['concurrency']:<3} {row['rps']:>8} req/s"
                         f" = {row.get('ratio_to_floor')} x floor, p99 {row['p99_ms']} ms")
    for row in report.get("history", []):
        lines.append(f"history {row['events']:>5} events cache {row['case_cache']}: "
                     f"p50 {row['p50_ms']} ms")
    for row in report.get("catch_up", []):
        lines.append(f"catch-up {row['events']} events: {row['events_per_second']} events/s")
    if report.get("lag"):
        lag_ = report["lag"]
        lines.append(f"lag at {lag_['rate_achieved']} writes/s: p50 {lag_['p50_ms']} ms,"
                     f" p99 {lag_['p99_ms']} ms")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
