"""Personal data, the read side: the subject access export, the subject access work queue,
retention and legal holds. (The commands are in ``api.routes.privacy``.)

Who may read what (added to the deny-by-default table ``api.access.ROUTE_ROLES``):

- the subject access export (JSON, or HTML for ``?format=html`` / ``Accept: text/html``):
  auditors and administrators, the people who answer a request. It shows special-category
  data, so every export is written to the special-category read log first.
- the work queue of subject access requests (due dates, from the case view): the front
  line, auditors and administrators, since caseworkers record the requests.
- retention (cases past their retention date, disposable or held) and a case's legal holds:
  auditors and administrators (and managers for one case's holds).
"""

from __future__ import annotations

import html
from datetime import date
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import Query, Request
from fastapi.responses import HTMLResponse
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from api.access import ADM, AUD, FRONT_LINE, MANAGEMENT, ROUTE_ROLES
from api.access_log import record_read
from api.auth import CurrentActor
from api.deps import Pool, Service, Views
from api.reading import Cursor, Limit, MinPosition, cursor_errors, view, wait_for_position
from api.routes import CASE, PREFIX, guarded_router
from api.store import SCHEMA
from domain.calendar import uk_date
from domain.privacy import disposable, legal_holds
from domain.subject_access import subject_access_export
from projections import queries

router = guarded_router("personal data")

EXPORT = f"{PREFIX}{CASE}/subject-access-export"
ROUTE_ROLES.update({
    ("GET", EXPORT): frozenset({AUD, ADM}),
    ("GET", f"{PREFIX}{CASE}/legal-holds"): MANAGEMENT | {AUD, ADM},
    ("GET", f"{PREFIX}/privacy/subject-access-requests"): FRONT_LINE | {AUD, ADM},
    ("GET", f"{PREFIX}/privacy/retention"): frozenset({AUD, ADM}),
})


def special_category_reads(pool: ConnectionPool, case_id: UUID) -> list[dict[str, Any]]:
    with pool.connection() as conn, conn.cursor(row_factory=dict_row) as curs:
        curs.execute(f"SELECT read_at, user_id, role, endpoint, fields"
                     f" FROM {SCHEMA}.access_log WHERE case_id = %s ORDER BY id", (case_id,))
        return curs.fetchall()


@router.get(f"{CASE}/subject-access-export", response_model=dict[str, Any],
            responses={200: {"content": {"text/html": {}}}},
            summary="Everything held about the customer (JSON or HTML), others redacted")
def export(case_id: UUID, request: Request, actor: CurrentActor, service: Service, pool: Pool,
           format: Annotated[Literal["json", "html"] | None, Query(
               description="html for a readable page; default: by Accept")] = None) -> Any:
    """Everything held about the customer (JSON, or an HTML page with `?format=html` or
    `Accept: text/html`), other people's details redacted; the export is logged as a
    special-category read before it is shown."""
    case = service.get_case(case_id)  # 404 when there is no such case
    events = list(service.events.get(case_id))
    # Written before anything is shown: if the read cannot be logged, it is not shown.
    record_read(pool, actor, case_id, f"GET {EXPORT.format(case_id=case_id)}",
                ["subject_access_export"])
    document = subject_access_export(case, events, special_category_reads(pool, case_id),
                                     service.clock())
    wants_html = format == "html" or (
        format is None and "text/html" in request.headers.get("accept", ""))
    if wants_html:
        return HTMLResponse(render_html(document))
    return document


@router.get(f"{CASE}/legal-holds", response_model=dict[str, Any],
            summary="What keeps this case from disposal: complaints, Ombudsman, requests, "
                    "litigation")
def case_legal_holds(case_id: UUID, service: Service) -> dict[str, Any]:
    """What keeps this case from disposal: open complaints, Ombudsman matters,
    subject access requests and litigation holds, and its retention date."""
    case = service.get_case(case_id)
    return {"case_id": case_id, "status": case.status, "retain_until": case.retain_until,
            "disposed_at": case.disposed_at,
            "holds": [h.to_dict() for h in legal_holds(case)]}


