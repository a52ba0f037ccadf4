"""The Case aggregate: one per customer, every fact an immutable event."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.actors import Actor
from domain.errors import InvalidInput

CASE_NAMESPACE = uuid5(NAMESPACE_URL, "urn:upc:case")


class Channel(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    LETTER = "letter"
    IN_PERSON = "in_person"
    WEB_FORM = "web_form"
    SOCIAL_MEDIA = "social_media"
    TEXT_MESSAGE = "text_message"


class Direction(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


class CaseStatus(StrEnum):
    CONCERN_OPEN = "concern_open"


def case_id_for(customer_ref: str) -> UUID:
    """One case per customer: the id is derived, so opening twice cannot create two."""
    return uuid5(CASE_NAMESPACE, customer_ref)


def require_aware(moment: datetime, what: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidInput(f"{what} must carry a UTC offset")
    return moment


class Case(Aggregate):
    TOPIC = "upc.case:Case"

    class Event(Aggregate.Event):
        TOPIC = "upc.case:Case.Event"
        actor_id: str
        actor_role: str
        occurred_at: datetime
        command_id: str | None

    class Opened(Event, Aggregate.Created):
        TOPIC = "upc.case:Case.Opened"
        customer_ref: str

        def apply(self, aggregate: Any) -> None:
            aggregate.customer_ref = self.customer_ref
            aggregate.status = CaseStatus.CONCERN_OPEN
            aggregate.contacts = {}
            aggregate.command_ids = set()
            aggregate.remember(self.command_id)

    class ContactRecorded(Event):
        TOPIC = "upc.case:Case.ContactRecorded"
        contact_id: UUID
        channel: str
        direction: str
        summary: str

        def apply(self, aggregate: Any) -> None:
            aggregate.contacts[self.contact_id] = {
                "channel": self.channel,
                "direction": self.direction,
                "occurred_at": self.occurred_at,
            }
            aggregate.remember(self.command_id)

    if TYPE_CHECKING:  # state set by the events' apply(); not constructor fields
        customer_ref: str
        status: CaseStatus
        contacts: dict[UUID, dict[str, Any]]
        command_ids: set[str]

    @classmethod
    def open(cls, customer_ref: str, actor: Actor, occurred_at: datetime,
             command_id: str | None = None) -> Case:
        if not customer_ref.strip():
            raise InvalidInput("a customer reference is required")
        return cls._create(
            cls.Opened,
            id=case_id_for(customer_ref),
            customer_ref=customer_ref,
            actor_id=actor.user_id,
            actor_role=actor.role.value,
            occurred_at=require_aware(occurred_at, "occurred_at"),
            command_id=command_id,
        )

    def remember(self, command_id: str | None) -> None:
        if command_id is not None:
            self.command_ids.add(command_id)

    def record_contact(self, contact_id: UUID, channel: Channel, direction: Direction,
                       summary: str, actor: Actor, occurred_at: datetime,
                       command_id: str | None = None) -> None:
        self.trigger_event(
            self.ContactRecorded,
            contact_id=contact_id,
            channel=channel.value,
            direction=direction.value,
            summary=summary,
            actor_id=actor.user_id,
            actor_role=actor.role.value,
            occurred_at=require_aware(occurred_at, "occurred_at"),
            command_id=command_id,
        )

    def has_handled(self, command_id: str | None) -> bool:
        return command_id is not None and command_id in self.command_ids
