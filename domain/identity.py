"""Pseudonymous identity: case ids are random; a customer reference is found through a keyed
hash, never stored in clear.

The customer reference (the landlord's own tenancy or customer number) is personal data: it
is sealed with the customer's key in ``Opened`` (v3), so erasure takes it with the rest.
"One case per customer" and every lookup by reference go through a ``CustomerIndex``
aggregate whose id is derived from ``lookup_hash``: HMAC-SHA256 of the reference under the
lookup key, a secret kept in the key store (the ``KeyStore`` port, entry
``LOOKUP_KEY_SUBJECT``, wrapped by the master key like every person's key). Without that key
the index ids say nothing; with it, only someone who already knows a reference can find its
case. The index records which case the reference belongs to, is saved in the same atomic
write as the new case (so two concurrent openings cannot both succeed), and is released when
the customer is erased or the case disposed of: the reference then finds nothing, and a new
case may be opened for it.

Cases opened before this (``Opened`` v1/v2) have ids derived from the reference
(``legacy_case_id``) and no index entry; lookups and the duplicate check still find them by
that id. Pure computation: no I/O.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import TYPE_CHECKING, Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.errors import InvalidInput

#: The key-store entry holding the lookup key (not a person: never erased).
LOOKUP_KEY_SUBJECT = "upc:customer-reference-lookup"
#: The namespace the old derived case ids were made in (``uuid5(CASE_NAMESPACE, ref)``).
CASE_NAMESPACE = uuid5(NAMESPACE_URL, "urn:upc:case")
INDEX_NAMESPACE = uuid5(NAMESPACE_URL, "urn:upc:customer-index")


def normalise(customer_ref: str) -> str:
    ref = customer_ref.strip()
    if not ref:
        raise InvalidInput("a customer reference is required")
    return ref


def lookup_hash(key: bytes, customer_ref: str) -> str:
    """The reference's keyed hash (hex): equal references, equal hashes; no key, no link."""
    return hmac.new(key, normalise(customer_ref).encode("utf-8"), hashlib.sha256).hexdigest()


def index_id(lookup: str) -> UUID:
    return uuid5(INDEX_NAMESPACE, lookup)


def legacy_case_id(customer_ref: str) -> UUID:
    """The id a case opened before random ids got: derived from the reference. Only to find
    those old cases; no new case gets such an id."""
    return uuid5(CASE_NAMESPACE, customer_ref)


class CustomerIndex(Aggregate):
    """Which case a customer reference (by its keyed hash) belongs to, if any."""

    TOPIC = "upc.identity:CustomerIndex"

    class Event(Aggregate.Event):
        TOPIC = "upc.identity:CustomerIndex.Event"

    class Registered(Event, Aggregate.Created):
        """The first case of this reference; the index is created with it."""

        TOPIC = "upc.identity:CustomerIndex.Registered"
        case_id: UUID

        def apply(self, aggregate: Any) -> None:
            aggregate.case_id = self.case_id

    class Reassigned(Event):
        """A new case for a reference whose earlier case was released."""

        TOPIC = "upc.identity:CustomerIndex.Reassigned"
        case_id: UUID

        def apply(self, aggregate: Any) -> None:
            aggregate.case_id = self.case_id

    class Released(Event):
        """The customer was erased (or the case disposed of): the reference finds nothing."""

        TOPIC = "upc.identity:CustomerIndex.Released"
        case_id: UUID

        def apply(self, aggregate: Any) -> None:
            aggregate.case_id = None

    if TYPE_CHECKING:
        case_id: UUID | None

    @classmethod
    def register(cls, lookup: str, case_id: UUID) -> CustomerIndex:
        return cls._create(cls.Registered, id=index_id(lookup), case_id=case_id)

    def reassign(self, case_id: UUID) -> None:
        if self.case_id is not None:
            raise ValueError("the reference still has a case")
        self.trigger_event(self.Reassigned, case_id=case_id)

    def release(self, case_id: UUID) -> None:
        """Idempotent; a release for another case than the current one changes nothing."""
        if self.case_id == case_id:
            self.trigger_event(self.Released, case_id=case_id)
