"""Managers' pages: the work queues with due dates and ages, and one page for each decision
(checks, concern, warnings, restrictions proposed, decided, ratified, reviewed, extended and
lifted, appeals recorded and decided, notices sent)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from api.access import C
from api.deps import Service, Views
from api.identity import with_customer_refs
from api.routes import appeals, cases, decisions, other, restrictions
from api.schemas import (
    AssignOwner,
    CloseCase,
    CompleteReview,
    DecideAppeal,
    DecideRestriction,
    ExtendRestriction,
    GiveWarning,
    ImposeImmediateRestriction,
    LateAppealDecision,
    LiftRestriction,
    LodgeAppeal,
    ProposeRestriction,
    RaiseConcern,
    Ratify,
    RecordCheck,
    RecordNoticeSent,
)
from api.web.forms import Field, Spec, add_form
from api.web.pages import PageRoute, options, render
from api.web.session import Allow
from domain.actors import Actor
from domain.vocabulary import (
    AppealOutcome,
    BehaviourCategory,
    CheckKind,
    NoticeFormat,
    ReviewOutcome,
)
from projections import queries

router = APIRouter(route_class=PageRoute, include_in_schema=False)
R = f"{C}/restrictions/{{restriction_id}}"
A = f"{C}/appeals/{{appeal_id}}"
Choices = list[tuple[str, str]]

EVIDENCE = "Which recorded incidents or contacts show it?"
REASON_HINT = "Written for the record: the customer can ask to see it."


def _evidence(choices: Choices, label: str = EVIDENCE) -> Field:
    return Field("evidence", "evidence", label, "Choose at least one.", choices,
                 missing="Choose the incidents or contacts that show it")


def _reason(label: str = "Your reasons") -> Field:
    return Field("textarea", "reason", label, REASON_HINT, missing="Enter your reasons")


def check_fields(_: Choices) -> list[Field]:
    return [Field("radios", "kind", "Which check?", options=options(CheckKind),
                  missing="Choose which check"),
            Field("textarea", "notes", "What you found",
                  "For a vulnerability assessment this is special-category data."),
            Field("check", "customer_declined", "The customer declined the assessment"),
            Field("check", "written_communication_ok", "Written communication is suitable"),
            Field("check", "legitimate_issue_found", "A legitimate issue behind the contact "
                  "was found"),
            Field("checkboxes", "adjustments", "Adjustments the customer needs for notices",
                  options=options(NoticeFormat))]


def concern_fields(choices: Choices) -> list[Field]:
    return [_evidence(choices), _reason("Why is this a concern?"),
            Field("checkboxes", "categories", "Which behaviour?",
                  options=options(BehaviourCategory))]


def warning_fields(choices: Choices) -> list[Field]:
    return [Field("radios", "kind", "Which warning?",
                  "Only managers can issue a formal warning.",
                  [("informal", "Informal warning"), ("formal", "Formal warning")],
                  missing="Choose which warning"),
            _evidence(choices), _reason(),
            Field("textarea", "behaviour_justification", "Why the behaviour justifies it",
                  "Required when there is an open service failure.")]


def propose_fields(choices: Choices) -> list[Field]:
    return [Field("terms", "terms", "Terms"), _evidence(choices), _reason(),
            Field("date", "review_date", "Review date",
                  "When the restriction must be reviewed; within the policy's maximum."),
            Field("date", "ends_on", "End date (optional)")]


def immediate_fields(choices: Choices) -> list[Field]:
    return [Field("terms", "terms", "Terms"),
            _evidence(choices, "Which recorded threat or violence makes it necessary?"),
            _reason(), Field("date", "ends_on", "End date (optional)")]


def reason_only(_: Choices) -> list[Field]:
    return [_reason()]


def owner_fields(_: Choices) -> list[Field]:
    return [Field("text", "owner_id", "New case owner", "Their user name.",
                  missing="Enter the new owner's user name"), _reason()]


def decide_fields(_: Choices) -> list[Field]:
    return [Field("radios", "outcome", "Your decision",
                  "You cannot decide a restriction you proposed.",
                  [("approved", "Approve"), ("rejected", "Reject")],
                  missing="Choose your decision"), _reason(),
            Field("date", "review_date", "Review date (optional)",
                  "Leave empty to keep the proposed review date."),
            Field("textarea", "behaviour_justification", "Why the behaviour justifies it",
                  "Required when there is an open service failure.")]


def ratify_fields(_: Choices) -> list[Field]:
    return [Field("radios", "outcome", "Your decision",
                  "You cannot ratify a restriction you imposed.",
                  [("ratified", "Ratify"), ("refused", "Refuse")],
                  missing="Choose your decision"), _reason(),
            Field("date", "review_date", "Review date", "Required to ratify.")]


def review_fields(choices: Choices) -> list[Field]:
    return [Field("radios", "outcome", "Outcome of the review", options=options(ReviewOutcome),
                  missing="Choose the outcome of the review"),
            _reason(), Field("evidence", "evidence", "Evidence considered (optional)",
                             options=choices),
            Field("date", "next_review_date", "Next review date",
                  "Required to continue or vary."),
            Field("terms", "new_terms", "New terms (to vary)"),
            Field("textarea", "behaviour_justification", "Why the behaviour justifies it",
                  "Required when there is an open service failure.")]


def lift_fields(_: Choices) -> list[Field]:
    return [_reason("Why lift it now?")]


def extend_fields(_: Choices) -> list[Field]:
    return [Field("date", "ends_on", "New end date",
                  "After today and after the current end date."), _reason()]


def appeal_fields(_: Choices) -> list[Field]:
    return [Field("moment", "occurred_at", "When was the appeal received?", "UK time."),
            Field("textarea", "grounds", "The customer's grounds (optional)")]


def appeal_decision_fields(choices: Choices) -> list[Field]:
    return [Field("radios", "outcome", "Your decision",
                  "You cannot decide an appeal about a restriction you took part in.",
                  options(AppealOutcome), missing="Choose your decision"), _reason(),
            Field("evidence", "evidence", "Evidence considered (optional)", options=choices),
            Field("terms", "new_terms", "New terms (if varied)")]


def notice_fields(_: Choices) -> list[Field]:
    return [Field("radios", "notice_format", "Format sent",
                  "In the format the customer needs.", options(NoticeFormat))]


SPECS = {s.slug: s for s in [
    Spec("checks", "Record a pre-decision check", ("POST", f"{C}/checks"), RecordCheck,
         decisions.record_check, check_fields, "kind", "check"),
    Spec("concern", "Raise a concern", ("POST", f"{C}/concerns"), RaiseConcern,
         decisions.raise_concern, concern_fields, "evidence", "concern"),
    Spec("warning", "Give a warning", ("POST", f"{C}/warnings"), GiveWarning,
         decisions.give_warning, warning_fields, "kind", "warning"),
    Spec("propose", "Propose a restriction", ("POST", f"{C}/restrictions"),
         ProposeRestriction, restrictions.propose_restriction, propose_fields, "terms",
         "proposed", intro="A second manager must approve it. The always-open exceptions "
                           "(emergencies, safeguarding, rent, complaints about a new matter, "
                           "subject access) are added to every restriction.",
         button="Propose"),
    Spec("immediate", "Impose an immediate restriction",
         ("POST", f"{C}/immediate-restrictions"), ImposeImmediateRestriction,
         restrictions.impose_immediate_restriction, immediate_fields, "evidence", "imposed",
         intro="Only after threats or violence. A senior manager must ratify it in time, "
               "with a review date.", button="Impose"),
    Spec("owner", "Assign the case owner", ("POST", f"{C}/owner"), AssignOwner,
         other.assign_owner, owner_fields, "owner_id", "owner", button="Assign"),
    Spec("closure", "Close the case", ("POST", f"{C}/closure"), CloseCase, cases.close_case,
         reason_only, "reason", "closed", intro="Only when nothing is in force, no appeal is "
         "open and any lift notice has been sent.", button="Close the case"),
    Spec("late-acceptance", "Accept the late appeal", ("POST", f"{A}/late-acceptance"),
         LateAppealDecision, appeals.accept_late_appeal, reason_only, "reason",
         "late_accepted", part="appeal", button="Accept"),
    Spec("late-rejection", "Reject the late appeal", ("POST", f"{A}/late-rejection"),
         LateAppealDecision, appeals.reject_late_appeal, reason_only, "reason",
         "late_rejected", part="appeal", button="Reject"),
    Spec("decision", "Approve or reject the restriction", ("POST", f"{R}/decision"),
         DecideRestriction, restrictions.decide_restriction, decide_fields, "outcome",
         "decided", part="restriction", button="Record decision"),
    Spec("ratification", "Ratify the immediate restriction", ("POST", f"{R}/ratification"),
         Ratify, restrictions.ratify, ratify_fields, "outcome", "ratified",
         part="restriction", button="Record decision"),
    Spec("review", "Complete the review", ("POST", f"{R}/reviews"), CompleteReview,
         restrictions.complete_review, review_fields, "outcome", "reviewed",
         part="restriction"),
    Spec("lift", "Lift the restriction", ("POST", f"{R}/lift"), LiftRestriction,
         restrictions.lift, lift_fields, "reason", "lifted", part="restriction",
         button="Lift"),
    Spec("extension", "Extend the restriction", ("POST", f"{R}/extension"),
         ExtendRestriction, restrictions.extend, extend_fields, "ends_on", "extended",
         part="restriction", button="Extend"),
    Spec("appeal", "Record the customer's appeal", ("POST", f"{R}/appeals"), LodgeAppeal,
         restrictions.lodge_appeal, appeal_fields, "occurred_at", "appealed",
         part="restriction"),
    Spec("appeal-decision", "Decide the appeal", ("POST", f"{A}/decision"), DecideAppeal,
         appeals.decide_appeal, appeal_decision_fields, "outcome", "appeal_decided",
         part="appeal", button="Record decision"),
    Spec("sent", "Record that the notice was sent", ("POST", f"{C}/notices/{{notice_id}}/"
                                                             "dispatch"),
         RecordNoticeSent, restrictions.record_notice_sent, notice_fields, "notice_format",
         "notice_sent", part="notice"),
]}
for _spec in SPECS.values():
    add_form(router, _spec)


def manager_actions(case: dict[str, Any], timeline: list[dict[str, Any]]
                    ) -> list[tuple[str, str]]:
    """Decisions open on this case now, as links (shown only to roles their page admits)."""
    case_id = case["case_id"]
    current = case.get("current_restriction") or {}
    rid, status = current.get("restriction_id"), current.get("status")
    in_force = status in ("proposed", "awaiting_ratification", "active")
    out = [(SPECS[s].href(case_id), SPECS[s].title)
           for s in ("concern", "checks", "warning", "propose", "immediate", "owner",
                     "closure")
           if not (s in ("propose", "immediate", "closure") and in_force)]
    if rid and status == "proposed":
        out.append((SPECS["decision"].href(case_id, rid), SPECS["decision"].title))
    if rid and status == "awaiting_ratification":
        out.append((SPECS["ratification"].href(case_id, rid), SPECS["ratification"].title))
    if rid and status == "active":
        out += [(SPECS[s].href(case_id, rid), SPECS[s].title)
                for s in ("review", "extension", "lift", "appeal")]
    appeal = case.get("current_appeal") or {}
    if appeal.get("appeal_id") and appeal.get("status") == "lodged":
        out.append((SPECS["appeal-decision"].href(case_id, appeal["appeal_id"]),
                    SPECS["appeal-decision"].title))
    if appeal.get("appeal_id") and appeal.get("status") == "late_awaiting_decision":
        out += [(SPECS[s].href(case_id, appeal["appeal_id"]), SPECS[s].title)
                for s in ("late-acceptance", "late-rejection")]
    return out


# --- work queues --------------------------------------------------------------------------

QUEUE_TITLES = {
    "reviews_due": "Reviews due or overdue", "appeals_awaiting_decision":
    "Appeals awaiting a decision", "ratifications_awaiting":
    "Immediate restrictions awaiting ratification", "contacts_awaiting_triage":
    "Contacts awaiting triage", "notices_unsent": "Notices not yet sent",
    "subject_access": "Subject access requests", "ombudsman_overdue":
    "Ombudsman matters overdue", "ombudsman_remedies": "Ombudsman remedies outstanding",
    "appeal_windows_open": "Appeal windows open"}
QUEUES = ("GET", "/api/v1/queues/{queue}")


@router.get("/queues")
def queues_page(request: Request, views: Views, service: Service,
                actor: Annotated[Actor, Depends(Allow(QUEUES, ("GET", C)))]) -> Response:
    case_view = views["case_view"]
    shown = []
    for name, title in QUEUE_TITLES.items():
        page = queries.WORK_QUEUES[name](case_view, limit=50)
        with_customer_refs(service, page["items"])
        for item in page["items"]:
            item["customer_ref"] = item["customer_ref"] or str(item["case_id"])
        shown.append((name, title, page["items"], page["next_cursor"] is not None))
    return render(request, "queues.html", actor=actor, title="Work queues", queues=shown,
                  today=queries.today())
