"""Running one domain command from a request: command id, If-Match, and what was recorded.

- The command id given to the domain is the ``Idempotency-Key`` (scoped to the user), else a
  fresh one, so the events this request recorded can be found again by it.
- ``If-Match: "<version>"`` becomes the domain's ``expected_version``; a stale version is
  ``412 Precondition Failed``.
- The response carries the new version (also as ``ETag``) and the event position of the last
  event recorded (also as ``Upc-Position``): pass it as ``min_position`` to a read to wait
  until the views have caught up with this write.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any
from uuid import UUID, uuid4

from fastapi import Depends, Header, HTTPException, Request, Response
from psycopg.sql import SQL, Identifier

from api.access import authorise
from api.deps import Service
from api.schemas import Recorded, RecordedEvent
from domain.actors import Actor
from domain.application import CaseService
from domain.case import Case
from domain.errors import ConcurrentModification

ETAG = re.compile(r'^\s*(?:W/)?"(\d{1,9})"\s*$')
IF_MATCH_PATTERN = r'^\s*(W/)?"[0-9]{1,9}"\s*$'
# How far back to look for the events of a command (one command records at most a few).
RECENT_EVENTS = 20


@dataclass
class CommandContext:
    actor: Actor
    service: CaseService
    command_id: str
    expected_version: int | None

    @property
    def options(self) -> dict[str, Any]:
        return {"command_id": self.command_id, "expected_version": self.expected_version}

    def new_id(self, case_id: UUID) -> UUID:
        """The id of a part this command creates: stable across replays of the same key."""
        return CaseService.new_id(case_id, self.command_id)

    def run(self, change: Callable[..., Case]) -> Case:
        try:
            return change(**self.options)
        except ConcurrentModification as exc:
            if self.expected_version is not None:
                raise HTTPException(412, exc.detail) from None
            raise


async def command_context(
        request: Request, actor: Annotated[Actor, Depends(authorise)], service: Service,
        if_match: Annotated[str | None, Header(
            pattern=IF_MATCH_PATTERN, examples=['"7"'],
            description='The case version you read (its ETag); 412 if it has changed')] = None,
        idempotency_key: Annotated[str | None, Header(
            alias="Idempotency-Key", min_length=1, max_length=200, examples=["5c1f-contact-1"],
            description="Replaying a key returns the first response and records nothing")
        ] = None,
) -> CommandContext:
    expected = None
    if if_match is not None:
        match = ETAG.match(if_match)
        if match is None:  # pragma: no cover - the pattern has refused it already
            raise HTTPException(412, "If-Match must be an ETag of this API, e.g. \"7\".")
        expected = int(match.group(1))
    command_id = (f"idem:{actor.role.value}:{actor.user_id}:{idempotency_key}"
                  if idempotency_key else f"req:{uuid4()}")
    return CommandContext(actor, service, command_id, expected)


Command = Annotated[CommandContext, Depends(command_context)]


def recorded(ctx: CommandContext, case: Case, response: Response, *,
             created: UUID | None = None, location: str | None = None) -> Recorded:
    """The response of a write: version, position and the events this command recorded."""
    events = _events_of_command(ctx.service, case, ctx.command_id)
    position = events[-1].position if events else None
    response.headers["ETag"] = f'"{case.version}"'
    if position is not None:
        response.headers["Upc-Position"] = str(position)
    if location:
        response.headers["Location"] = location
    return Recorded(case_id=case.id, version=case.version, position=position,
                    id=created or _primary_id(events), events=events)


def _primary_id(events: list[RecordedEvent]) -> UUID | None:
    """What the command created or acted on: the first id its first event names (the new
    concern, warning, appeal...; the restriction decided, the contact triaged...)."""
    for event in events:
        for value in event.ids.values():
            return value
    return None


def _events_of_command(service: CaseService, case: Case, command_id: str) -> list[RecordedEvent]:
    known = service.recorded_by(case.id, command_id)
    if known is not None:  # this thread just recorded them: no need to read them back
        return [_recorded_event(event, position) for event, position in known]
    recorder: Any = service.recorder
    statement = SQL(
        "SELECT originator_id, originator_version, topic, state, notification_id"
        " FROM {0}.{1} WHERE originator_id = %s AND originator_version > %s"
        " ORDER BY originator_version").format(
        Identifier(recorder.datastore.schema or "public"), Identifier(recorder.events_table_name))
    from eventsourcing.persistence import StoredEvent

    with recorder.datastore.cursor() as curs:
        curs.execute(statement, (case.id, max(0, case.version - RECENT_EVENTS)), prepare=True)
        rows = curs.fetchall()
    found = []
    for row in rows:
        event = service.mapper.to_domain_event(StoredEvent(
            originator_id=row["originator_id"], originator_version=row["originator_version"],
            topic=row["topic"], state=bytes(row["state"])))
        if getattr(event, "command_id", None) != command_id:
            continue
        found.append(_recorded_event(event, row["notification_id"]))
    return found


def _recorded_event(event: Any, position: int) -> RecordedEvent:
    ids = {name: value for name, value in vars(event).items()
           if name.endswith("_id") and name != "originator_id" and isinstance(value, UUID)}
    return RecordedEvent(type=type(event).__name__, version=event.originator_version,
                         position=position, ids=ids)
