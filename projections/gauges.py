"""Numbers an operator watches, read from the views at scrape time (counts only).

``queue_sizes``: open items and overdue items of each work queue that has a deadline, with the
same conditions as the queues in ``projections.queries`` (today in Europe/London).
"""

from __future__ import annotations

from typing import Any

from projections.queries import today
from projections.view import VIEWS_SCHEMA

#: queue -> (table alias, open condition, overdue condition); ``%(day)s`` is today.
QUEUE_COUNTS: dict[str, tuple[str, str, str]] = {
    "reviews": ("case_restriction r", "r.status = 'active' AND r.review_date <= %(day)s",
                "(r.review_overdue OR r.review_overdue_on < %(day)s)"),
    "appeals": ("case_appeal a", "a.status IN ('lodged', 'late_awaiting_decision')",
                "(a.overdue OR a.decision_due_on < %(day)s)"),
    "ratifications": ("case_restriction r", "r.status = 'awaiting_ratification'",
                      "(r.ratification_overdue OR r.ratification_due_on < %(day)s)"),
    "notices": ("case_notice n", "n.sent_at IS NULL", "(n.overdue OR n.due_on < %(day)s)"),
    "subject_access": ("case_subject_access s", "s.fulfilled_at IS NULL",
                       "(s.overdue OR s.due_on < %(day)s)"),
}


def queue_sizes(conn: Any) -> dict[str, tuple[int, int]]:
    """queue -> (open, overdue)."""
    parts = [f"SELECT '{name}', count(*), count(*) FILTER (WHERE {overdue})"
             f" FROM {VIEWS_SCHEMA}.{table} WHERE {where}"
             for name, (table, where, overdue) in QUEUE_COUNTS.items()]
    rows = conn.execute(" UNION ALL ".join(parts), {"day": today()}).fetchall()
    return {str(r[0]): (int(r[1]), int(r[2])) for r in rows}


def tracked_position(conn: Any, table: str, app_name: str, schema: str = "public") -> int:
    """A tracking table's position (0 when the table or the row is missing)."""
    present = conn.execute("SELECT to_regclass(%s)", (f"{schema}.{table}",)).fetchone()
    if not present or present[0] is None:
        return 0
    row = conn.execute(f'SELECT max(notification_id) FROM "{schema}"."{table}"'
                       " WHERE application_name = %s", (app_name,)).fetchone()
    return int(row[0] or 0) if row else 0
