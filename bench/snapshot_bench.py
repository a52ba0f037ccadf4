"""The first command on an uncached long case, with and without snapshots, in one run.

A fresh database; one case of ``--events`` events (contacts) written with snapshots every
``--interval`` events up to ``--events - --tail`` and the last ``--tail`` without, so the
latest snapshot is ``--tail`` events behind, as after a restart in the middle of a case's
life. Then, alternately for ``--rounds`` rounds, a new ``CaseService`` (an empty case cache,
as after a restart or in another API worker) with snapshots off (``UPC_SNAPSHOT_INTERVAL=0``:
full replay) and on, timing its first ``record_contact`` and a ``get_case``. Prints the
medians and writes ``bench/results/snapshots-<time>.json``.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test python bench/snapshot_bench.py
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import api_bench


def service(url: str, interval: int) -> Any:
    from domain.application import CaseService
    from upc import group_commit
    from upc.settings import eventsourcing_env

    return CaseService(env={**eventsourcing_env(url), "CREATE_TABLE": "false",
                            "APPLICATION_RECORDER_TOPIC": group_commit.TOPIC,
                            "UPC_SNAPSHOT_INTERVAL": str(interval)})


def seed(url: str, events: int, tail: int, interval: int) -> uuid.UUID:
    from domain.actors import Actor, Role
    from domain.case import Case, Stamp

    clerk = Actor("bench-snapshots", Role.CASEWORKER)
    now = datetime.now(UTC)
    case = Case.open(uuid.uuid4(), f"SNAP-{uuid.uuid4().hex[:8]}", Stamp(clerk, now, now, None))
    for target, writer in ((events - tail, service(url, interval)), (events, service(url, 0))):
        while case.version < target:
            case.record_contact(uuid.uuid4(), "phone", "inbound", "An earlier call.",
                                Stamp(clerk, now, now, None))
            if case.version % interval == 0 or case.version == target:
                writer.save(case)
        writer.close()
    return case.id


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--tail", type=int, default=150)
    parser.add_argument("--interval", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    from domain.actors import Actor, Role
    from upc import bootstrap

    url, _ = api_bench.database(os.environ.get("DATABASE_URL"))
    try:
        bootstrap.migrate(url)
        case_id = seed(url, args.events, args.tail, args.interval)
        clerk = Actor("bench-snapshots", Role.CASEWORKER)
        times: dict[str, dict[str, list[float]]] = {
            "off": {"command_ms": [], "get_case_ms": []},
            "on": {"command_ms": [], "get_case_ms": []}}
        load_before = os.getloadavg()
        for _ in range(args.rounds):
            for mode, interval in (("off", 0), ("on", args.interval)):
                app = service(url, interval)
                app.policy_values()  # connections and settings warm, the case not
                started = time.perf_counter()
                app.record_contact(case_id, clerk, channel="phone", direction="inbound",
                                   occurred_at=datetime.now(UTC), summary="Called again.")
                times[mode]["command_ms"].append(1000 * (time.perf_counter() - started))
                started = time.perf_counter()
                app.get_case(case_id)
                times[mode]["get_case_ms"].append(1000 * (time.perf_counter() - started))
                app.close()
        result = {
            "at": datetime.now(UTC).isoformat(timespec="seconds"), "events": args.events,
            "interval": args.interval, "rounds": args.rounds,
            "loadavg_before": load_before, "loadavg_after": os.getloadavg(),
            **{f"{mode}_{k}": [round(x, 1) for x in v]
               for mode, parts in times.items() for k, v in parts.items()},
            **{f"{mode}_{k}_median": round(statistics.median(v), 1)
               for mode, parts in times.items() for k, v in parts.items()}}
        for mode in ("off", "on"):
            print(f"snapshots {mode:>3}: first command p50 "
                  f"{result[f'{mode}_command_ms_median']} ms, get_case p50 "
                  f"{result[f'{mode}_get_case_ms_median']} ms "
                  f"(runs {result[f'{mode}_command_ms']})")
        out = Path(__file__).resolve().parent / "results" / (
            f"snapshots-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json")
        out.write_text(json.dumps(result, indent=2) + "\n")
        print(f"wrote {out}")
    finally:
        api_bench.drop_database(url)


if __name__ == "__main__":
    main()
