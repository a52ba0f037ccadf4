"""Opening a case and finding a customer's case by reference, through the keyed index
(``domain.identity``): random case ids, the reference sealed, one case per customer."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from domain.actors import Actor
from domain.case import Case, Stamp
from domain.errors import CaseAlreadyOpen, NotFound
from domain.identity import (
    LOOKUP_KEY_SUBJECT,
    CustomerIndex,
    index_id,
    legacy_case_id,
    lookup_hash,
    normalise,
)
from domain.service.base import ServiceBase


class IdentityCommands(ServiceBase):
    _lookup_key: bytes | None = None

    if TYPE_CHECKING:
        def _stamp(self, actor: Actor, occurred_at: datetime | None,
                   command_id: str | None) -> Stamp: ...

    def open_case(self, customer_ref: str, actor: Actor, *,
                  occurred_at: datetime | None = None,
                  command_id: str | None = None) -> Case:
        """A new case (random id) for a customer who has none; ``CaseAlreadyOpen`` if they
        have one (found through the index, or by the derived id of a case opened before
        random ids). The case and its index entry are saved in one atomic write, so two
        concurrent openings for one customer cannot both succeed."""
        ref = normalise(customer_ref)
        stamp = self._stamp(actor, occurred_at, command_id)
        lookup = self.customer_lookup(ref)
        index = self._index(lookup)
        existing = index.case_id if index is not None else self._legacy_case_id(ref)
        if existing is not None:
            if self.get_case(existing).has_handled(command_id):
                return self.get_case(existing)
            raise CaseAlreadyOpen(f"A case is already open for customer {ref}.")
        case = Case.open(uuid4(), ref, stamp)
        if index is None:
            index = CustomerIndex.register(lookup, case.id)
        else:
            index.reassign(case.id)
        try:
            self.save(case, index)
        except IntegrityError:
            raise CaseAlreadyOpen(f"A case is already open for customer {ref}.") from None
        return case

    def case_id_of(self, customer_ref: str) -> UUID | None:
        """The id of the customer's case, None if they have none (or were erased)."""
        ref = normalise(customer_ref)
        index = self._index(self.customer_lookup(ref))
        if index is not None:
            return index.case_id
        return self._legacy_case_id(ref)

    def customer_refs(self, case_ids: Iterable[UUID]) -> dict[UUID, str | None]:
        """Each case's customer reference, opened from its ``Opened`` event with the
        customer's key (None once erased, or for no such case). For the roles that need to
        see it; the views never hold it."""
        refs: dict[UUID, str | None] = {}
        for case_id in case_ids:
            if case_id not in refs:
                ref = self._opened_ref(case_id)
                if ref is not None and case_id == legacy_case_id(ref):
                    ref = ref if self._legacy_case_id(ref) else None  # in clear, but erased
                refs[case_id] = ref
        return refs

    def _opened_ref(self, case_id: UUID) -> str | None:
        first = list(self.events.get(case_id, lte=1))
        ref = getattr(first[0], "customer_ref", None) if first else None
        return None if ref is None or ref.text is None else str(ref.text)

    def customer_lookup(self, customer_ref: str) -> str:
        """The reference's keyed hash, under the lookup key kept in the key store."""
        if self._lookup_key is None:
            self._lookup_key = self.key_store.key_for(LOOKUP_KEY_SUBJECT)
        return lookup_hash(self._lookup_key, customer_ref)

    def release_customer(self, case_id: UUID) -> None:
        """Before the customer's key is destroyed: their reference no longer finds the case
        (and a new case may be opened for it). Idempotent; nothing for an older case that
        has no index entry, or once the reference can no longer be read."""
        ref = self._opened_ref(case_id)
        if ref is None:
            return
        for _ in range(3):
            index = self._index(self.customer_lookup(ref))
            if index is None:
                return
            index.release(case_id)
            if not index.pending_events:
                return
            try:
                self.save(index)
                return
            except IntegrityError:
                continue

    def _index(self, lookup: str) -> CustomerIndex | None:
        try:
            index: CustomerIndex = self.repository.get(index_id(lookup))
        except AggregateNotFoundError:
            return None
        return index

    def _legacy_case_id(self, ref: str) -> UUID | None:
        """A case opened before random ids, by its derived id, unless its customer has been
        erased (their reference, in clear in that old event, is then not looked up)."""
        case_id = legacy_case_id(ref)
        if not self.recorder.select_events(case_id, limit=1):
            return None
        try:
            case = self.get_case(case_id)
        except NotFound:
            return None
        return None if case.subject_id in case.erased_subjects else case_id
