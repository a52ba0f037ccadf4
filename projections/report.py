"""The quarterly report to the Customer Assurance Committee: anonymised counts, JSON or CSV.

No names, customer references, ids or free text; the only date is the quarter. A count
from 1 to ``threshold - 1`` (default 5) is suppressed, and where a group would let a reader
work a suppressed cell back from the total, the next smallest cell is suppressed too.

The equality breakdown compares cases with the tenant base, which an administrator
provides (``load_tenant_base``: characteristic, category, tenants). The domain records no
protected characteristics of customers yet, so case counts per category are reported as not
available; the tenant-base side is shown, aggregated and suppressed the same way.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from typing import Any

from psycopg.sql import SQL

from domain.calendar import start_of
from projections.view import View

DEFAULT_THRESHOLD = 5
QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


def quarter_bounds(quarter: str) -> tuple[date, date]:
    """``"2026-Q1"`` to its first day and the first day after it."""
    match = QUARTER.match(quarter.strip())
    if not match:
        raise ValueError(f"'{quarter}' is not a quarter; write e.g. 2026-Q1")
    year, q = int(match[1]), int(match[2])
    first = date(year, 3 * q - 2, 1)
    after = date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1)
    return first, after


SECTIONS: dict[str, str] = {
    "warnings_by_kind":
        "SELECT kind AS category, count(*) AS n FROM {w} WHERE given_at >= %(a)s"
        " AND given_at < %(b)s GROUP BY kind",
    "restrictions_by_type":
        "SELECT CASE WHEN immediate THEN 'immediate' ELSE 'decided' END AS category,"
        " count(*) AS n FROM {r} WHERE decided_at >= %(a)s AND decided_at < %(b)s GROUP BY 1",
    "restrictions_by_trigger":
        "SELECT t AS category, count(*) AS n FROM {r}, unnest(trigger) AS t"
        " WHERE decided_at >= %(a)s AND decided_at < %(b)s AND status <> 'rejected'"
        " GROUP BY t",
    "appeals_by_outcome":
        "SELECT coalesce(outcome, status) AS category, count(*) AS n FROM {a}"
        " WHERE decided_at >= %(a)s AND decided_at < %(b)s GROUP BY 1",
    "reviews_by_outcome":
        "SELECT outcome AS category, count(*) AS n FROM {rv} WHERE completed_at >= %(a)s"
        " AND completed_at < %(b)s GROUP BY outcome",
    "overdue":
        "SELECT CASE event_type WHEN 'ReviewOverdue' THEN 'reviews' ELSE 'appeals' END"
        " AS category, count(*) AS n FROM {t} WHERE event_type IN"
        " ('ReviewOverdue', 'AppealOverdue') AND occurred_at >= %(a)s"
        " AND occurred_at < %(b)s GROUP BY 1",
    "ombudsman_referrals":
        "SELECT coalesce(detail->>'stage', 'unknown') AS category, count(*) AS n FROM {t}"
        " WHERE event_type = 'OmbudsmanContacted' AND occurred_at >= %(a)s"
        " AND occurred_at < %(b)s GROUP BY 1",
    "ombudsman_matters":
        "SELECT 'closed' AS category, count(*) AS n FROM {o} WHERE closed_at >= %(a)s"
        " AND closed_at < %(b)s UNION ALL SELECT 'overdue', count(*) FROM {o}"
        " WHERE overdue_at >= %(a)s AND overdue_at < %(b)s",
}
CATEGORIES = {
    "warnings_by_kind": ("informal", "formal"),
    "restrictions_by_type": ("decided", "immediate"),
    "appeals_by_outcome": ("dismissed", "varied", "upheld", "rejected_as_late"),
    "reviews_by_outcome": ("continue", "vary", "lift"),
    "overdue": ("reviews", "appeals"),
    "ombudsman_referrals": ("enquiry", "order"),
    "ombudsman_matters": ("closed", "overdue"),
}


def suppress(counts: dict[str, int], threshold: int) -> dict[str, dict[str, Any]]:
    """Small cells hidden; a lone hidden cell takes the next smallest with it."""
    cells = {k: {"count": n, "suppressed": 0 < n < threshold} for k, n in counts.items()}
    hidden = [k for k, c in cells.items() if c["suppressed"]]
    if len(hidden) == 1:
        others = sorted((c["count"], k) for k, c in cells.items()
                        if not c["suppressed"] and c["count"] > 0)
        if others:
            cells[others[0][1]]["suppressed"] = True
    for cell in cells.values():
        if cell["suppressed"]:
            cell["count"] = None
    return cells


def committee_report(case_view: View, timeline_view: View, quarter: str, *,
                     threshold: int = DEFAULT_THRESHOLD) -> dict[str, Any]:
    """The anonymised counts of POLICY.md "Reporting" for one quarter (``"2026-Q1"``)."""
    first, after = quarter_bounds(quarter)
    params = {"a": start_of(first), "b": start_of(after)}
    tables = {"w": case_view.table("case_warning"), "r": case_view.table("case_restriction"),
              "a": case_view.table("case_appeal"), "rv": case_view.table("case_review"),
              "o": case_view.table("case_ombudsman"),
              "t": timeline_view.table("case_timeline")}
    sections: dict[str, Any] = {}
    with case_view.datastore.transaction(commit=False) as curs:
        for name, text in SECTIONS.items():
            curs.execute(SQL(text).format(**tables), params)
            counts = {c: 0 for c in CATEGORIES.get(name, ())}
            counts.update({row["category"]: int(row["n"]) for row in curs.fetchall()})
            sections[name] = suppress(counts, threshold)
    return {
        "quarter": quarter, "period": {"from_month": first.strftime("%Y-%m"),
                                       "to_month": (after - timedelta(days=1)).strftime("%Y-%m")},
        "suppression_threshold": threshold, "sections": sections,
        "equality": equality_breakdown(case_view, threshold),
    }


# --- equality against the tenant base ----------------------------------------------------

def _tenant_base_table(view: View) -> Any:
    return view.table("tenant_base")


def load_tenant_base(view: View, csv_text: str) -> int:
    """Replace the tenant base with a CSV of ``characteristic,category,tenants`` rows."""
    rows = [(r["characteristic"].strip(), r["category"].strip(), int(r["tenants"]))
            for r in csv.DictReader(io.StringIO(csv_text))]
    with view.datastore.transaction(commit=True) as curs:
        curs.execute(SQL("CREATE TABLE IF NOT EXISTS {0} (characteristic text NOT NULL,"
                         " category text NOT NULL, tenants integer NOT NULL CHECK (tenants >= 0),"
                         " PRIMARY KEY (characteristic, category))").format(
                             _tenant_base_table(view)))
        curs.execute(SQL("DELETE FROM {0}").format(_tenant_base_table(view)))
        curs.executemany(SQL("INSERT INTO {0} VALUES (%s, %s, %s)").format(
            _tenant_base_table(view)), rows)
    return len(rows)


def equality_breakdown(view: View, threshold: int) -> dict[str, Any]:
    with view.datastore.transaction(commit=False) as curs:
        curs.execute("SELECT to_regclass(%s) IS NOT NULL AS present",
                     (f"{view.schema}.tenant_base",))
        present = curs.fetchone()
        rows = []
        if present and present["present"]:
            curs.execute(SQL("SELECT characteristic, category, tenants FROM {0}"
                             " ORDER BY characteristic, category").format(
                                 _tenant_base_table(view)))
            rows = curs.fetchall()
    out: dict[str, Any] = {}
    for row in rows:
        out.setdefault(row["characteristic"], {})[row["category"]] = row["tenants"]
    return {
        "tenant_base_provided": bool(rows),
        "case_counts_available": False,
        "note": "The service records no protected characteristics of customers yet; only the "
                "tenant base is shown.",
        "characteristics": {
            name: {category: {"tenants": cell, "cases": None}
                   for category, cell in suppress(counts, threshold).items()}
            for name, counts in out.items()},
    }


def report_csv(report: dict[str, Any]) -> str:
    """The report as CSV: section, category, count (empty when suppressed), suppressed."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["quarter", "section", "category", "count", "suppressed"])
    for section, cells in report["sections"].items():
        for category, cell in cells.items():
            writer.writerow([report["quarter"], section, category,
                             "" if cell["count"] is None else cell["count"],
                             "yes" if cell["suppressed"] else "no"])
    for characteristic, cells in report["equality"]["characteristics"].items():
        for category, cell in cells.items():
            tenants = cell["tenants"]
            writer.writerow([report["quarter"], f"tenant_base:{characteristic}", category,
                             "" if tenants["count"] is None else tenants["count"],
                             "yes" if tenants["suppressed"] else "no"])
    return buffer.getvalue()
