"""Command pages from a table: each form's fields, how they become the API's request body,
and the API route function that records it.

One page per command (GOV.UK "one thing per page"). The body is validated with the API's own
schema (``api.schemas``) and handed to the API's own route function, so the page refuses and
records exactly what the API does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel
from starlette.responses import Response

from api.access import C
from api.deps import Views
from api.web.pages import (
    DAYS,
    Form,
    case_or_404,
    done,
    evidence_options,
    lines,
    many,
    moment,
    now_local,
    one,
    options,
    render,
    run_command,
    validate,
)
from api.web.session import Allow, check_csrf
from domain.actors import Actor
from domain.vocabulary import Channel
from projections import queries

Posted = Annotated[dict[str, Any], Depends(check_csrf)]


@dataclass
class Field:
    """One question. kind: text, textarea, radios, checkboxes, check, date, moment, lines,
    days, hours, evidence (checkboxes of the case's incidents and contacts)."""

    kind: str
    name: str
    label: str
    hint: str | None = None
    options: list[tuple[str, str]] = field(default_factory=list)
    missing: str | None = None  # the message when it is left unanswered

    def __post_init__(self) -> None:
        if self.missing is None:
            verb = "Choose" if self.kind in ("radios", "checkboxes", "evidence", "days") \
                else "Enter"
            self.missing = f"{verb} {self.label[:1].lower()}{self.label[1:].rstrip('?')}"


TERM_FIELDS = [
    Field("checkboxes", "permitted_channels", "Channels the customer may use",
          "Leave empty to allow every channel.", options(Channel)),
    Field("days", "permitted_days", "Days they may get in touch",
          "Leave empty to allow every day."),
    Field("hours", "permitted_hours", "Hours they may get in touch",
          "For example 09:00 to 12:00. Leave both empty to allow any time."),
    Field("text", "single_point_of_contact", "Single point of contact",
          "The team or inbox that handles all their contact, not a person's name."),
    Field("check", "written_only", "Written contact only"),
    Field("check", "no_face_to_face", "No face-to-face contact"),
    Field("lines", "excluded_premises", "Premises they may not visit", "One on each line."),
    Field("check", "file_without_reply", "Contact about a settled matter is filed without "
          "a reply"),
    Field("lines", "same_matter_bar", "Matters already settled", "One on each line. Never "
          "shown to the front line."),
    Field("check", "via_advocate_only", "Contact only through their advocate"),
    Field("lines", "services", "Services the restriction covers", "One on each line, for "
          "example: repairs."),
    Field("check", "organisation_wide", "Covers the whole organisation",
          "Only a senior manager can decide this."),
    Field("textarea", "scope_justification", "Why the scope is needed",
          "Required when it covers the whole organisation."),
]
TERM_NAMES = [f.name for f in TERM_FIELDS] + ["permitted_hours_start", "permitted_hours_end"]


def terms_body(data: dict[str, list[str]]) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for f in TERM_FIELDS:
        if f.kind == "checkboxes":
            body[f.name] = many(data, f.name)
        elif f.kind == "days":
            body[f.name] = [int(d) for d in many(data, f.name) if d.isdigit()]
        elif f.kind == "hours":
            start, end = one(data, f"{f.name}_start"), one(data, f"{f.name}_end")
            if start or end:
                body[f.name] = {"start": start or None, "end": end or None}
        elif f.kind == "check":
            body[f.name] = one(data, f.name) == "yes"
        elif f.kind == "lines":
            body[f.name] = lines(data, f.name)
        elif one(data, f.name):
            body[f.name] = one(data, f.name)
    return body


def day_month_year(data: dict[str, list[str]], name: str) -> str | None:
    """GOV.UK's date input (day, month, year fields) as an ISO date for the schema; a
    date that does not exist is passed on as typed, for the schema to refuse."""
    day, month, year = (one(data, f"{name}_{p}") for p in ("day", "month", "year"))
    if not (day or month or year):
        return None
    if day.isdigit() and month.isdigit() and year.isdigit() and len(year) == 4:
        return f"{year}-{int(month):02d}-{int(day):02d}"
    return f"{year}-{month}-{day}"


def form_values(fields: list[Field], data: dict[str, list[str]]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for f in fields:
        if f.kind == "terms":
            values.update(form_values(TERM_FIELDS, data))
        elif f.kind in ("checkboxes", "days", "evidence"):
            values[f.name] = many(data, f.name)
        elif f.kind == "hours":
            for end in ("start", "end"):
                values[f"{f.name}_{end}"] = one(data, f"{f.name}_{end}")
        elif f.kind == "date":
            for part in ("day", "month", "year"):
                values[f"{f.name}_{part}"] = one(data, f"{f.name}_{part}")
        else:
            values[f.name] = one(data, f.name)
    return values


def request_body(fields: list[Field], data: dict[str, list[str]]) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for f in fields:
        value: Any
        if f.kind == "terms":
            terms = terms_body(data)
            if f.name == "terms" or any(v for v in terms.values()):
                body[f.name] = terms
            continue
        if f.kind in ("checkboxes", "evidence"):
            value = many(data, f.name)
        elif f.kind == "lines":
            value = lines(data, f.name)
        elif f.kind == "check":
            value = one(data, f.name) == "yes"
        elif f.kind == "moment":
            value = moment(one(data, f.name))
        elif f.kind == "date":
            value = day_month_year(data, f.name)
        else:
            value = one(data, f.name) or None
        if value is not None:
            body[f.name] = value
    return body


@dataclass
class Spec:
    """A command page: ``/cases/{case_id}/[<part>s/{<part>_id}/]<slug>``."""

    slug: str
    title: str
    api: tuple[str, str]
    model: type[BaseModel]
    route: Callable[..., Any]
    fields: Callable[[list[tuple[str, str]]], list[Field]]
    main: str
    done: str
    part: str | None = None  # "restriction", "appeal", "notice", "incident"
    intro: str | None = None
    button: str = "Record"
    shape: Callable[[dict[str, Any]], dict[str, Any]] | None = None  # the body, reshaped
    # Administrators' pages: the API route's roles only (administrators do not read cases),
    # back to ``/admin/cases/{id}``; ``choices`` gives the options instead of the timeline.
    admin: bool = False
    choices: Callable[[Request, UUID], list[tuple[str, str]]] | None = None

    @property
    def home(self) -> str:
        return "/admin/cases" if self.admin else "/cases"

    @property
    def param(self) -> str:
        return f"{(self.part or '').replace('-', '_')}_id"

    @property
    def parts(self) -> str:
        part = self.part or ""
        return f"{part[:-1]}ies" if part.endswith("y") else f"{part}s"

    @property
    def path(self) -> str:
        middle = f"{self.parts}/{{{self.param}}}/" if self.part else ""
        return f"/cases/{{case_id}}/{middle}{self.slug}"

    def href(self, case_id: Any, part_id: Any = None) -> str:
        middle = f"{self.parts}/{part_id}/" if self.part else ""
        return f"/cases/{case_id}/{middle}{self.slug}"


def evidence_choices(views: dict[str, Any], case_id: UUID) -> list[tuple[str, str]]:
    timeline = queries.case_timeline(views["case_timeline"], case_id, limit=500)["items"]
    return evidence_options(timeline)


def missing_of(fields: list[Field]) -> dict[str, str]:
    out = {}
    for f in fields:
        out.update(missing_of(TERM_FIELDS) if f.kind == "terms" else {f.name: f.missing or ""})
    return out


def labels_of(fields: list[Field]) -> dict[str, str]:
    labels = {}
    for f in fields:
        if f.kind == "terms":
            labels.update(labels_of(TERM_FIELDS))
            labels[f.name] = "Terms"
        else:
            labels[f.name] = f.label
    return labels


def add_form(router: APIRouter, spec: Spec) -> None:
    allow = Allow(spec.api) if spec.admin else Allow(spec.api, ("GET", C))

    def choices(request: Request, views: dict[str, Any], case_id: UUID
                ) -> list[tuple[str, str]]:
        if spec.choices:
            return spec.choices(request, case_id)
        return [] if spec.admin else evidence_choices(views, case_id)

    def page(request: Request, case: dict[str, Any], form: Form, fields: list[Field],
             status: int = 200) -> Response:
        return render(request, "command.html", status=status, title=spec.title, spec=spec,
                      case=case, form=form, fields=fields, term_fields=TERM_FIELDS,
                      days=list(enumerate(DAYS)))

    def ids(request: Request) -> tuple[UUID, ...]:
        try:
            case_id = UUID(request.path_params["case_id"])
            part = (UUID(request.path_params[spec.param]),) if spec.part else ()
        except ValueError:
            raise HTTPException(404, "There is no such page. Check the address.") from None
        return (case_id, *part)

    # Defaults, not annotations: ``allow`` is local, and annotations are read as strings.
    def show(request: Request, views: Views, actor: Actor = Depends(allow)) -> Response:
        case_id, *_ = ids(request)
        case = case_or_404(views, case_id, request.app.state.service)
        fields = spec.fields(choices(request, views, case_id))
        values = {f.name: now_local() for f in fields if f.kind == "moment"}
        return page(request, case, Form(values), fields)

    async def post(request: Request, views: Views, data: Posted,
                   actor: Actor = Depends(allow)) -> Response:
        path_ids = ids(request)
        case = case_or_404(views, path_ids[0], request.app.state.service)
        fields = spec.fields(choices(request, views, path_ids[0]))
        form = Form(form_values(fields, data))
        labels = labels_of(fields)
        raw = request_body(fields, data)
        body = validate(spec.model, spec.shape(raw) if spec.shape else raw, form, labels,
                        missing_of(fields))
        recorded = body and run_command(request, actor, form, list(labels), spec.main,
                                        spec.route, *path_ids, body)
        if not recorded:
            return page(request, case, form, fields, status=422)
        return done(path_ids[0], recorded, spec.done, spec.home)

    router.add_api_route(spec.path, show, methods=["GET"], name=f"{spec.slug}-{spec.part}")
    router.add_api_route(spec.path, post, methods=["POST"])
