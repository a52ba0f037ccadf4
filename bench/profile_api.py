"""Flame graphs of the API under wrk load: ``python bench/profile_api.py [--tag NAME]``.

Starts one upc API worker on a fresh database, drives ``POST contact`` and then
``GET case view`` with wrk (16 connections) while ``py-spy record`` samples the worker, and
writes ``bench/results/profile-<endpoint>-<tag>.svg`` (and a ``.txt`` of collapsed stacks).
py-spy comes from PyPI (``pip install py-spy``); it needs ptrace (root or CAP_SYS_PTRACE).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

import api_bench


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tag", default="now")
    parser.add_argument("--seconds", type=int, default=12)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args(argv)
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    stack = api_bench.prepare(64)
    try:
        env = {**stack.env, "BENCH_PREFIX": "/api/v1"}
        process, base = api_bench.start_server("upc.asgi:app", 1, env)
        try:
            for endpoint, script in (("post", "post_contact.lua"), ("get", "get_case.lua")):
                api_bench.wrk(base, script, 4, 2, env, [process.pid])
                out = api_bench.RESULTS / f"profile-{endpoint}-{args.tag}"
                for fmt, suffix in (("flamegraph", "svg"), ("raw", "txt")):
                    spy = subprocess.Popen([py_spy, "record", "--pid", str(process.pid),
                                            "--duration", str(args.seconds), "--rate", "100",
                                            "--nonblocking", "--format", fmt,
                                            "--output", f"{out}.{suffix}"],
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                    result = api_bench.wrk(base, script, args.connections, args.seconds + 1,
                                           env, [process.pid])
                    spy.wait()
                    print(endpoint, fmt, result, flush=True)
        finally:
            api_bench.stop_server(process)
    finally:
        stack.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
