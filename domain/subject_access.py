"""A subject access export: everything held about one customer, other people redacted.

Pure: the caller passes the case, its decrypted events and the rows of the special-category
read log; this builds a JSON-ready dict (the API also renders it as HTML).

What is redacted (other people's personal data): a representative's details (sealed with
the representative's own key, so never the customer's to receive), and the staff named as
affected by an incident or accused in a counter-allegation (``staff_id``, ``staff_ids``).
Staff acting in their role (who recorded, decided or read) are shown: that is information
about how the customer's data was processed, which the customer is entitled to.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Any
from uuid import UUID

from domain.personal import PersonalData
from domain.privacy import legal_holds

if TYPE_CHECKING:
    from domain.case import Case

REDACTED_OTHER_PERSON = "[redacted: another person's personal data]"
REDACTED_STAFF = "[redacted: staff member]"
THIRD_PARTY_FIELDS = frozenset({"staff_id", "staff_ids"})
_ENVELOPE = frozenset({"originator_id", "originator_version", "timestamp", "occurred_at",
                       "recorded_at", "actor_id", "actor_role", "command_id",
                       "upc_trace"})
EXPLANATION = (
    "This is every fact recorded about you on this case, in the order it was recorded, with "
    "your personal data in full. Where a record also holds personal data about someone else "
    "(a representative's details, a member of staff named in an incident or allegation) "
    "that part is redacted. Text shown as [erased] was erased and can no longer be read by "
    "anyone. 'Special-category reads' lists every time a member of staff read your "
    "vulnerability or health information.")


def plain(value: Any, subject_id: str) -> Any:
    """A JSON value, with personal data that is not the customer's redacted."""
    if isinstance(value, PersonalData):
        return str(value) if value.subject_id == subject_id else REDACTED_OTHER_PERSON
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): plain(v, subject_id) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v, subject_id) for v in value]
    return value


def event_record(event: Any, subject_id: str) -> dict[str, Any]:
    data = {}
    for name, value in vars(event).items():
        if name in _ENVELOPE:
            continue
        if name in THIRD_PARTY_FIELDS and value:
            data[name] = ([REDACTED_STAFF] * len(value) if isinstance(value, list)
                          else REDACTED_STAFF)
            continue
        data[name] = plain(value, subject_id)
    occurred = getattr(event, "occurred_at", None)
    return {"version": event.originator_version, "type": type(event).__name__,
            "occurred_at": plain(occurred, subject_id),
            "recorded_at": plain(getattr(event, "recorded_at", event.timestamp), subject_id),
            "recorded_by": getattr(event, "actor_id", None),
            "recorded_by_role": getattr(event, "actor_role", None), "data": data}


def subject_access_export(case: Case, events: Iterable[Any],
                          reads: Sequence[Mapping[str, Any]],
                          generated_at: datetime) -> dict[str, Any]:
    subject = case.subject_id
    return {
        "case_id": str(case.id),
        "customer_ref": str(case.customer_ref),
        "generated_at": generated_at.isoformat(),
        "explanation": EXPLANATION,
        "status": case.status,
        "personal_data_erased": subject in case.erased_subjects,
        "closed_at": plain(case.closed_at, subject),
        "retain_until": plain(case.retain_until, subject),
        "disposed_at": plain(case.disposed_at, subject),
        "legal_holds": [h.to_dict() for h in legal_holds(case)],
        "subject_access_requests": [
            {"request_id": str(r), "received_at": received.isoformat(),
             "due_on": case.sar_due_on[r].isoformat(), "extended": r in case.sar_extended,
             "answered": r in case.sar_fulfilled}
            for r, received in case.subject_access_requests.items()],
        "notices": [
            {"notice_id": str(n.notice_id), "kind": n.kind, "about": str(n.about_id),
             "owed_since": n.owed_since.isoformat(),
             "sent_at": plain(n.sent_at, subject), "format": n.format}
            for n in case.notices.values()],
        "triage_outcomes": [
            {"contact_id": str(contact_id), "channel": c.channel, "direction": c.direction,
             "occurred_at": c.occurred_at.isoformat(), "classification": c.triage}
            for contact_id, c in case.contacts.items() if c.triage is not None],
        "special_category_reads": [
            {key: plain(value, subject) for key, value in row.items()} for row in reads],
        "events": [event_record(event, subject) for event in events],
    }
