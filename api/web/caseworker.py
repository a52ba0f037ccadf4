"""Front-line pages: find a customer, their contact rules, the case page and its timeline,
and recording contacts, incidents, staff support and vulnerability information."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from api.access import C
from api.deps import Service, Views
from api.routes import cases, contacts, decisions, reads
from api.schemas import (
    OpenCase,
    RecordContact,
    RecordIncident,
    RecordStaffSupport,
    RecordVulnerability,
    TriageContact,
)
from api.web.forms import Field, Spec, add_form
from api.web.pages import DAYS, Form, PageRoute, done, one, options, render, run_command, validate
from api.web.session import Allow, check_csrf
from domain.actors import Actor
from domain.vocabulary import BehaviourCategory, Channel, SupportResponse, Triage

router = APIRouter(route_class=PageRoute, include_in_schema=False)
Posted = Annotated[dict[str, Any], Depends(check_csrf)]
RULES = ("GET", "/api/v1/customers/{customer_ref}/contact-rules")
REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_./-]{0,63}$")


# --- search and contact rules -----------------------------------------------------------

@router.get("/search")
def search(request: Request, service: Service, views: Views,
           actor: Annotated[Actor, Depends(Allow(RULES))],
           customer_ref: Annotated[str | None, Query(max_length=200)] = None) -> Response:
    form = Form({"customer_ref": (customer_ref or "").strip()})
    rules = None
    if customer_ref is not None:
        ref = form.get("customer_ref")
        if not ref:
            form.error("customer_ref", "Enter a customer reference")
        elif not REF.match(ref):
            form.error("customer_ref", "Enter a customer reference like T-1001: letters, "
                                       "numbers, and . _ / - only")
        else:
            rules = reads.contact_rules(ref, service, views)
    return render(request, "search.html", actor=actor, title="Find a customer", form=form,
                  rules=rules, days=DAYS)


@router.post("/cases")
def open_case(request: Request, data: Posted,
              actor: Annotated[Actor, Depends(Allow(("POST", "/api/v1/cases")))]) -> Response:
    form = Form({"customer_ref": one(data, "customer_ref")})
    body = validate(OpenCase, {"customer_ref": form.get("customer_ref")}, form,
                    {"customer_ref": "Customer reference"})
    recorded = body and run_command(request, actor, form, ["customer_ref"], "customer_ref",
                                    cases.open_case, body)
    if not recorded:
        return render(request, "search.html", status=422, actor=actor,
                      title="Find a customer", form=form, rules=None, days=DAYS)
    return done(recorded.case_id, recorded, "opened")


# --- recording ----------------------------------------------------------------------------

def _contact_fields(_: list[tuple[str, str]]) -> list[Field]:
    return [Field("radios", "channel", "How did they get in touch?", options=options(Channel),
                  missing="Choose how they got in touch"),
            Field("radios", "direction", "Who got in touch?",
                  options=[("inbound", "The customer contacted us"),
                           ("outbound", "We contacted the customer")],
                  missing="Choose who got in touch"),
            Field("moment", "occurred_at", "When was it?", "UK time.",
                  missing="Enter when it was"),
            Field("textarea", "summary", "What was it about?",
                  "Facts only. Every contact is recorded, restricted or not.",
                  missing="Enter what the contact was about")]


def _incident_fields(_: list[tuple[str, str]]) -> list[Field]:
    return [Field("radios", "category", "What happened?", options=options(BehaviourCategory),
                  missing="Choose what happened"),
            Field("moment", "occurred_at", "When was it?", "UK time.",
                  missing="Enter when it was"),
            Field("textarea", "description", "Describe what happened",
                  "What was said or done, in the customer's words where you can.",
                  missing="Enter what happened"),
            Field("lines", "staff_ids", "Staff involved",
                  "Their user names, one on each line.")]


def _vulnerability_fields(_: list[tuple[str, str]]) -> list[Field]:
    return [Field("textarea", "details", "What were you told?",
                  "Health, disability or circumstances that may affect how we respond. "
                  "Only managers and auditors can read this back, and each read is logged.",
                  missing="Enter what you were told")]


def _triage_fields(_: list[tuple[str, str]]) -> list[Field]:
    return [Field("radios", "classification", "What was the contact?",
                  "Classified once. Emergencies, safeguarding and mandatory services are "
                  "always answered.", options(Triage), missing="Choose what the contact was"),
            Field("textarea", "note", "Note (optional)")]


def _support_fields(incidents: list[tuple[str, str]]) -> list[Field]:
    return [Field("text", "staff_id", "Member of staff", "Their user name."),
            Field("radios", "response", "Support", options=options(SupportResponse))]


SPECS = [
    Spec("contacts/new", "Record a contact", ("POST", f"{C}/contacts"), RecordContact,
         contacts.record_contact, _contact_fields, "summary", "contact"),
    Spec("incidents/new", "Record an incident", ("POST", f"{C}/incidents"), RecordIncident,
         contacts.record_incident, _incident_fields, "category", "incident"),
    Spec("vulnerability/new", "Record vulnerability information",
         ("POST", f"{C}/assessments"), RecordVulnerability, decisions.record_vulnerability,
         _vulnerability_fields, "details", "vulnerability"),
    Spec("triage", "Triage the contact", ("POST", f"{C}/contacts/{{contact_id}}/triage"),
         TriageContact, contacts.triage_contact, _triage_fields, "classification",
         "triaged", part="contact"),
    Spec("staff-support", "Record support for a member of staff",
         ("POST", f"{C}/incidents/{{incident_id}}/staff-support"), RecordStaffSupport,
         contacts.record_staff_support, _support_fields, "staff_id", "staff_support",
         part="incident"),
]
SUPPORT = SPECS[-1]
SUPPORT = SPECS[-1]
for _spec in SPECS:
    add_form(router, _spec)
