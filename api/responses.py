"""Response bodies of the API (what a write answers, events, pages, decision trails, the
access log)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, Field


class RecordedEvent(BaseModel):
    type: str = Field(description="the event's name, e.g. RestrictionApproved")
    version: int = Field(description="the case's version this event made")
    position: int = Field(description="its place in the event log (for `min_position`)")
    ids: dict[str, UUID] = Field(default_factory=dict,
                                 description="ids of what the event created or refers to")


class Recorded(BaseModel):
    """What a write recorded. ``position`` is the last event's place in the event log."""

    case_id: UUID = Field(description="the case")
    version: int = Field(description="the case's version now (its ETag, for If-Match)")
    position: int | None = Field(description=(
        "the last event's place in the event log: pass it as `min_position` to a read to "
        "see this write (also the Upc-Position header)"))
    id: UUID | None = Field(default=None, description=(
        "the id of what this command created (the new contact, incident, concern, warning, "
        "check, restriction, appeal...) or, for a decision, of what it decided (the "
        "restriction, appeal, contact, notice); for `POST /cases` the case id; null only "
        "when the command names nothing with an id (e.g. closing the case)"))
    events: list[RecordedEvent] = Field(default_factory=list,
                                        description="the events this command recorded")


class EventOut(BaseModel):
    version: int
    type: str
    occurred_at: datetime | None
    recorded_at: datetime
    actor_id: str | None
    actor_role: str | None
    data: dict[str, Any] = Field(default_factory=dict)


class DecisionOut(BaseModel):
    version: int = Field(description="the case's event version of the decision")
    decision: str = Field(description="what was decided: the event's name")
    actor_id: str
    actor_role: str
    occurred_at: datetime = Field(description="when it was decided (may be back-dated)")
    recorded_at: datetime = Field(description="when it was recorded")
    reason: str | None = Field(description="why, as written ('[erased]' once erased)")
    behaviour_justification: str | None = Field(
        description="why the behaviour, not an open service failure, justified acting")
    evidence: list[str] = Field(description="ids of the incidents and contacts relied on")
    detail: dict[str, Any] = Field(default_factory=dict,
                                   description="the decision's coded fields")


class DecisionTrail(BaseModel):
    case_id: UUID
    items: list[DecisionOut]


class Page(BaseModel):
    items: list[dict[str, Any]]
    next_cursor: str | None = Field(default=None,
                                    description="pass as `cursor` to get the next page")


class SettingsOut(BaseModel):
    values: dict[str, str]


class AccessLogEntry(BaseModel):
    id: int
    read_at: datetime
    user_id: str
    role: str
    case_id: UUID
    endpoint: str
    fields: list[str]


class AccessLogPage(BaseModel):
    items: list[AccessLogEntry]
    next_cursor: str | None = None


class VulnerabilityRecord(BaseModel):
    recorded_at: datetime
    occurred_at: datetime
    recorded_by: str
    kind: Literal["information", "assessment"]
    details: str | None = Field(description="null for roles that may not read the details")
    adjustments: list[str] = Field(default_factory=list)
    customer_declined: bool | None = None
    written_communication_ok: bool | None = None


class Assessments(BaseModel):
    case_id: UUID
    records: list[VulnerabilityRecord]
