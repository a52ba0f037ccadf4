"""The case page: where the case stands, the contact rules, what can be done next, and the
timeline (coded facts only: no reasons, no free text, no vulnerability details)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from api.access import C, sees_special_category
from api.deps import Service, Views
from api.web import caseworker, manager, matters
from api.web.pages import DAYS, PageRoute, case_or_404, event_words, page_allows, render, wait
from api.web.session import Allow
from domain.actors import Actor
from projections import queries

router = APIRouter(route_class=PageRoute, include_in_schema=False)
CASE_PAGE = Allow(("GET", C), ("GET", f"{C}/timeline"), caseworker.RULES)


@router.get("/cases/{case_id}")
def case_page(request: Request, case_id: UUID, service: Service, views: Views,
              actor: Annotated[Actor, Depends(CASE_PAGE)],
              done: Annotated[str | None, Query(max_length=40)] = None,
              after: Annotated[int | None, Query(ge=1, le=2**62)] = None) -> Response:
    wait(service, views, after)
    case = case_or_404(views, case_id, service)
    rules = queries.contact_rules(views["contact_rules"], case_id, case["customer_ref"])
    timeline = queries.case_timeline(views["case_timeline"], case_id, limit=500)["items"]
    return render(request, "case.html", actor=actor, title=f"Case {case['customer_ref']}",
                  case=case, rules=rules, timeline=timeline, done=done, days=DAYS,
                  event_words=event_words, actions=case_actions(actor, case, timeline),
                  special=sees_special_category(actor))


def case_actions(actor: Actor, case: dict[str, Any], timeline: list[dict[str, Any]]
                 ) -> list[tuple[str, str]]:
    """What this role can do next on this case: a link only where its page admits the role
    (the API's role table decides, as for the API)."""
    out = [(spec.href(case["case_id"]), spec.title) for spec in caseworker.SPECS
           if spec.part is None]
    for event in timeline:
        if event["event_type"] == "IncidentRecorded":
            incident = event["detail"].get("incident_id")
            out.append((caseworker.SUPPORT.href(case["case_id"], incident),
                        f"Record support for staff after the incident of "
                        f"{event['occurred_at']:%-d %b %Y}"))
    out += manager.manager_actions(case, timeline)
    out += matters.matter_actions(case, timeline)
    return [(href, text) for href, text in out if page_allows(href, actor)]