@router.get("/privacy/subject-access-requests", response_model=dict[str, Any],
            summary="Work queue: subject access requests not yet answered, soonest due first")
def subject_access_queue(service: Service, views: Views, min_position: MinPosition = None,
                         as_of: date | None = None, overdue_only: bool = False,
                         cursor: Cursor = None, limit: Limit = 100) -> dict[str, Any]:
    """From the case view (an indexed query), not a scan of the event log: pass the
    ``position`` a write returned as ``min_position`` to see that write."""
    case_view = view(views, "case_view")
    wait_for_position(service, [case_view], min_position)
    today = as_of or uk_date(service.clock())
    with cursor_errors():
        page = queries.subject_access_requests(case_view, as_of=today,
                                               overdue_only=overdue_only, cursor=cursor,
                                               limit=limit)
    return {"as_of": today, **page}


@router.get("/privacy/retention", response_model=dict[str, Any],
            summary="Closed cases past their retention date: disposable, or held and why")
def retention(service: Service, as_of: date | None = None) -> dict[str, Any]:
    """Closed cases past their retention date on `as_of` (default today): those that can be
    disposed of (`POST .../disposal`) and those a legal hold keeps, with the holds."""
    today = as_of or uk_date(service.clock())
    items = [{"case_id": case.id, "retain_until": case.retain_until,
              "disposable": disposable(case, today),
              "holds": [h.to_dict() for h in legal_holds(case)]}
             for case in service.disposal_candidates(today)]
    return {"as_of": today, "items": items}


# --- the readable page ------------------------------------------------------------------------

_STYLE = """body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;
line-height:1.5;color:#111}table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}
th,td{border:1px solid #bbb;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#eee}dl{margin:0}dt{font-weight:600}dd{margin:0 0 .3rem 1rem}"""


def _text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value) or "—"
    if isinstance(value, dict):
        return "; ".join(f"{k.replace('_', ' ')}: {_text(v)}" for k, v in value.items())
    return str(value)


def _table(rows: list[dict[str, Any]], empty: str) -> str:
    if not rows:
        return f"<p>{html.escape(empty)}</p>"
    columns = list(rows[0])
    head = "".join(f"<th>{html.escape(c.replace('_', ' '))}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(_text(row.get(c)))}</td>"
                                    for c in columns) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_html(document: dict[str, Any]) -> str:
    summary = {k: document[k] for k in ("customer_ref", "case_id", "status", "closed_at",
                                        "retain_until", "disposed_at", "personal_data_erased",
                                        "generated_at")}
    events = []
    for event in document["events"]:
        details = "".join(f"<dt>{html.escape(k.replace('_', ' '))}</dt>"
                          f"<dd>{html.escape(_text(v))}</dd>"
                          for k, v in event["data"].items())
        events.append({"#": event["version"], "what": event["type"],
                       "when": event["occurred_at"], "recorded": event["recorded_at"],
                       "by": f"{event['recorded_by']} ({event['recorded_by_role']})",
                       "details": f"<dl>{details}</dl>"})
    event_rows = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_text(e[c]))}</td>"
                         for c in ("#", "what", "when", "recorded", "by"))
        + f"<td>{e['details']}</td></tr>" for e in events)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Subject access export</title>
<style>{_STYLE}</style></head><body>
<h1>Your personal data: subject access export</h1>
<p>{html.escape(document["explanation"])}</p>
<h2>Summary</h2>{_table([summary], "")}
<h2>Subject access requests</h2>{_table(document["subject_access_requests"], "None.")}
<h2>Notices sent or owed to you</h2>{_table(document["notices"], "None.")}
<h2>How your contacts were classified</h2>{_table(document["triage_outcomes"], "None.")}
<h2>Special-category reads</h2>{_table(document["special_category_reads"], "None.")}
<h2>Legal holds</h2>{_table(document["legal_holds"], "None.")}
<h2>Everything recorded</h2>
<table><thead><tr><th>#</th><th>what</th><th>when</th><th>recorded</th><th>by</th>
<th>details</th></tr></thead><tbody>{event_rows}</tbody></table>
</body></html>"""
