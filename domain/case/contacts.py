"""Contacts and incidents: recorded, triaged exactly once, staff supported."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from domain import events as ev
from domain.case.core import CaseCore
from domain.case.stamp import Stamp
from domain.errors import (
    ContactAlreadyTriaged,
    SupportNotOffered,
)
from domain.permissions import (
    FRONT_LINE,
)
from domain.rules import parse_code
from domain.vocabulary import (
    BehaviourCategory,
    Channel,
    Direction,
    SupportResponse,
    Triage,
)


class ContactCommands(CaseCore):
    def record_contact(self, contact_id: UUID, channel: str, direction: str, summary: str,
                       stamp: Stamp) -> None:
        self._open_for(stamp, FRONT_LINE, "record a contact")
        self._record(ev.ContactRecorded, stamp, contact_id=contact_id,
                     channel=parse_code(Channel, channel, "channel").value,
                     direction=parse_code(Direction, direction, "direction").value,
                     summary=self.personal(summary))

    def triage_contact(self, contact_id: UUID, classification: str, note: str,
                       stamp: Stamp) -> None:
        self._open_for(stamp, FRONT_LINE, "triage a contact")
        triage = parse_code(Triage, classification, "triage classification")
        contact = self._contact(contact_id)
        if contact.triage is not None:
            raise ContactAlreadyTriaged(
                f"This contact was already classified as '{contact.triage}'; a contact is "
                "classified exactly once.")
        incident_id = self.new_id("incident") if triage is Triage.BREACH_OF_TERMS else None
        self._record(ev.ContactTriaged, stamp, contact_id=contact_id,
                     classification=triage.value, note=self.personal(note),
                     incident_id=incident_id)

    def record_incident(self, incident_id: UUID, category: str, description: str,
                        staff_ids: Sequence[str], contact_id: UUID | None,
                        stamp: Stamp) -> None:
        self._open_for(stamp, FRONT_LINE, "record an incident")
        code = parse_code(BehaviourCategory, category, "behaviour category")
        if contact_id is not None:
            self._contact(contact_id)
        self._record(ev.IncidentRecorded, stamp, incident_id=incident_id,
                     category=code.value, staff_ids=sorted(set(staff_ids)),
                     contact_id=contact_id, description=self.personal(description))

    def record_staff_support(self, incident_id: UUID, staff_id: str, response: str,
                             stamp: Stamp) -> None:
        self._open_for(stamp, FRONT_LINE, "record staff support")
        answer = parse_code(SupportResponse, response, "support response")
        incident = self._incident(incident_id)
        if answer is not SupportResponse.OFFERED and staff_id not in incident.support:
            raise SupportNotOffered(
                f"Support has not been offered to {staff_id} for this incident; record the "
                "offer first.")
        if incident.support.get(staff_id) == answer.value:
            return
        self._record(ev.StaffSupportRecorded, stamp, incident_id=incident_id,
                     staff_id=staff_id, response=answer.value)
