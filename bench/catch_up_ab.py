"""Case-view catch-up A/B: seed once, then catch the case view up from zero with each tree.

``python bench/catch_up_ab.py --cases 500 TREE[:BATCH] [TREE[:BATCH] ...]``: seeds a fresh database (on
``DATABASE_URL``), then for each tree runs a child process with that tree on ``PYTHONPATH``
that drops the case view, rebuilds it with ``ViewFollower`` and prints events/s and the
child's CPU seconds. Trees alternate (``--rounds``) so both see the same machine load.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, os, resource, sys, time
from projections.registry import construct_view
from projections.case_view import CaseView
from projections.runner import ViewFollower
from bench.simulation import simulation_service
from upc.settings import eventsourcing_env
env = eventsourcing_env(sys.argv[1])
app = simulation_service(env)
view = construct_view(CaseView, env)
view.drop(); view.datastore.close()
view = construct_view(CaseView, env)
cpu = resource.getrusage(resource.RUSAGE_SELF)
started = time.perf_counter()
kw = {'batch_size': int(os.environ['AB_BATCH'])} if os.environ.get('AB_BATCH') else {}
applied = ViewFollower(app, view, **kw).catch_up()
seconds = time.perf_counter() - started
after = resource.getrusage(resource.RUSAGE_SELF)
with view.datastore.transaction(commit=False) as curs:
    curs.execute("SELECT md5(string_agg(t::text, '|' ORDER BY case_id)) AS h"
                 " FROM upc_views.case_view t")
    digest = curs.fetchone()["h"]
print(json.dumps({"events": applied, "seconds": round(seconds, 2),
                  "events_per_second": round(applied / seconds),
                  "cpu_seconds": round(after.ru_utime + after.ru_stime
                                       - cpu.ru_utime - cpu.ru_stime, 2),
                  "case_view_md5": digest}))
"""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("trees", nargs="+")
    parser.add_argument("--cases", type=int, default=500)
    parser.add_argument("--events-per-case", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    import psycopg

    from bench.projections_bench import database, seed
    from bench.simulation import simulation_service
    from projections.view import VIEWS_SCHEMA
    from upc.settings import eventsourcing_env, load_settings, psycopg_conninfo

    url, stop = database(load_settings())
    try:
        with psycopg.connect(psycopg_conninfo(url), autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{VIEWS_SCHEMA}"')
        app = simulation_service(eventsourcing_env(url))
        print(json.dumps(seed(app, args.cases, args.events_per_case)), flush=True)
        app.close()
        with psycopg.connect(psycopg_conninfo(url), autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
        for round_ in range(args.rounds):
            for spec in args.trees:
                tree, _, batch = spec.partition(":")  # TREE[:BATCH_SIZE]
                env = {**os.environ, "PYTHONPATH": tree, "AB_BATCH": batch}
                out = subprocess.run([sys.executable, "-c", CHILD, url], env=env, cwd=tree,
                                     capture_output=True, text=True, check=False)
                line = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else out.stderr
                print(json.dumps({"round": round_, "tree": spec,
                                  "load": os.getloadavg()[0]}), line, flush=True)
        return 0
    finally:
        if stop:
            stop()
        else:  # a database on a shared server: drop it
            from urllib.parse import urlsplit, urlunsplit

            parts = urlsplit(url)
            server = urlunsplit(parts._replace(path="/postgres"))
            with psycopg.connect(psycopg_conninfo(server), autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}"')


if __name__ == "__main__":
    raise SystemExit(main())
