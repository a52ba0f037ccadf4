"""The application service: one method per command, on any eventsourcing persistence."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any, TypeVar
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError

from domain.actors import Actor
from domain.case import Case, Channel, Direction, case_id_for
from domain.errors import ConcurrentModification, InvalidInput, NotFound

T = TypeVar("T")


class CaseService(Application[UUID]):
    name = "upc"
    retries_on_conflict = 3

    def open_case(self, customer_ref: str, actor: Actor, *,
                  occurred_at: datetime | None = None,
                  command_id: str | None = None) -> Case:
        case_id = case_id_for(customer_ref)
        try:
            existing = self.get_case(case_id)
        except NotFound:
            pass
        else:
            if existing.has_handled(command_id):
                return existing
            raise CaseAlreadyOpen(f"a case is already open for customer {customer_ref}")
        case = Case.open(customer_ref, actor, occurred_at or now(), command_id)
        try:
            self.save(case)
        except IntegrityError:
            raise CaseAlreadyOpen(
                f"a case is already open for customer {customer_ref}") from None
        return case

    def record_contact(self, case_id: UUID, actor: Actor, *, channel: str, direction: str,
                       occurred_at: datetime, summary: str,
                       command_id: str | None = None) -> Case:
        channel_ = _enum(Channel, channel, "channel")
        direction_ = _enum(Direction, direction, "direction")

        def change(case: Case) -> None:
            case.record_contact(uuid4(), channel_, direction_, summary, actor,
                                occurred_at, command_id)

        return self._change(case_id, command_id, change)

    def get_case(self, case_id: UUID) -> Case:
        try:
            case: Case = self.repository.get(case_id)
        except AggregateNotFoundError:
            raise NotFound(f"no case with id {case_id}") from None
        return case

    def _change(self, case_id: UUID, command_id: str | None,
                change: Callable[[Case], Any]) -> Case:
        """Load, apply, save; on a concurrent write reload and retry.

        After a conflict the in-memory aggregate still holds the rejected event,
        so each attempt starts from a fresh load and the old object is dropped.
        """
        for _ in range(self.retries_on_conflict):
            case = self.get_case(case_id)
            if case.has_handled(command_id):
                return case
            change(case)
            try:
                self.save(case)
            except IntegrityError:
                continue
            return case
        raise ConcurrentModification(
            "the case changed while this was being recorded; reload and try again")


class CaseAlreadyOpen(InvalidInput):
    code = "case-already-open"
    http_status = 409


def now() -> datetime:
    return datetime.now(timezone.utc)


E = TypeVar("E", Channel, Direction)


def _enum(kind: type[E], value: str, what: str) -> E:
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(m.value for m in kind)
        raise InvalidInput(f"unknown {what} '{value}'; expected one of: {allowed}") from None
