"""Query functions over the views, for the API: plain dicts, keyset (cursor) pagination.

Every list returns ``{"items": [...], "next_cursor": str | None}``; pass ``next_cursor`` back
as ``cursor`` for the next page. Cursors are opaque. Dates are UK calendar dates; ``as_of``
defaults to today in the UK. Values are ``UUID``, ``date``, ``datetime``, ``str``, ``int``,
``bool`` and JSON objects, ready for pydantic models.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

from psycopg.sql import SQL, Composable

from domain.calendar import uk_date
from projections.contact_rules import contact_rules  # noqa: F401  (the query API's home)
from projections.view import View

Page = dict[str, Any]
DEFAULT_LIMIT = 50
MAX_LIMIT = 500


def today() -> date:
    return uk_date(datetime.now(UTC))


def encode_cursor(values: list[Any]) -> str:
    raw = json.dumps([v.isoformat() if isinstance(v, (date, datetime)) else
                      str(v) if isinstance(v, UUID) else v for v in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError) as exc:
        raise ValueError("invalid cursor") from exc
    if not isinstance(values, list):
        raise ValueError("invalid cursor")
    return values


def _limit(limit: int) -> int:
    return max(1, min(int(limit), MAX_LIMIT))


def _page(view: View, select: str, where: list[str], params: list[Any],
          order: list[str], cursor: str | None, limit: int,
          tables: dict[str, str]) -> Page:
    """Run ``select`` with keyset pagination over the ``order`` columns (ascending)."""
    limit = _limit(limit)
    where = list(where)
    params = list(params)
    if cursor:
        values = decode_cursor(cursor)
        if len(values) != len(order):
            raise ValueError("invalid cursor")
        where.append("(" + ", ".join(order) + ") > (" + ", ".join(["%s"] * len(order)) + ")")
        params.extend(values)
    text = select + (" WHERE " + " AND ".join(where) if where else "") \
        + " ORDER BY " + ", ".join(order) + f" LIMIT {limit + 1}"
    query: Composable = SQL(text).format(**{k: view.table(v) for k, v in tables.items()})
    with view.datastore.cursor() as curs:
        curs.execute(query, params)
        rows = [dict(r) for r in curs.fetchall()]
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = encode_cursor([last[c.split(".")[-1]] for c in order])
    return {"items": rows, "next_cursor": next_cursor}


# --- the case view ------------------------------------------------------------------------

CASE_COLUMNS = (
    "v.case_id, v.status, v.stage, v.version, v.opened_at, v.opened_by,"
    " v.owner, v.contacts_total, v.last_contact_at, v.updated_at, v.restricted,"
    " v.appeal_open, v.next_review_date, v.next_due_on, v.current_restriction,"
    " v.current_appeal, v.warnings, v.flags, v.closed_at, v.retain_until")


def case_detail(case_view: View, case_id: UUID, as_of: datetime | None = None
                ) -> dict[str, Any] | None:
    """One case: status and stage, current restriction and terms, next review, open appeal
    and deadlines, warnings, flags (vulnerability assessment current/stale/missing/declined,
    open service failure, ...), contacts in the last 7/30/90 days, last contact, owner.
    No personal data and no free text. None if there is no such case."""
    moment = as_of or datetime.now(UTC)
    query = SQL(
        "SELECT " + CASE_COLUMNS + ","
        " count(c.contact_id) FILTER (WHERE c.occurred_at > %(t)s - interval '7 days')"
        "   AS contacts_7d,"
        " count(c.contact_id) FILTER (WHERE c.occurred_at > %(t)s - interval '30 days')"
        "   AS contacts_30d,"
        " count(c.contact_id) AS contacts_90d"
        " FROM {v} v LEFT JOIN {c} c ON c.case_id = v.case_id"
        "  AND c.occurred_at > %(t)s - interval '90 days' AND c.occurred_at <= %(t)s"
        " WHERE v.case_id = %(id)s GROUP BY v.case_id").format(
            v=case_view.table("case_view"), c=case_view.table("case_contact"))
    with case_view.datastore.cursor() as curs:
        curs.execute(query, {"t": moment, "id": case_id}, prepare=True)
        row = curs.fetchone()
    return dict(row) if row else None


def list_cases(case_view: View, *, status: str | None = None, stage: str | None = None,
               owner: str | None = None, restricted: bool | None = None,
               case_id: UUID | None = None,
               review_due_by: date | None = None, due_by: date | None = None,
               cursor: str | None = None, limit: int = DEFAULT_LIMIT) -> Page:
    """Cases filtered by status (``open``/``closed``), stage (``restricted``,
    ``immediate_restriction``, ``formal_warning``, ...: ``case_fold.Stage``), owner,
    restricted, case id, next review on or before ``review_due_by``, or anything due (review,
    ratification, appeal decision, notice) on or before ``due_by``. Ordered by the date
    filtered on, else by case id."""
    where: list[str] = []
    params: list[Any] = []
    for column, value in (("status", status), ("stage", stage), ("owner", owner),
                          ("restricted", restricted), ("case_id", case_id)):
        if value is not None:
            where.append(f"v.{column} = %s")
            params.append(value)
    order = ["v.case_id"]
    if review_due_by is not None:
        where.append("v.next_review_date <= %s")
        params.append(review_due_by)
        order = ["v.next_review_date", "v.case_id"]
    if due_by is not None:
        where.append("v.next_due_on <= %s")
        params.append(due_by)
        order = ["v.next_due_on", "v.case_id"]
    return _page(case_view, "SELECT " + CASE_COLUMNS + " FROM {v} v", where, params, order,
                 cursor, limit, {"v": "case_view"})


# --- the timeline ---------------------------------------------------------------------------

def case_timeline(timeline_view: View, case_id: UUID, *, cursor: str | None = None,
                  limit: int = DEFAULT_LIMIT) -> Page:
    """A case's events in order: version, position, type, occurred/recorded at, actor id and
    role, and coded details (ids, kinds, outcomes, dates; never reasons or notes)."""
    return _page(timeline_view,
                 "SELECT case_id, version, position, event_type, occurred_at, recorded_at,"
                 " actor_id, actor_role, detail FROM {t}", ["case_id = %s"], [case_id],
                 ["version"], cursor, limit, {"t": "case_timeline"})


# --- contact rules -------------------------------------------------------------------------

# --- work queues -----------------------------------------------------------------------------

def reviews_due(case_view: View, *, as_of: date | None = None, within_days: int = 0,
                overdue_only: bool = False, cursor: str | None = None,
                limit: int = DEFAULT_LIMIT) -> Page:
    """Active restrictions whose review date is on or before ``as_of + within_days``;
    ``overdue`` once past the review-overdue escalation date (or escalated by the clock)."""
    day = as_of or today()
    where = ["r.status = 'active'", "r.review_date <= %s"]
    params: list[Any] = [day + timedelta(days=within_days)]
    if overdue_only:
        where.append("(r.review_overdue OR r.review_overdue_on < %s)")
        params.append(day)
    return _queue(case_view, "reviews", day, where, params, cursor, limit)


def _queue(case_view: View, which: str, day: date, where: list[str], params: list[Any],
           cursor: str | None, limit: int) -> Page:
    select, order, tables = QUEUES[which]
    return _page(case_view, select.replace("%(day)s", "%s"), where,
                 [day] * select.count("%(day)s") + params, order, cursor, limit,
                 {**tables, "v": "case_view"})


# Every queue row carries its case's owner (``v``, the case's row); the API adds the
# customer reference for the roles that see it (opened from the events: no view holds it).
QUEUES: dict[str, tuple[str, list[str], dict[str, str]]] = {
    "reviews": (
        "SELECT r.case_id, v.owner, r.restriction_id, r.review_date,"
        " r.review_overdue_on,"
        " (r.review_overdue OR r.review_overdue_on < %(day)s) AS overdue, r.immediate"
        " FROM {r} r JOIN {v} v ON v.case_id = r.case_id",
        ["r.review_date", "r.restriction_id"], {"r": "case_restriction"}),
    "appeals": (
        "SELECT a.case_id, v.owner, a.appeal_id, a.restriction_id, a.status,"
        " a.late, a.received_at,"
        " (%(day)s - (a.received_at AT TIME ZONE 'Europe/London')::date) AS age_days,"
        " a.decision_due_on, (a.overdue OR a.decision_due_on < %(day)s) AS overdue,"
        " a.reminded FROM {a} a JOIN {v} v ON v.case_id = a.case_id",
        ["a.received_at", "a.appeal_id"], {"a": "case_appeal"}),
    "ratifications": (
        "SELECT r.case_id, v.owner, r.restriction_id,"
        " r.proposed_at AS imposed_at, r.ratification_due_on,"
        " (r.ratification_overdue OR r.ratification_due_on < %(day)s) AS overdue"
        " FROM {r} r JOIN {v} v ON v.case_id = r.case_id",
        ["r.ratification_due_on", "r.restriction_id"], {"r": "case_restriction"}),
    "triage": (
        "SELECT c.case_id, v.owner, c.contact_id, c.version, c.occurred_at,"
        " c.recorded_at, c.channel, c.direction,"
        " (%(day)s - (c.recorded_at AT TIME ZONE 'Europe/London')::date) AS age_days"
        " FROM {c} c JOIN {v} v ON v.case_id = c.case_id",
        ["c.recorded_at", "c.contact_id"], {"c": "case_contact"}),
    "notices": (
        "SELECT n.case_id, v.owner, n.notice_id, n.kind, n.about,"
        " n.owed_since, n.due_on, (n.overdue OR n.due_on < %(day)s) AS overdue"
        " FROM {n} n JOIN {v} v ON v.case_id = n.case_id",
        ["n.due_on", "n.notice_id"], {"n": "case_notice"}),
    "subject_access": (
        "SELECT s.case_id, v.owner, s.request_id, s.received_at, s.due_on,"
        " s.extended, (s.due_on - %(day)s) AS days_left,"
        " (s.overdue OR s.due_on < %(day)s) AS overdue"
        " FROM {s} s JOIN {v} v ON v.case_id = s.case_id",
        ["s.due_on", "s.request_id"], {"s": "case_subject_access"}),
    "appeal_windows": (
        "SELECT n.case_id, v.owner, n.notice_id, n.kind,"
        " n.about AS restriction_id, n.sent_at, n.appeal_window_closes_on,"
        " (n.appeal_window_closes_on - %(day)s) AS days_left"
        " FROM {n} n JOIN {v} v ON v.case_id = n.case_id",
        ["n.appeal_window_closes_on", "n.notice_id"],
        {"n": "case_notice", "r": "case_restriction", "a": "case_appeal"}),
    "remedies": (
        "SELECT m.case_id, v.owner, m.remedy_id, m.matter_id, m.kind,"
        " m.ordered_at, m.due_on, (m.due_on - %(day)s) AS days_left,"
        " (m.overdue OR m.due_on < %(day)s) AS overdue"
        " FROM {m} m JOIN {v} v ON v.case_id = m.case_id",
        ["m.due_on", "m.remedy_id"], {"m": "case_remedy"}),
    "ombudsman": (
        "SELECT o.case_id, v.owner, o.matter_id, o.stage, o.contacted_at,"
        " o.due_on, (o.due_on - %(day)s) AS days_left, o.overdue AS escalated"
        " FROM {o} o JOIN {v} v ON v.case_id = o.case_id",
        ["o.due_on", "o.matter_id"], {"o": "case_ombudsman"}),
}


def appeals_awaiting_decision(case_view: View, *, as_of: date | None = None,
                              cursor: str | None = None, limit: int = DEFAULT_LIMIT) -> Page:
    """Appeals lodged (or late, awaiting acceptance) and not decided: age in days since
    receipt, decision due date (None while a late appeal is not accepted), overdue. Oldest
    first."""
    return _queue(case_view, "appeals", as_of or today(),
                  ["a.status IN ('lodged', 'late_awaiting_decision')"], [], cursor, limit)


def ratifications_awaiting(case_view: View, *, as_of: date | None = None,
                           cursor: str | None = None, limit: int = DEFAULT_LIMIT) -> Page:
    """Immediate restrictions not yet ratified, with the ratification due date; soonest
    first."""
    return _queue(case_view, "ratifications", as_of or today(),
                  ["r.status = 'awaiting_ratification'"], [], cursor, limit)


def contacts_awaiting_triage(case_view: View, *, as_of: date | None = None,
                             cursor: str | None = None, limit: int = DEFAULT_LIMIT) -> Page:
    """Contacts received while a restriction was in force and not yet classified; oldest
    first."""
    return _queue(case_view, "triage", as_of or today(),
                  ["c.while_restricted", "c.triage IS NULL"], [], cursor, limit)


def notices_unsent(case_view: View, *, as_of: date | None = None,
                   overdue_only: bool = False, cursor: str | None = None,
                   limit: int = DEFAULT_LIMIT) -> Page:
    """Notices owed to the customer and not yet sent (kind, what about, owed since, due by,
    overdue); soonest due first."""
    return _open_items(case_view, "notices", "n", "sent_at", as_of, overdue_only, cursor,
                       limit)


def subject_access_requests(case_view: View, *, as_of: date | None = None,
                            overdue_only: bool = False, cursor: str | None = None,
                            limit: int = DEFAULT_LIMIT) -> Page:
    """Subject access requests not yet answered: received at, due on (the extended date when
    extended), days left (negative once past), overdue (past due, or escalated by the
    clock); soonest due first. What ``CaseService.open_subject_access_requests`` gives, from
    the case view instead of a scan of the event log."""
    return _open_items(case_view, "subject_access", "s", "fulfilled_at", as_of, overdue_only,
                       cursor, limit)


def _open_items(case_view: View, which: str, alias: str, done_column: str,
                as_of: date | None, overdue_only: bool, cursor: str | None,
                limit: int) -> Page:
    """A queue of things not yet done (``done_column`` unset), optionally only the overdue
    ones (escalated by their clock, or past ``due_on``)."""
    day = as_of or today()
    where = [f"{alias}.{done_column} IS NULL"]
    params: list[Any] = []
    if overdue_only:
        where.append(f"({alias}.overdue OR {alias}.due_on < %s)")
        params.append(day)
    return _queue(case_view, which, day, where, params, cursor, limit)


def ombudsman_overdue(case_view: View, *, as_of: date | None = None,
                      cursor: str | None = None, limit: int = DEFAULT_LIMIT) -> Page:
    """Open Ombudsman enquiries and orders past their due date (or escalated as overdue by
    the clock): stage, contacted at, due on, days left (negative), escalated; oldest due
    first."""
    day = as_of or today()
    return _queue(case_view, "ombudsman", day,
                  ["o.closed_at IS NULL", "(o.overdue OR o.due_on < %s)"], [day], cursor,
                  limit)


def ombudsman_remedies(case_view: View, *, as_of: date | None = None,
                       overdue_only: bool = False, cursor: str | None = None,
                       limit: int = DEFAULT_LIMIT) -> Page:
    """Remedies an Ombudsman's determination ordered and not yet done: kind (apology,
    compensation, review, policy change), matter, ordered at, due on, days left (negative
    once past), overdue (past due, or escalated by its clock); soonest due first."""
    return _open_items(case_view, "remedies", "m", "completed_at", as_of, overdue_only,
                       cursor, limit)


def appeal_windows_open(case_view: View, *, as_of: date | None = None,
                        cursor: str | None = None, limit: int = DEFAULT_LIMIT) -> Page:
    """Appeal windows still open on restrictions in force: the restriction's own notice and
    each variation notice (review varying it, extension) open one from the day the notice
    was sent; open until its last day unless an appeal was lodged in time against it. Kind,
    restriction, sent at, closes on, days left; soonest closing first."""
    day = as_of or today()
    return _queue(case_view, "appeal_windows", day, [
        "n.appeal_window_closes_on >= %s", "NOT n.appeal_window_closed",
        "EXISTS (SELECT 1 FROM {r} r WHERE r.restriction_id = n.about"
        " AND r.status IN ('active', 'awaiting_ratification'))",
        "NOT EXISTS (SELECT 1 FROM {a} a WHERE a.notice_id = n.notice_id AND NOT a.late)"],
        [day], cursor, limit)


WORK_QUEUES = {
    "reviews_due": reviews_due,
    "appeals_awaiting_decision": appeals_awaiting_decision,
    "ratifications_awaiting": ratifications_awaiting,
    "contacts_awaiting_triage": contacts_awaiting_triage,
    "notices_unsent": notices_unsent,
    "subject_access": subject_access_requests,
    "ombudsman_overdue": ombudsman_overdue,
    "appeal_windows_open": appeal_windows_open,
    "ombudsman_remedies": ombudsman_remedies,
}
