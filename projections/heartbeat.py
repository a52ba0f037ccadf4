"""Runner heartbeats: when each view's runner last made a pass, where readiness can see it.

The runner records ``(view_name, beat_at, position)`` in ``upc_views.runner_heartbeat`` as it
works (at most every ``BEAT_EVERY`` seconds, so catch-up pays nothing for it). ``/readyz``
reads the table: a view whose runner has not passed for ``STALE_AFTER`` seconds is stalled
(a stuck database call, a dead process, a lost supervisor), even when nothing is being
written and its lag therefore looks like zero.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from typing import Any

from psycopg.sql import SQL, Composable

log = logging.getLogger("upc.projections")

TABLE = "runner_heartbeat"
BEAT_EVERY = 2.0
STALE_AFTER = 30.0


def table_ddl(view: Any) -> Composable:
    return SQL("CREATE TABLE IF NOT EXISTS {0} (view_name text PRIMARY KEY,"
               " beat_at timestamptz NOT NULL, position bigint NOT NULL, host text NOT NULL,"
               " pid integer NOT NULL)").format(view.table(TABLE))


class Heart:
    """Beats for one view; never raises (a missing table or a failed write is logged)."""

    def __init__(self, view: Any, every: float = BEAT_EVERY) -> None:
        self.view = view
        self.every = every
        self.last = float("-inf")
        self.host = socket.gethostname()[:200]
        self.pid = os.getpid()

    def beat(self, position: int, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last < self.every:
            return
        self.last = now
        try:
            with self.view.datastore.transaction(commit=True) as curs:
                curs.execute(SQL(
                    "INSERT INTO {0} (view_name, beat_at, position, host, pid)"
                    " VALUES (%s, now(), %s, %s, %s) ON CONFLICT (view_name) DO UPDATE SET"
                    " beat_at = EXCLUDED.beat_at, position = EXCLUDED.position,"
                    " host = EXCLUDED.host, pid = EXCLUDED.pid").format(
                        self.view.table(TABLE)),
                    (self.view.view_name, position, self.host, self.pid), prepare=True)
        except Exception:  # noqa: BLE001 - supervision must not stop the view it watches
            log.warning("view %s: could not record the runner heartbeat",
                        self.view.view_name, exc_info=True)


def heartbeats(view: Any) -> dict[str, dict[str, Any]]:
    """Every view's last runner pass: ``seconds_since_pass`` (by the database's clock),
    ``position``, ``host``, ``pid``. Empty when no runner ever beat."""
    with view.datastore.transaction(commit=False) as curs:
        curs.execute("SELECT to_regclass(%s) IS NOT NULL AS present",
                     (f'"{view.schema}"."{TABLE}"',))
        row = curs.fetchone()
        if not row or not row["present"]:
            return {}
        curs.execute(SQL("SELECT view_name, extract(epoch FROM now() - beat_at)::float8"
                         " AS seconds, position, host, pid FROM {0}").format(view.table(TABLE)))
        return {r["view_name"]: {"seconds_since_pass": round(max(r["seconds"], 0.0), 3),
                                 "position": r["position"], "host": r["host"],
                                 "pid": r["pid"]} for r in curs.fetchall()}
