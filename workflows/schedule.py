"""What crosses the Temporal boundary for every clock: opaque ids and instants, nothing else.

Temporal keeps workflow inputs, results, signals and search attributes in clear, so these
models carry ids (UUIDs), instants and codes only: never a name, a note or a reason.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class Schedule(BaseModel):
    """A clock's state as the events say after an activity fired whatever was due."""

    closed: bool  # the fact the clock waits for is recorded: the workflow ends
    next_due: datetime | None = None  # None: nothing to wait for but a change
    fired: list[str] = []  # event names this activity recorded (for the history's reader)
    outcome: str | None = None  # a code for why it closed, e.g. "expired", "lifted"
    # something the workflow must do before it waits again (a notice: send the email asked
    # for); absent from histories recorded before it existed, so they replay unchanged
    deliver: bool = False


class Change(BaseModel):
    """An event that may move a clock; the workflow only re-reads the case."""

    event: str  # "<case_id>:<version>": which event asked, for the history's reader


class ClockResult(BaseModel):
    outcome: str


class ClockKind(BaseModel, frozen=True):
    """One kind of clock: ``<kind>-<id>`` workflow ids, its workflow type, and the event field
    that carries the id (a restriction's, an appeal's...)."""

    kind: str  # also the UpcWorkflowKind search attribute
    workflow: str
    id_field: str

    def workflow_id(self, part_id: object) -> str:
        return f"{self.kind}-{part_id}"

    def workflow_id_of(self, event: object) -> str:
        return self.workflow_id(getattr(event, self.id_field))
