"""The quarterly report to the Customer Assurance Committee: anonymised counts, JSON or CSV.

No names, customer references, ids or free text; the only date is the quarter. A count
from 1 to ``threshold - 1`` (default 5) is suppressed, and where a group would let a reader
work a suppressed cell back from the total, the next smallest cell is suppressed too.

The equality breakdown compares the customers the policy was used on in the quarter (a
warning given or a restriction decided) with the tenant base, which an administrator provides
(``load_tenant_base``: characteristic, category, tenants, in the codes of
``domain.equality.QUESTIONS``). The customers' answers are special-category data: no view
holds them. The caller opens them from the event log at report time
(``CaseService.equality_answers``) and passes them in; only the suppressed counts leave this
module. A customer who gave no answer, withdrew consent or was erased counts as
``not_recorded``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from psycopg.sql import SQL

from domain.calendar import start_of
from domain.vocabulary import RemedyKind
from domain.equality import NOT_RECORDED, QUESTIONS, categories
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
    "ombudsman_remedies_ordered":
        "SELECT kind AS category, count(*) AS n FROM {m} WHERE ordered_at >= %(a)s"
        " AND ordered_at < %(b)s GROUP BY kind",
    "ombudsman_remedies":
        "SELECT CASE WHEN overdue OR (completed_at AT TIME ZONE 'Europe/London')::date"
        " > due_on THEN 'completed_late' ELSE 'completed_on_time' END AS category,"
        " count(*) AS n FROM {m} WHERE completed_at >= %(a)s AND completed_at < %(b)s"
        " GROUP BY 1 UNION ALL SELECT 'escalated_overdue', count(*) FROM {m}"
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
    "ombudsman_remedies_ordered": tuple(k.value for k in RemedyKind),
    "ombudsman_remedies": ("completed_on_time", "completed_late", "escalated_overdue"),
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
                     threshold: int = DEFAULT_THRESHOLD,
                     equality_answers: Mapping[UUID, Mapping[str, str]] | None = None
                     ) -> dict[str, Any]:
    """The anonymised counts of POLICY.md "Reporting" for one quarter (``"2026-Q1"``).

    ``equality_answers``: each consenting customer's answers by case id (opened by the
    caller at report time); None leaves the equality case counts out."""
    first, after = quarter_bounds(quarter)
    params = {"a": start_of(first), "b": start_of(after)}
    tables = {"w": case_view.table("case_warning"), "r": case_view.table("case_restriction"),
              "a": case_view.table("case_appeal"), "rv": case_view.table("case_review"),
              "o": case_view.table("case_ombudsman"), "m": case_view.table("case_remedy"),
              "t": timeline_view.table("case_timeline")}
    sections: dict[str, Any] = {}
    with case_view.datastore.transaction(commit=False) as curs:
        for name, text in SECTIONS.items():
            curs.execute(SQL(text).format(**tables), params)
            counts = {c: 0 for c in CATEGORIES.get(name, ())}
            counts.update({row["category"]: int(row["n"]) for row in curs.fetchall()})
            sections[name] = suppress(counts, threshold)
        curs.execute(SQL(IN_SCOPE).format(**tables), params)
        in_scope = [row["case_id"] for row in curs.fetchall()]
    cases = None if equality_answers is None else equality_counts(in_scope, equality_answers)
    return {
        "quarter": quarter, "period": {"from_month": first.strftime("%Y-%m"),
                                       "to_month": (after - timedelta(days=1)).strftime("%Y-%m")},
        "suppression_threshold": threshold, "sections": sections,
        "equality": equality_breakdown(case_view, threshold, cases),
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


# The customers the policy was used on in the quarter: the equality breakdown's population.
IN_SCOPE = ("SELECT case_id FROM {w} WHERE given_at >= %(a)s AND given_at < %(b)s UNION"
            " SELECT case_id FROM {r} WHERE decided_at >= %(a)s AND decided_at < %(b)s"
            " AND status <> 'rejected'")


def equality_counts(case_ids: list[UUID], answers: Mapping[UUID, Mapping[str, str]]
                    ) -> dict[str, dict[str, int]]:
    """Per question, how many of these cases gave each answer (``not_recorded``: none)."""
    counts = {q: dict.fromkeys(categories(q), 0) for q in QUESTIONS}
    for case_id in case_ids:
        given = answers.get(case_id, {})
        for question, cells in counts.items():
            cells[given.get(question, NOT_RECORDED)] += 1
    return counts


def equality_breakdown(view: View, threshold: int,
                       cases: dict[str, dict[str, int]] | None = None) -> dict[str, Any]:
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
    tenants = {name: suppress(counts, threshold) for name, counts in out.items()}
    shown = {name: suppress(counts, threshold) for name, counts in (cases or {}).items()}
    characteristics: dict[str, Any] = {}
    for name in [*QUESTIONS, *(n for n in tenants if n not in QUESTIONS)]:
        if name not in tenants and name not in shown:
            continue
        names = [*tenants.get(name, {}), *(c for c in shown.get(name, {})
                                           if c not in tenants.get(name, {}))]
        characteristics[name] = {
            category: {"tenants": tenants.get(name, {}).get(category),
                       "cases": shown.get(name, {}).get(category)} for category in names}
    return {
        "tenant_base_provided": bool(rows),
        "case_counts_available": cases is not None,
        "note": ("Cases: customers with a warning given or a restriction decided in the "
                 "quarter, by their own equality monitoring answers (given with separate "
                 "consent); not_recorded: no answer, consent withdrawn, or erased. Cells "
                 f"under {threshold} are suppressed.") if cases is not None else
                "Case counts were not requested; only the tenant base is shown.",
        "characteristics": characteristics,
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
        for side in ("tenants", "cases"):
            label = "tenant_base" if side == "tenants" else "cases"
            for category, cell in cells.items():
                shown = cell[side]
                if shown is None:
                    continue
                writer.writerow([report["quarter"], f"{label}:{characteristic}", category,
                                 "" if shown["count"] is None else shown["count"],
                                 "yes" if shown["suppressed"] else "no"])
    return buffer.getvalue()
