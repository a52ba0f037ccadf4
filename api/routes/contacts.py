"""Contacts, their triage, incidents and the support offered to staff."""

from __future__ import annotations

from uuid import UUID

from fastapi import Response

from api.commands import Command, recorded
from api.routes import CASE, guarded_router
from api.schemas import (
    RecordContact,
    Recorded,
    RecordIncident,
    RecordStaffSupport,
    TriageContact,
)

router = guarded_router("contacts and incidents")


@router.post(f"{CASE}/contacts", status_code=201, response_model=Recorded,
             summary="Record a contact (every contact is recorded, restricted or not)")
def record_contact(case_id: UUID, body: RecordContact, ctx: Command,
                   response: Response) -> Recorded:
    """Record a contact from or to the customer (every contact is recorded,
    restricted or not). `occurred_at` is when it happened; the summary is personal data, sealed.
    A contact received while a restriction is in force waits in the `contacts_awaiting_triage`
    queue until it is triaged."""
    contact_id = ctx.new_id(case_id)
    case = ctx.run(lambda **o: ctx.service.record_contact(
        case_id, ctx.actor, channel=body.channel.value, direction=body.direction.value,
        occurred_at=body.occurred_at, summary=body.summary, contact_id=contact_id, **o))
    return recorded(ctx, case, response, created=contact_id)


@router.post(f"{CASE}/contacts/{{contact_id}}/triage", response_model=Recorded,
             summary="Classify a contact, exactly once")
def triage_contact(case_id: UUID, contact_id: UUID, body: TriageContact, ctx: Command,
                   response: Response) -> Recorded:
    """Classify a contact, exactly once: emergency, safeguarding, mandatory
    service, new issue, significant new information, no new information or breach of terms (which
    should also be recorded as an incident)."""
    case = ctx.run(lambda **o: ctx.service.triage_contact(
        case_id, ctx.actor, contact_id=contact_id, classification=body.classification.value,
        note=body.note, occurred_at=body.occurred_at, **o))
    return recorded(ctx, case, response)


@router.post(f"{CASE}/incidents", status_code=201, response_model=Recorded,
             summary="Record an incident of behaviour, in the policy's coded categories")
def record_incident(case_id: UUID, body: RecordIncident, ctx: Command,
                    response: Response) -> Recorded:
    """Record an incident of behaviour in one of the policy's coded categories
    (neutral language), naming the staff affected. Incidents and contacts are the evidence a
    concern, warning or restriction refers to: keep the returned `id`."""
    incident_id = ctx.new_id(case_id)
    case = ctx.run(lambda **o: ctx.service.record_incident(
        case_id, ctx.actor, category=body.category.value, description=body.description,
        occurred_at=body.occurred_at, staff_ids=body.staff_ids, contact_id=body.contact_id,
        incident_id=incident_id, **o))
    return recorded(ctx, case, response, created=incident_id)


@router.post(f"{CASE}/incidents/{{incident_id}}/staff-support", response_model=Recorded,
             summary="Record support offered to, accepted or declined by a staff member")
def record_staff_support(case_id: UUID, incident_id: UUID, body: RecordStaffSupport,
                         ctx: Command, response: Response) -> Recorded:
    """Record that support was offered to, accepted or declined by a staff
    member affected by an incident."""
    case = ctx.run(lambda **o: ctx.service.record_staff_support(
        case_id, ctx.actor, incident_id=incident_id, staff_id=body.staff_id,
        response=body.response.value, occurred_at=body.occurred_at, **o))
    return recorded(ctx, case, response)
