"""Reconcile the views with the event store: counts and per-case versions.

For each view, up to the position it has tracked, every case's latest version among the
events the view reads must equal the version its rows carry (``case_timeline``: one row per
event, so its count must match too). Lag (events after the tracked position) is reported
apart: a live runner closes it on its own; a view row behind its own position does not heal.

The last reconcile run's summary is kept in ``upc_views.reconcile_runs`` (ids and counts
only, never personal data) for ``/readyz`` and the metrics.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

import psycopg
from psycopg.sql import SQL, Identifier

from projections.timeline import case_event_topics
from projections.view import VIEWS_SCHEMA, View

RUNS_TABLE = "reconcile_runs"
#: At most this many drifting cases are listed per view (the counts are always exact).
LISTED = 50

#: view name -> (table with a case_id and a version column, rows are one per event?)
CHECKED: dict[str, tuple[str, bool]] = {
    "case_view": ("case_view", False),
    "contact_rules": ("contact_rules", False),
    "case_timeline": ("case_timeline", True),
}


@dataclass
class ViewDrift:
    view: str
    position: int
    lag: int
    cases_expected: int
    cases_found: int
    rows_expected: int | None = None
    rows_found: int | None = None
    #: (case_id, expected version or None, found version or None)
    drifting: list[tuple[str, int | None, int | None]] = field(default_factory=list)
    drifting_total: int = 0
    repaired: str | None = None

    @property
    def drift(self) -> bool:
        return bool(self.drifting_total) or self.rows_expected != self.rows_found


def check_view(conn: psycopg.Connection[Any], view: View, events_table: str,
               head: int, app_name: str) -> ViewDrift:
    table, per_event = CHECKED[view.view_name]
    position = view.max_tracking_id(app_name) or 0
    topics = sorted(set(view.topics or case_event_topics()) & set(case_event_topics()))
    rows = SQL("{0}.{1}").format(Identifier(view.schema), Identifier(table))
    events = SQL("public.{0}").format(Identifier(events_table))
    expected = SQL("SELECT originator_id AS case_id, max(originator_version) AS version,"
                   " count(*) AS n FROM {0} WHERE topic = ANY(%(topics)s)"
                   " AND notification_id <= %(position)s GROUP BY 1").format(events)
    found = SQL("SELECT case_id, max(version) AS version, count(*) AS n FROM {0}"
                " GROUP BY 1").format(rows)
    query = SQL("WITH e AS ({0}), f AS ({1}) SELECT coalesce(e.case_id, f.case_id)::text,"
                " e.version, f.version, e.n, f.n FROM e FULL JOIN f USING (case_id)"
                ).format(expected, found)
    report = ViewDrift(view.view_name, position, max(head - position, 0), 0, 0)
    rows_expected = rows_found = 0
    for case_id, want, got, n_want, n_got in conn.execute(
            query, {"topics": topics, "position": position}):
        report.cases_expected += want is not None
        report.cases_found += got is not None
        rows_expected += n_want or 0
        rows_found += n_got or 0
        if want != got:
            report.drifting_total += 1
            if len(report.drifting) < LISTED:
                report.drifting.append((case_id, want, got))
    if per_event:
        report.rows_expected, report.rows_found = rows_expected, rows_found
    return report


def check_views(conninfo: str, views: list[View], events_table: str, head: int,
                app_name: str) -> list[ViewDrift]:
    with psycopg.connect(conninfo, autocommit=True) as conn:
        # One snapshot for every view (REPEATABLE READ): the counts agree with each other.
        conn.autocommit = False
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        try:
            return [check_view(conn, v, events_table, head, app_name) for v in views
                    if v.view_name in CHECKED]
        finally:
            conn.rollback()


# --- the record of runs -----------------------------------------------------------------

def create_runs_table(conn: psycopg.Connection[Any]) -> None:
    conn.execute(SQL("CREATE TABLE IF NOT EXISTS {0}.{1} (id bigserial PRIMARY KEY,"
                     " ran_at timestamptz NOT NULL DEFAULT now(), drift integer NOT NULL,"
                     " repaired integer NOT NULL, report jsonb NOT NULL)").format(
        Identifier(VIEWS_SCHEMA), Identifier(RUNS_TABLE)))


def record_run(conninfo: str, drift: int, repaired: int, report: dict[str, Any]) -> None:
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(SQL("INSERT INTO {0}.{1} (drift, repaired, report) VALUES (%s, %s, %s)")
                     .format(Identifier(VIEWS_SCHEMA), Identifier(RUNS_TABLE)),
                     (drift, repaired, json.dumps(report, default=str)))


def last_run(conn: Any) -> dict[str, Any] | None:
    """The last run: ``ran_at``, ``seconds_ago``, ``drift``, ``repaired`` (None: never ran)."""
    present = conn.execute("SELECT to_regclass(%s) IS NOT NULL",
                           (f"{VIEWS_SCHEMA}.{RUNS_TABLE}",)).fetchone()
    if not present or not present[0]:
        return None
    row = conn.execute(SQL("SELECT ran_at, extract(epoch FROM now() - ran_at)::float8, drift,"
                           " repaired FROM {0}.{1} ORDER BY id DESC LIMIT 1").format(
        Identifier(VIEWS_SCHEMA), Identifier(RUNS_TABLE))).fetchone()
    if row is None:
        return None
    return {"ran_at": row[0].isoformat(), "seconds_ago": round(row[1], 1), "drift": row[2],
            "repaired": row[3]}


def as_dict(drift: ViewDrift) -> dict[str, Any]:
    return asdict(drift)
