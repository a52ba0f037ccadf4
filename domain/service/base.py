"""What every command mixin of ``CaseService`` may call: the plumbing in
``domain.application`` (declared here for the type checker, which sees
``Application``; at run time the mixins are plain classes)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.application import Application

from domain.actors import Actor
from domain.case import Case, Stamp
from domain.personal import KeyStore
from domain.settings import PolicyValues

if TYPE_CHECKING:
    _Base = Application[UUID]
else:
    _Base = object


class ServiceBase(_Base):
    if TYPE_CHECKING:
        key_store: KeyStore

        def get_case(self, case_id: UUID) -> Case: ...

        def release_customer(self, case_id: UUID) -> None: ...

        def policy_values(self) -> PolicyValues: ...

        def events_of_kinds(self, *kinds: type[Any], page: int = 500) -> Iterator[Any]: ...

        @staticmethod
        def new_id(case_id: UUID, command_id: str | None) -> UUID: ...

        def _do(self, case_id: UUID, actor: Actor, options: dict[str, Any],
                change: Callable[[Case, Stamp], None]) -> Case: ...

        def _command(self, case_id: UUID, actor: Actor, occurred_at: datetime | None,
                     command_id: str | None, expected_version: int | None,
                     change: Callable[[Case, Stamp], None]) -> Case: ...
