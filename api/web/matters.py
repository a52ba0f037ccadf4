"""Pages for the other things a case must take: counter-allegations, representatives and
advocates, subject access requests (record, extend, answer), restriction complaints (record,
resolve), Ombudsman contacts (record, determination and remedies, closure), per-case setting
overrides and equality monitoring answers (write-only: never shown back, to anyone).

Each is a ``Spec`` (``api.web.forms``): the API's own schema and route function."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.access import C
from api.routes import equality, ombudsman, other, privacy, restrictions
from api.schemas import (
    NominateRepresentative,
    OverrideSetting,
    RecordCounterAllegation,
    RecordOmbudsmanContact,
    RecordRestrictionComplaint,
    RecordSubjectAccessRequest,
)
from api.schemas_privacy import EmptyCommand, ExtendSubjectAccess
from api.web.forms import Field, Spec, add_form
from api.web.pages import PageRoute, options
from domain.equality import PREFER_NOT_TO_SAY, QUESTIONS
from domain.settings import SEED, Setting
from domain.vocabulary import OmbudsmanStage, RemedyKind, RepresentativeKind

router = APIRouter(route_class=PageRoute, include_in_schema=False)
Choices = list[tuple[str, str]]
REASON_HINT = "Written for the record: the customer can ask to see it."


def _when(label: str) -> Field:
    return Field("moment", "occurred_at", label, "UK time.", missing=f"Enter {label[:1].lower()}"
                 f"{label[1:].rstrip('?')}")


def allegation_fields(_: Choices) -> list[Field]:
    return [Field("text", "staff_id", "Member of staff the allegation is about",
                  "Their user name. They can then not decide, review or own this case.",
                  missing="Enter the user name of the member of staff"),
            Field("textarea", "summary", "What does the customer allege?", "Facts only.",
                  missing="Enter what the customer alleges"),
            _when("When was it made?")]


def representative_fields(_: Choices) -> list[Field]:
    return [Field("radios", "kind", "Representative or advocate?",
                  options=options(RepresentativeKind),
                  missing="Choose representative or advocate"),
            Field("textarea", "details", "Who are they and how do we reach them?",
                  "Personal data: sealed with the customer's key."),
            Field("date", "consent_on", "Date the customer consented",
                  missing="Enter the date the customer consented")]


def sar_fields(_: Choices) -> list[Field]:
    return [_when("When was the request received?")]


def sar_extension_fields(_: Choices) -> list[Field]:
    return [Field("textarea", "reason", "Why is the request complex?", REASON_HINT,
                  missing="Enter why the request is complex")]


def answered_fields(_: Choices) -> list[Field]:
    return [_when("When was it answered?")]


def resolved_fields(_: Choices) -> list[Field]:
    return [_when("When was it resolved?")]


def complaint_fields(_: Choices) -> list[Field]:
    return [Field("textarea", "summary", "What is the complaint?", "Facts only.",
                  missing="Enter what the complaint is"), _when("When was it made?")]


def ombudsman_fields(_: Choices) -> list[Field]:
    return [Field("radios", "stage", "Enquiry or order?", options=options(OmbudsmanStage),
                  missing="Choose enquiry or order"),
            Field("text", "reference", "The Ombudsman's reference",
                  missing="Enter the Ombudsman's reference"),
            Field("date", "due_on", "Due date (optional)",
                  "The date the Ombudsman set: it overrides the normal schedule."),
            Field("textarea", "details", "Details (optional)")]


def determination_fields(_: Choices) -> list[Field]:
    return [*(Field("date", f"remedy_{kind.value}", f"{kind.value.replace('_', ' ').capitalize()}"
                    " ordered: due date", "Leave empty if it was not ordered.")
              for kind in RemedyKind),
            Field("textarea", "details", "Details (optional)")]


def determination_body(body: dict[str, Any]) -> dict[str, Any]:
    remedies = [{"kind": kind.value, "due_on": body.pop(f"remedy_{kind.value}")}
                for kind in RemedyKind if f"remedy_{kind.value}" in body]
    return {**body, "remedies": remedies}


def remedy_fields(_: Choices) -> list[Field]:
    return [Field("textarea", "note", "What was done? (optional)"),
            _when("When was it done?")]


def override_fields(_: Choices) -> list[Field]:
    return [Field("radios", "setting", "Which setting?", "The policy's starting default is "
                  "shown after each; the policy settings page has the organisation's values.",
                  [(s.value, f"{s.value.replace('_', ' ').capitalize()} ({SEED[s]})"
                    if s in SEED else s.value.replace("_", " ").capitalize())
                   for s in Setting], missing="Choose which setting"),
            Field("text", "value", "Value for this case", "For example: 30 working_days.",
                  missing="Enter the value for this case"),
            Field("textarea", "reason", "Why does this case need it?", REASON_HINT,
                  missing="Enter why this case needs it")]


def _answer(code: str) -> str:
    words = code.replace("_plus", " or over").replace("_", " ")
    return words.replace(" ", " to ", 1) if code[:1].isdigit() and "_" in code \
        and not code.endswith("plus") else words.capitalize()


def equality_fields(_: Choices) -> list[Field]:
    return [Field("check", "consent", "The customer agreed to answer for equality monitoring",
                  "Asked separately from their case. Required."),
            *(Field("radios", q, f"{q.replace('_', ' ').capitalize()} (optional)",
                    options=[(c, _answer(c)) for c in (*codes, PREFER_NOT_TO_SAY)])
              for q, codes in QUESTIONS.items())]


def withdrawal_fields(_: Choices) -> list[Field]:
    return [_when("When did they withdraw consent?")]


SAR = f"{C}/subject-access-requests/{{request_id}}"
M = f"{C}/ombudsman-contacts/{{matter_id}}"
SPECS = {s.slug: s for s in [
    Spec("counter-allegation", "Record a counter-allegation", ("POST", f"{C}/counter-allegations"),
         RecordCounterAllegation, other.record_counter_allegation, allegation_fields,
         "staff_id", "allegation"),
    Spec("representative", "Record a representative or advocate",
         ("POST", f"{C}/representatives"), NominateRepresentative,
         other.nominate_representative, representative_fields, "kind", "representative"),
    Spec("subject-access-request", "Record a subject access request",
         ("POST", f"{C}/subject-access-requests"), RecordSubjectAccessRequest,
         other.record_subject_access_request, sar_fields, "occurred_at", "sar",
         intro="Always open, whatever restriction applies. It is due in one calendar month."),
    Spec("extension", "Extend the subject access request", ("POST", f"{SAR}/extension"),
         ExtendSubjectAccess, privacy.extend_subject_access, sar_extension_fields, "reason",
         "sar_extended", part="subject-access-request", button="Extend"),
    Spec("response", "Record that the subject access request was answered",
         ("POST", f"{SAR}/response"), EmptyCommand, privacy.fulfil_subject_access,
         answered_fields, "occurred_at", "sar_answered", part="subject-access-request"),
    Spec("complaint", "Record a complaint about the restriction",
         ("POST", f"{C}/restrictions/{{restriction_id}}/complaints"),
         RecordRestrictionComplaint, restrictions.record_restriction_complaint,
         complaint_fields, "summary", "complaint", part="restriction"),
    Spec("resolution", "Record that the complaint was resolved",
         ("POST", f"{C}/complaints/{{complaint_id}}/resolution"), EmptyCommand,
         privacy.resolve_complaint, resolved_fields, "occurred_at", "complaint_resolved",
         part="complaint"),
    Spec("ombudsman-contact", "Record an Ombudsman enquiry or order",
         ("POST", f"{C}/ombudsman-contacts"), RecordOmbudsmanContact,
         other.record_ombudsman_contact, ombudsman_fields, "reference", "ombudsman"),
    Spec("determination", "Record the Ombudsman's determination", ("POST", f"{M}/determination"),
         ombudsman.RecordDetermination, ombudsman.record_ombudsman_determination,
         determination_fields, "details", "determined", part="ombudsman-contact",
         intro="Once per matter. Each remedy ordered gets its own clock.",
         shape=determination_body),
    Spec("closure", "Close the Ombudsman matter", ("POST", f"{M}/closure"), EmptyCommand,
         privacy.close_ombudsman_matter, resolved_fields, "occurred_at", "ombudsman_closed",
         part="ombudsman-contact", intro="Not while a remedy it ordered is outstanding.",
         button="Close the matter"),
    Spec("completion", "Record that the remedy was done",
         ("POST", f"{C}/remedies/{{remedy_id}}/completion"), ombudsman.CompleteRemedy,
         ombudsman.complete_remedy, remedy_fields, "note", "remedy_done", part="remedy"),
    Spec("setting-override", "Set one of this case's clocks", ("POST", f"{C}/setting-overrides"),
         OverrideSetting, other.override_setting, override_fields, "value", "override"),
    Spec("equality-monitoring", "Record equality monitoring answers",
         ("POST", f"{C}/equality-monitoring"), equality.RecordEqualityMonitoring,
         equality.record_equality_monitoring, equality_fields, "consent", "equality",
         intro="Every question is optional. The answers are sealed and shown to no one, "
               "here or anywhere: only the committee report counts them."),
    Spec("equality-withdrawal", "Record that consent to equality monitoring was withdrawn",
         ("POST", f"{C}/equality-monitoring/withdrawal"), EmptyCommand,
         equality.withdraw_equality_consent, withdrawal_fields, "occurred_at",
         "equality_withdrawn"),
]}
for _spec in SPECS.values():
    add_form(router, _spec)


def _open(timeline: list[dict[str, Any]], key: str, opened: str, ended: str) -> list[str]:
    ids = [e["detail"][key] for e in timeline if e["event_type"] == opened
           and e["detail"].get(key)]
    done = {e["detail"].get(key) for e in timeline if e["event_type"] == ended}
    return [i for i in ids if i not in done]


def matter_actions(case: dict[str, Any], timeline: list[dict[str, Any]]
                   ) -> list[tuple[str, str]]:
    """Links for these pages on the case now (shown only to roles their page admits)."""
    case_id = case["case_id"]
    out = [(SPECS[s].href(case_id), SPECS[s].title)
           for s in ("counter-allegation", "representative", "subject-access-request",
                     "ombudsman-contact", "setting-override", "equality-monitoring")]
    consent = [e["event_type"] for e in timeline if e["event_type"] in (
        "EqualityMonitoringRecorded", "EqualityConsentWithdrawn")]
    if consent and consent[-1] == "EqualityMonitoringRecorded":  # answers held, with consent
        out.append((SPECS["equality-withdrawal"].href(case_id),
                    SPECS["equality-withdrawal"].title))
    current = case.get("current_restriction") or {}
    if current.get("restriction_id") and current.get("status") in (
            "active", "awaiting_ratification"):
        out.append((SPECS["complaint"].href(case_id, current["restriction_id"]),
                    SPECS["complaint"].title))
    for rid in _open(timeline, "request_id", "SubjectAccessRequested",
                     "SubjectAccessFulfilled"):
        out += [(SPECS[s].href(case_id, rid), SPECS[s].title) for s in ("extension", "response")]
    for cid in _open(timeline, "complaint_id", "RestrictionComplaintMade",
                     "RestrictionComplaintResolved"):
        out.append((SPECS["resolution"].href(case_id, cid), SPECS["resolution"].title))
    determined = {e["detail"].get("matter_id") for e in timeline
                  if e["event_type"] == "OmbudsmanDetermined"}
    for mid in _open(timeline, "matter_id", "OmbudsmanContacted", "OmbudsmanMatterClosed"):
        if mid not in determined:
            out.append((SPECS["determination"].href(case_id, mid),
                        SPECS["determination"].title))
        out.append((SPECS["closure"].href(case_id, mid), SPECS["closure"].title))
    remedies = [(r["remedy_id"], r.get("kind", "")) for e in timeline
                if e["event_type"] == "OmbudsmanDetermined"
                for r in e["detail"].get("remedies") or [] if r.get("remedy_id")]
    completed = {e["detail"].get("remedy_id") for e in timeline
                 if e["event_type"] == "RemedyCompleted"}
    out += [(SPECS["completion"].href(case_id, rid),
             f"Record that the remedy was done ({kind.replace('_', ' ')})")
            for rid, kind in remedies if rid not in completed]
    return out
