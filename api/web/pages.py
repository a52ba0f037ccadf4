"""What every page shares: templates, the page route (errors as pages), forms and commands.

A page's command runs the API route function itself (``api.routes.*``) with a
``CommandContext``, so a page records exactly what the API records, through the same
application service and the same finer checks. A refused command (``DomainError``) records
nothing; its plain-English message is shown next to the field it concerns and in the error
summary at the top of the form.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Coroutine
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

from fastapi import HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, ValidationError
from starlette.responses import RedirectResponse, Response

from api.commands import CommandContext
from api.identity import with_customer_refs
from api.reading import wait_for_position
from api.web.session import CSRF_FIELD, Allow, SignInRequired, csrf_token, finish, session_actor
from domain import errors as rules
from domain.actors import Actor
from domain.errors import DomainError
from projections import queries

HERE = Path(__file__).parent
UK = ZoneInfo("Europe/London")
templates = Jinja2Templates(directory=HERE / "templates")
# Pages anyone may open: signing in and out, and the start page (which sends you on).
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
PUBLIC = {"/", "/sign-in", "/sign-out", "/auth/callback"}


def _words(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return value.astimezone(UK).strftime("%-d %b %Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%-d %b %Y")
    text = str(value)
    return text.replace("_", " ")


def _when(value: Any) -> str:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
        except ValueError:
            return _words(value)
    return _words(value)


def _details(detail: dict[str, Any]) -> str:
    """A timeline row's coded facts in words (ids and empty values left out)."""
    parts = []
    for key, value in detail.items():
        if key.endswith("_id") or key == "evidence" or value in (None, "", [], False):
            continue
        if isinstance(value, list):
            text = ", ".join(_words(v) for v in value)
        else:
            text = _when(value) if isinstance(value, str) else _words(value)
        parts.append(f"{_words(key).capitalize()}: {text}")
    return "; ".join(parts)


templates.env.filters["details"] = _details
templates.env.filters["words"] = _words
templates.env.filters["when"] = _when
templates.env.filters["sentence"] = lambda v: _words(v)[:1].upper() + _words(v)[1:]


def render(request: Request, name: str, status: int = 200, **context: Any) -> Response:
    actor = context.pop("actor") if "actor" in context else session_actor(request)
    response = templates.TemplateResponse(request, name, {
        "actor": actor, "can": lambda href: actor is not None and page_allows(href, actor),
        "csrf_field": CSRF_FIELD, "csrf": csrf_token(request), **context},
        status_code=status)
    return finish(request, response)


def error_page(request: Request, status: int, detail: str) -> Response:
    titles = {403: "You cannot see this page", 404: "Page not found",
              409: "Someone else changed this case", 503: "Sorry, try again shortly"}
    try:
        actor = session_actor(request)
    except HTTPException:  # the issuer's keys cannot be fetched: show the page signed out
        actor = None
    return render(request, "error.html", status=status, title=titles.get(status, "Sorry"),
                  detail=detail, actor=actor)


class PageRoute(APIRoute):
    """A page: a refusal or a missing thing is an HTML page, no session sends you to sign in.

    Deny by default: a page that is not public must take an ``Allow`` dependency."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, endpoint, **kwargs)
        allow = _allow_of(self)
        if path not in PUBLIC and allow is None:
            raise RuntimeError(f"page {path} has no access rule (deny by default)")
        if allow is not None and "GET" in self.methods:
            PAGE_ALLOW.append((self.path_regex, allow))

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def run(request: Request) -> Response:
            try:
                return await handler(request)
            except SignInRequired:
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                return RedirectResponse(f"/sign-in?next={quote(target)}", 303)
            except HTTPException as exc:
                return error_page(request, exc.status_code, str(exc.detail))
            except DomainError as exc:
                return error_page(request, exc.http_status, exc.detail)
            except RequestValidationError:
                return error_page(request, 404, "There is no such page. Check the address.")
        return run


def _allow_of(route: APIRoute) -> Allow | None:
    stack = list(route.dependant.dependencies)
    while stack:
        dep = stack.pop()
        if isinstance(dep.call, Allow):
            return dep.call
        stack.extend(dep.dependencies)
    return None


# Every GET page with its access rule: a link is shown only to roles its page admits.
PAGE_ALLOW: list[tuple[re.Pattern[str], Allow]] = []


def page_allows(href: str, actor: Actor) -> bool:
    path = href.split("?")[0]
    for pattern, allow in PAGE_ALLOW:
        if pattern.match(path):
            return actor.role in allow.roles
    return False


# --- forms --------------------------------------------------------------------------------

class Form:
    """A form's values and errors, for its template."""

    def __init__(self, values: dict[str, Any] | None = None) -> None:
        self.values: dict[str, Any] = values or {}
        self.errors: dict[str, str] = {}

    def get(self, name: str, default: Any = "") -> Any:
        value = self.values.get(name, default)
        return value

    def has(self, name: str, option: str) -> bool:
        value = self.values.get(name)
        return option in value if isinstance(value, list) else value == option

    def error(self, field: str, message: str) -> None:
        self.errors.setdefault(field, message)

    @property
    def ok(self) -> bool:
        return not self.errors


def one(data: dict[str, list[str]], name: str) -> str:
    values = data.get(name) or [""]
    return values[0].strip()


