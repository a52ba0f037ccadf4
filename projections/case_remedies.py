"""The case view's table of Ombudsman remedies: one row per remedy a determination ordered
(kind, due date, done, escalated), for the remedies work queue and the committee report."""

from __future__ import annotations

TABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "case_remedy": (("remedy_id",), (
        "remedy_id", "case_id", "matter_id", "kind", "ordered_at", "ordered_version",
        "due_on", "completed_at", "completed_version", "overdue", "overdue_at")),
}
DDL = {
    "case_remedy": """
        remedy_id uuid PRIMARY KEY, case_id uuid NOT NULL, matter_id uuid NOT NULL,
        kind text NOT NULL, ordered_at timestamptz NOT NULL, ordered_version integer NOT NULL,
        due_on date NOT NULL, completed_at timestamptz, completed_version integer,
        overdue boolean NOT NULL, overdue_at timestamptz""",
}
INDEXES = [
    ("case_remedy", "case_id", None),
    ("case_remedy", "due_on", "completed_at IS NULL"),
    ("case_remedy", "ordered_at", None),
]
