"""The committee's page: the anonymised quarterly report as charts (SVG, each with its numbers
in a table beside it) and a CSV download. A suppressed cell is shown as suppressed, never as
a number or a zero."""

from __future__ import annotations

import re
from datetime import date
from html import escape
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from markupsafe import Markup
from starlette.responses import PlainTextResponse, Response

from api.deps import Service, Views
from api.reading import wait_for_position
from api.web.pages import Form, PageRoute, render
from api.web.session import Allow
from domain.actors import Actor
from projections import queries, report

router = APIRouter(route_class=PageRoute, include_in_schema=False)
REPORT = Allow(("GET", "/api/v1/reports/committee"))
QUARTER = re.compile(r"^([0-9]{4})-?Q([1-4])$")
SECTION_TITLES = {
    "warnings_by_kind": "Warnings given, by kind",
    "restrictions_by_type": "Restrictions, by type",
    "restrictions_by_trigger": "Restrictions, by the behaviour behind them",
    "appeals_by_outcome": "Appeals decided, by outcome",
    "reviews_by_outcome": "Reviews completed, by outcome",
    "overdue": "Reviews and appeals that went overdue",
    "ombudsman_referrals": "Ombudsman referrals, by stage",
    "ombudsman_matters": "Ombudsman matters closed and overdue",
    "ombudsman_remedies_ordered": "Remedies the Ombudsman ordered, by kind",
    "ombudsman_remedies": "Ombudsman remedies done on time, late, and escalated",
}


def this_quarter(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def quarters_before(quarter: str, n: int) -> list[str]:
    year, q = int(quarter[:4]), int(quarter[-1])
    out = []
    for _ in range(n):
        out.append(f"{year}-Q{q}")
        year, q = (year - 1, 4) if q == 1 else (year, q - 1)
    return out


def normal(quarter: str | None) -> str:
    if not quarter:
        return this_quarter(queries.today())
    match = QUARTER.match(quarter)
    if match is None:
        raise HTTPException(404, "Choose a quarter like 2026-Q3.")
    return f"{match.group(1)}-Q{match.group(2)}"


def bar_chart(chart_id: str, title: str, cells: dict[str, dict[str, Any]]) -> Markup:
    """A horizontal bar chart; suppressed cells drawn as a dashed outline labelled so.
    The numbers are in the table beside it: the chart is described by its title."""
    rows = list(cells.items())
    top = max([c["count"] or 0 for _, c in rows] + [1])
    width, label_w, bar_w, row_h = 560, 210, 280, 34
    height = row_h * len(rows) + 10
    parts = [f'<svg class="upc-chart" role="img" aria-labelledby="{chart_id}-title" '
             f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'xmlns="http://www.w3.org/2000/svg">',
             f'<title id="{chart_id}-title">{escape(title)}: chart; the numbers are in the '
             f'table beside it</title>']
    for i, (category, cell) in enumerate(rows):
        y = 5 + i * row_h
        name = escape(category.replace("_", " ").capitalize())
        parts.append(f'<text x="{label_w - 8}" y="{y + 21}" text-anchor="end">{name}</text>')
        if cell["suppressed"]:
            parts.append(f'<rect class="suppressed" x="{label_w}" y="{y + 4}" width="60" '
                         f'height="{row_h - 10}"/><text x="{label_w + 68}" y="{y + 21}">'
                         f'suppressed</text>')
        else:
            count = cell["count"] or 0
            w = max(2, round(bar_w * count / top)) if count else 0
            parts.append(f'<rect class="bar" x="{label_w}" y="{y + 4}" width="{w}" '
                         f'height="{row_h - 10}"/><text x="{label_w + w + 8}" y="{y + 21}">'
                         f'{count}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _report(service: Any, views: dict[str, Any], quarter: str) -> dict[str, Any]:
    case_view, timeline_view = views["case_view"], views["case_timeline"]
    wait_for_position(service, [case_view, timeline_view], None)
    try:
        return report.committee_report(case_view, timeline_view, quarter,
                                       equality_answers=service.equality_answers())
    except ValueError as exc:
        raise HTTPException(404, str(exc)) from None


@router.get("/committee")
def committee_page(request: Request, service: Service, views: Views,
                   actor: Annotated[Actor, Depends(REPORT)],
                   quarter: Annotated[str | None, Query(max_length=10)] = None) -> Response:
    chosen = normal(quarter)
    result = _report(service, views, chosen)
    charts = [(name, SECTION_TITLES.get(name, name.replace("_", " ").capitalize()), cells,
               bar_chart(f"chart-{name}", SECTION_TITLES.get(name, name), cells))
              for name, cells in result["sections"].items()]
    return render(request, "committee.html", actor=actor, title="Committee report",
                  report=result, charts=charts, quarter=chosen,
                  form_quarter=Form({"quarter": chosen}),
                  quarters=quarters_before(this_quarter(queries.today()), 8))


@router.get("/committee/report.csv")
def committee_csv(service: Service, views: Views, _: Annotated[Actor, Depends(REPORT)],
                  quarter: Annotated[str | None, Query(max_length=10)] = None) -> Response:
    chosen = normal(quarter)
    return PlainTextResponse(report.report_csv(_report(service, views, chosen)),
                             media_type="text/csv", headers={
                                 "Content-Disposition":
                                 f'attachment; filename="committee-{chosen}.csv"'})