def many(data: dict[str, list[str]], name: str) -> list[str]:
    return [v.strip() for v in data.get(name, []) if v.strip()]


def lines(data: dict[str, list[str]], name: str) -> list[str]:
    return [line.strip() for line in one(data, name).splitlines() if line.strip()]


def now_local() -> str:
    return datetime.now(UK).strftime("%Y-%m-%dT%H:%M")


def moment(text: str) -> str | None:
    """A ``datetime-local`` field (UK time) as an ISO timestamp with its offset."""
    if not text:
        return None
    try:
        return datetime.fromisoformat(text).replace(tzinfo=UK).isoformat()
    except ValueError:
        return text  # the schema says what is wrong with it


MISSING = {"missing", "string_too_short", "list_too_short", "enum", "literal_error"}


def validate(model: type[BaseModel], body: dict[str, Any], form: Form,
             labels: dict[str, str], missing: dict[str, str] | None = None) -> Any:
    """The request body the API route takes, or None with the form's errors set.
    ``missing``: the message for a question left unanswered (GOV.UK: "Enter ..." or
    "Choose ...")."""
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        for error in exc.errors():
            loc = [str(p) for p in error.get("loc", ())]
            field = next((p for p in loc if p in labels), loc[0] if loc else "form")
            label = labels.get(field, field.replace("_", " "))
            if error["type"] == "missing" or (error["type"] in MISSING
                                              and not error.get("input")):
                form.error(field, (missing or {}).get(field)
                           or f"Answer the question: {label.rstrip('?')}")
            else:
                message = str(error.get("msg", "")).removeprefix("Value error, ")
                form.error(field, f"{label}: {message}")
        return None


# Which form field a domain rule's refusal concerns; others go to the form's main field.
RULE_FIELDS: dict[type[DomainError], str] = {
    rules.ReviewDateRequired: "review_date", rules.ReviewDateInPast: "review_date",
    rules.ReviewDateBeyondMaximum: "review_date", rules.EndDateInPast: "ends_on",
    rules.EndDateNotLater: "ends_on", rules.EvidenceRequired: "evidence",
    rules.UnknownEvidence: "evidence", rules.ReasonRequired: "reason",
    rules.ScopeJustificationRequired: "scope_justification",
    rules.WrittenOnlyNotConfirmed: "written_only",
    rules.AlwaysOpenExceptionRemoved: "permitted_channels",
    rules.FutureTimestamp: "occurred_at", rules.NaiveTimestamp: "occurred_at",
}


def rule_field(exc: DomainError, fields: list[str], main: str) -> str:
    for cls in type(exc).__mro__:
        field = RULE_FIELDS.get(cls)  # type: ignore[call-overload]
        if field in fields:
            return field
    return main


def run_command(request: Request, actor: Actor, form: Form, fields: list[str], main: str,
                route: Callable[..., Any], *args: Any) -> Any:
    """Run an API route function for the page; a refusal becomes the form's error."""
    ctx = CommandContext(actor, request.app.state.service, f"web:{uuid4()}", None)
    try:
        return route(*args, ctx, Response())
    except DomainError as exc:
        form.error(rule_field(exc, fields, main), exc.detail)
    except HTTPException as exc:
        if exc.status_code in (401, 404):
            raise
        form.error(main, str(exc.detail))
    return None


# --- shared by the pages ------------------------------------------------------------------

def options(enum: Any) -> list[tuple[str, str]]:
    return [(m.value, m.value.replace("_", " ").capitalize()) for m in enum]


def event_words(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", " ", name).capitalize()


def case_or_404(views: dict[str, Any], case_id: UUID, service: Any = None) -> dict[str, Any]:
    """The case's row, with its customer reference opened through ``service`` (every page
    that shows a case is for roles that see references; without a service: None)."""
    row = queries.case_detail(views["case_view"], case_id)
    if row is None:
        raise HTTPException(404, f"There is no case with id {case_id}.")
    if service is not None:
        with_customer_refs(service, [row])
    else:
        row["customer_ref"] = None
    return row


def wait(service: Any, views: dict[str, Any], position: int | None) -> None:
    """After a write: let the views catch up before the page reads them."""
    if position:
        try:
            wait_for_position(service, list(views.values()), position)
        except HTTPException:
            pass  # the page shows what the views have; the banner says it was recorded


def done(case_id: UUID, recorded: Any, what: str, home: str = "/cases") -> Response:
    position = recorded.position or ""
    return RedirectResponse(f"{home}/{case_id}?done={what}&after={position}", 303)



def evidence_options(timeline: list[dict[str, Any]], kinds: tuple[str, ...] = (
        "IncidentRecorded", "ContactRecorded")) -> list[tuple[str, str]]:
    out = []
    for e in timeline:
        if e["event_type"] in kinds:
            d = e["detail"]
            when = e["occurred_at"].astimezone(UK).strftime("%-d %b %Y %H:%M") \
                if isinstance(e["occurred_at"], datetime) else str(e["occurred_at"])
            if e["event_type"] == "IncidentRecorded":
                out.append((str(d["incident_id"]),
                            f"Incident on {when}: {d.get('category', '').replace('_', ' ')}"))
            else:
                out.append((str(d["contact_id"]), f"Contact on {when}: "
                            f"{d.get('direction', '')} {d.get('channel', '')}"))
    return out


