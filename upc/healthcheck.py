"""Container healthchecks: ``python -m upc.healthcheck PART`` exits 0 when PART is healthy.

- ``api``: ``/readyz`` on ``UPC_PORT`` answers 200.
- ``projections``: every view's runner made a pass in the last ``STALE_AFTER`` seconds.
- ``worker``, ``launcher``: PostgreSQL answers and Temporal's frontend accepts a connection.

One line on stderr saying what is wrong otherwise; every check is bounded by a few seconds.
"""

from __future__ import annotations

import os
import socket
import sys
import urllib.request
from collections.abc import Sequence

import psycopg

from projections.heartbeat import STALE_AFTER, TABLE
from projections.view import VIEWS_SCHEMA
from upc.settings import psycopg_conninfo

TIMEOUT = 3


def check_api() -> None:
    port = os.environ.get("UPC_PORT", "8000")
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=TIMEOUT) as reply:
        if reply.status != 200:
            raise RuntimeError(f"/readyz answered {reply.status}")


def _database() -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(psycopg_conninfo(os.environ["DATABASE_URL"]),
                           connect_timeout=TIMEOUT, autocommit=True)


def check_projections() -> None:
    with _database() as conn:
        rows = conn.execute(f'SELECT view_name, extract(epoch FROM now() - beat_at)'
                            f' FROM "{VIEWS_SCHEMA}"."{TABLE}"').fetchall()
    stale = [f"{name} ({float(age):.0f} s)" for name, age in rows if float(age) > STALE_AFTER]
    if not rows or stale:
        raise RuntimeError(f"runner stalled: {', '.join(stale) or 'no heartbeat yet'}")


def check_temporal_part() -> None:
    with _database() as conn:
        conn.execute("SELECT 1")
    host, _, port = os.environ["TEMPORAL_ADDRESS"].rpartition(":")
    with socket.create_connection((host, int(port)), timeout=TIMEOUT):
        pass


CHECKS = {"api": check_api, "projections": check_projections,
          "worker": check_temporal_part, "launcher": check_temporal_part}


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1 or args[0] not in CHECKS:
        print(f"usage: python -m upc.healthcheck {{{','.join(CHECKS)}}}", file=sys.stderr)
        return 2
    try:
        CHECKS[args[0]]()
    except Exception as exc:  # noqa: BLE001 - one line for `docker inspect`
        print(f"{args[0]}: unhealthy: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
