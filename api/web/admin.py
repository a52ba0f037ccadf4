"""Administrators' pages: legal holds (place, release), erasure and disposal.

Administrators do not read cases (``GET /api/v1/cases/{id}`` is not theirs), so their pages
stand apart from the case page: ``/admin/cases`` finds a case by its id, and
``/admin/cases/{id}`` shows only what these commands turn on (status, retention date, what
holds it, litigation holds open) with a link to each, never the customer reference or any
personal data."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import RedirectResponse, Response

from api.access import C
from api.deps import Service, Views
from api.routes import privacy
from api.schemas_privacy import EmptyCommand, ErasePerson, LegalHoldReason
from api.web.forms import Field, Spec, add_form
from api.web.pages import Form, PageRoute, case_or_404, options, render, wait
from api.web.session import Allow
from domain.actors import Actor
from domain.vocabulary import ErasedPerson, ErasureGround

router = APIRouter(route_class=PageRoute, include_in_schema=False)
Choices = list[tuple[str, str]]
REASON_HINT = "Written for the record."


def hold_fields(_: Choices) -> list[Field]:
    return [Field("textarea", "reason", "Why must the case be kept?",
                  "For example: a county court claim was issued.",
                  missing="Enter why the case must be kept")]


def release_fields(_: Choices) -> list[Field]:
    return [Field("textarea", "reason", "Why can the hold be released?", REASON_HINT,
                  missing="Enter why the hold can be released")]


def representatives(request: Request, case_id: UUID) -> Choices:
    case = request.app.state.service.get_case(case_id)
    return [(str(rid), f"{r.kind.capitalize()} (consent from {r.consent_on:%-d %b %Y})")
            for rid, r in case.representatives.items()]


def erasure_fields(reps: Choices) -> list[Field]:
    which = [Field("radios", "representative_id", "Which representative?",
                   "Only when erasing a representative's data.", reps)] if reps else []
    return [Field("radios", "person", "Whose personal data?", options=options(ErasedPerson),
                  missing="Choose whose personal data"), *which,
            Field("radios", "ground", "Why?", options=options(ErasureGround),
                  missing="Choose why")]


class ConfirmDisposal(EmptyCommand):
    confirm: Literal[True]  # the page's own question; the route reads only occurred_at


def disposal_fields(_: Choices) -> list[Field]:
    return [Field("check", "confirm", "I have checked the case is past its retention date "
                  "and no hold applies", "Every person's key on the case is destroyed: "
                  "this cannot be undone.",
                  missing="Confirm you have checked the case can be disposed of")]


SPECS = {s.slug: s for s in [
    Spec("legal-hold", "Place a litigation hold", ("POST", f"{C}/legal-holds"),
         LegalHoldReason, privacy.place_legal_hold, hold_fields, "reason", "hold_placed",
         intro="The case is kept past its retention date until the hold is released.",
         button="Place the hold", admin=True),
    Spec("release", "Release the litigation hold",
         ("POST", f"{C}/legal-holds/{{hold_id}}/release"), LegalHoldReason,
         privacy.release_legal_hold, release_fields, "reason", "hold_released",
         part="legal-hold", button="Release", admin=True),
    Spec("erasure", "Erase a person's personal data", ("POST", f"{C}/erasures"), ErasePerson,
         privacy.erase_person, erasure_fields, "person", "erased",
         intro="Their key is destroyed: their details show as [erased] everywhere, the rest "
               "of the history stays. Refused while a legal hold applies.",
         button="Erase", admin=True, choices=representatives),
    Spec("disposal", "Dispose of the case", ("POST", f"{C}/disposal"), ConfirmDisposal,
         privacy.dispose_case, disposal_fields, "confirm", "disposed",
         intro="Only a closed case past its retention date, with no legal hold.",
         button="Dispose of the case", admin=True),
]}
for _spec in SPECS.values():
    add_form(router, _spec)
ADMIN = Allow(*(s.api for s in SPECS.values()))
DONE = {"hold_placed": "Litigation hold placed", "hold_released": "Litigation hold released",
        "erased": "Personal data erased", "disposed": "Case disposed of"}


@router.get("/admin/cases")
def find_case(request: Request, views: Views, actor: Annotated[Actor, Depends(ADMIN)],
              case_id: Annotated[str | None, Query(max_length=100)] = None) -> Response:
    form = Form({"case_id": (case_id or "").strip()})
    if case_id is not None:
        try:
            found = UUID(form.get("case_id"))
        except ValueError:
            form.error("case_id", "Enter a case id like 3f2b6c1e-8d4a-4e7b-9c0d-1a2b3c4d5e6f")
        else:
            return RedirectResponse(f"/admin/cases/{found}", 303)
    return render(request, "admin_find.html", actor=actor, title="Case administration",
                  form=form, status=422 if form.errors else 200)


@router.get("/admin/cases/{case_id}")
def admin_case(request: Request, case_id: UUID, service: Service, views: Views,
               actor: Annotated[Actor, Depends(ADMIN)],
               done: Annotated[str | None, Query(max_length=40)] = None,
               after: Annotated[int | None, Query(ge=1, le=2**62)] = None) -> Response:
    wait(service, views, after)
    case = case_or_404(views, case_id)
    holds = service.get_case(case_id).litigation_holds
    actions: list[tuple[str, str]] = [
        (SPECS[s].href(case_id), SPECS[s].title) for s in ("legal-hold", "erasure", "disposal")]
    actions += [(SPECS["release"].href(case_id, hid),
                 f"Release the litigation hold placed on {placed:%-d %b %Y}")
                for hid, placed in holds.items()]
    facts: dict[str, Any] = {
        "Status": case["status"], "Closed": case["closed_at"],
        "Retain until": case["retain_until"],
        "What holds it": ", ".join(h.replace("_", " ") for h in
                                   case["flags"].get("legal_holds") or []) or None,
        "Personal data erased": case["flags"].get("personal_data_erased"),
        "Disposed of": case["flags"].get("disposed_at")}
    return render(request, "admin_case.html", actor=actor, title="Case administration",
                  case=case, facts=facts, actions=actions, done=DONE.get(done or ""))
