"""Compliance audit queries, for auditors.

Each check has a stable name, a one-line description and SQL over the case view's tables;
every result row points at a case (``case_id``) and at the event that shows the problem
(``event_version``: the case's event version; the timeline and the event history use it).
The first five are POLICY.md's must-be-empty checks; the rest are quality checks. The
decision trail (who decided what and why) is ``domain.trail.decision_trail`` over the events
as the application reads them: views keep no reasons, and the runner never opens them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from psycopg.sql import SQL

from projections.queries import Page, _page, today
from projections.view import View


@dataclass(frozen=True)
class AuditCheck:
    name: str
    description: str
    must_be_empty: bool
    select: str  # {r}, {a}, {n}, {v}, {c}, {w}, {rv}, {d}: the case view's tables
    order: tuple[str, ...]
    params: Callable[[date], list[Any]]


TABLES = {"r": "case_restriction", "a": "case_appeal", "n": "case_notice", "v": "case_view",
          "c": "case_contact", "rv": "case_review", "d": "case_decision"}

CHECKS: tuple[AuditCheck, ...] = (
    AuditCheck(
        "restriction_without_current_vulnerability_assessment",
        "A restriction in force while the vulnerability assessment is missing or older than "
        "the latest vulnerability information.", True,
        "SELECT * FROM (SELECT r.case_id, r.restriction_id,"
        " coalesce(r.decided_version, r.proposed_version) AS event_version, r.status,"
        " v.vulnerability_assessment AS assessment FROM {r} r JOIN {v} v USING (case_id)"
        " WHERE r.status IN ('active', 'awaiting_ratification')"
        " AND v.vulnerability_assessment IN ('missing', 'stale')) q",
        ("case_id", "restriction_id"), lambda d: []),
    AuditCheck(
        "appeal_decided_by_involved_person",
        "An appeal decided by someone who proposed, approved, ratified or reviewed the "
        "restriction, or who is the subject of the customer's counter-allegation.", True,
        "SELECT * FROM (SELECT a.case_id, a.appeal_id, a.restriction_id,"
        " a.decided_version AS event_version, a.decider FROM {a} a"
        " WHERE a.status = 'decided' AND a.decider_involved) q",
        ("case_id", "appeal_id"), lambda d: []),
    AuditCheck(
        "restriction_past_review_date_without_review",
        "An active restriction whose review date has passed with no review recorded.", True,
        "SELECT * FROM (SELECT r.case_id, r.restriction_id,"
        " r.review_set_version AS event_version, r.review_date,"
        " (%s::date - r.review_date) AS days_past FROM {r} r"
        " WHERE r.status = 'active' AND r.review_date < %s::date) q",
        ("case_id", "restriction_id"), lambda d: [d, d]),
    AuditCheck(
        "lift_without_notice",
        "A restriction lifted or expired whose lift notice is unsent past its dispatch date "
        "(or the case was closed without it).", True,
        "SELECT * FROM (SELECT r.case_id, r.restriction_id, r.ended_version AS event_version,"
        " r.status, n.notice_id, n.due_on FROM {r} r JOIN {n} n ON n.notice_id = r.lift_notice_id"
        " JOIN {v} v ON v.case_id = r.case_id WHERE r.status IN ('lifted', 'expired')"
        " AND n.sent_at IS NULL AND (n.due_on < %s::date OR n.overdue"
        " OR v.status = 'closed')) q",
        ("case_id", "restriction_id"), lambda d: [d]),
    AuditCheck(
        "restriction_review_date_missing_or_beyond_maximum",
        "An active restriction with no review date, or a review date beyond the maximum "
        "after the decision that set it.", True,
        "SELECT * FROM (SELECT r.case_id, r.restriction_id,"
        " coalesce(r.review_set_version, r.decided_version) AS event_version, r.review_date,"
        " r.review_max_on FROM {r} r WHERE r.status = 'active'"
        " AND (r.review_date IS NULL OR r.review_date > r.review_max_on)) q",
        ("case_id", "restriction_id"), lambda d: []),
    AuditCheck(
        "review_done_late",
        "A review completed after the review date it was due on.", False,
        "SELECT * FROM (SELECT rv.case_id, rv.restriction_id, rv.version AS event_version,"
        " rv.due_date, (rv.completed_at AT TIME ZONE 'Europe/London')::date AS done_on"
        " FROM {rv} rv WHERE rv.late) q",
        ("case_id", "event_version"), lambda d: []),
    AuditCheck(
        "appeal_decided_late",
        "An appeal decided after its decision due date (or after it was escalated as "
        "overdue).", False,
        "SELECT * FROM (SELECT a.case_id, a.appeal_id, a.decided_version AS event_version,"
        " a.decision_due_on, (a.decided_at AT TIME ZONE 'Europe/London')::date AS decided_on"
        " FROM {a} a WHERE a.status = 'decided' AND (a.overdue OR"
        " (a.decided_at AT TIME ZONE 'Europe/London')::date > a.decision_due_on)) q",
        ("case_id", "appeal_id"), lambda d: []),
    AuditCheck(
        "restriction_without_evidence",
        "A restriction proposed or imposed without referencing any recorded incident or "
        "contact.", False,
        "SELECT * FROM (SELECT r.case_id, r.restriction_id,"
        " r.proposed_version AS event_version, r.status FROM {r} r"
        " WHERE r.evidence_count = 0) q",
        ("case_id", "restriction_id"), lambda d: []),
    AuditCheck(
        "decision_despite_open_service_failure_without_reason",
        "A formal warning, a restriction approved, or a review continuing or varying a "
        "restriction while the legitimate-issue check had found an unresolved service "
        "failure, with no recorded reason why the behaviour justifies acting.", False,
        "SELECT * FROM (SELECT d.case_id, d.version AS event_version, d.event_type,"
        " d.actor_id, d.occurred_at FROM {d} d WHERE d.open_service_failure"
        " AND NOT d.justification_recorded"
        " AND d.event_type IN ('WarningGiven', 'RestrictionApproved', 'ReviewCompleted')) q",
        ("case_id", "event_version"), lambda d: []),
    AuditCheck(
        "restricted_contact_not_triaged_in_time",
        "A contact received while a restriction was in force that was not classified within "
        "the triage period (policy setting ``contact_triage_period`` with the case's "
        "override, in force when the contact was recorded).", False,
        "SELECT * FROM (SELECT c.case_id, c.contact_id, c.version AS event_version,"
        " c.recorded_at, c.triage_due_on, c.triaged_at FROM {c} c WHERE c.while_restricted"
        " AND ((c.triage IS NULL AND c.triage_due_on < %s::date)"
        " OR (c.triaged_at AT TIME ZONE 'Europe/London')::date > c.triage_due_on)) q",
        ("case_id", "contact_id"), lambda d: [d]),
    AuditCheck(
        "late_appeal_within_a_variation_window",
        "An appeal recorded as late although it was received within the appeal window of a "
        "variation notice (a review that varied the restriction, an extension) sent before "
        "it: each variation opens a fresh window, so it was likely recorded against the "
        "wrong notice.", False,
        "SELECT * FROM (SELECT a.case_id, a.appeal_id, a.restriction_id,"
        " a.lodged_version AS event_version, a.status,"
        " max(n.appeal_window_closes_on) AS variation_window_closes_on FROM {a} a"
        " JOIN {n} n ON n.about = a.restriction_id AND n.kind = 'variation'"
        " AND n.sent_at <= a.received_at"
        " AND (a.received_at AT TIME ZONE 'Europe/London')::date <= n.appeal_window_closes_on"
        " WHERE a.late GROUP BY a.case_id, a.appeal_id, a.restriction_id, a.lodged_version,"
        " a.status) q",
        ("case_id", "appeal_id"), lambda d: []),
)
CHECKS_BY_NAME = {c.name: c for c in CHECKS}


def audit_checks() -> list[dict[str, Any]]:
    """Name, description and whether POLICY.md says it must always be empty."""
    return [{"name": c.name, "description": c.description, "must_be_empty": c.must_be_empty}
            for c in CHECKS]


def run_check(case_view: View, name: str, *, as_of: date | None = None,
              cursor: str | None = None,
              limit: int = 100) -> Page:
    """The rows a check finds (``case_id``, ``event_version`` and the check's ids), paged.
    ``as_of`` is the UK date the check is judged on (default today)."""
    check = CHECKS_BY_NAME.get(name)
    if check is None:
        raise KeyError(f"unknown audit check '{name}'; known: {', '.join(CHECKS_BY_NAME)}")
    page = _page(case_view, check.select, [], check.params(as_of or today()),
                 [f"q.{c}" for c in check.order], cursor, limit, TABLES)
    return {"check": name, "description": check.description, **page}


def run_all(case_view: View, *, as_of: date | None = None,
            limit: int = 100
            ) -> list[dict[str, Any]]:
    """Every check: its first ``limit`` findings, a count, and how long it took (ms)."""
    out = []
    for check in CHECKS:
        started = time.perf_counter()
        page = run_check(case_view, check.name, as_of=as_of, limit=limit)
        out.append({**page, "must_be_empty": check.must_be_empty,
                    "count": len(page["items"]) if page["next_cursor"] is None else None,
                    "elapsed_ms": round((time.perf_counter() - started) * 1000, 2)})
    return out


def count_check(case_view: View, name: str, *, as_of: date | None = None,
                ) -> int:
    check = CHECKS_BY_NAME[name]
    query = SQL("SELECT count(*) AS n FROM (" + check.select + ") counted").format(
        **{k: case_view.table(v) for k, v in TABLES.items()})
    with case_view.datastore.transaction(commit=False) as curs:
        curs.execute(query, check.params(as_of or today()))
        row = curs.fetchone()
    return int(row["n"]) if row else 0

