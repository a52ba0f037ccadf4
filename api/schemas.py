"""Request and response bodies: unknown fields refused, timestamps with an offset."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from domain.case import Channel, Direction

# A little clock skew between the caller and us is tolerated; more is refused.
FUTURE_SKEW = timedelta(minutes=5)


def _aware_and_not_future(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("must carry a UTC offset, e.g. 2026-11-30T09:15:00+00:00")
    if value > datetime.now(timezone.utc) + FUTURE_SKEW:
        raise ValueError("must not lie in the future")
    return value


Moment = Annotated[datetime, AfterValidator(_aware_and_not_future)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class OpenCase(Body):
    customer_ref: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_./-]*$",
                              examples=["T-1001"])
    model_config = ConfigDict(json_schema_extra={"examples": [{"customer_ref": "T-1001"}]})


class RecordContact(Body):
    channel: Channel
    direction: Direction
    occurred_at: Moment
    summary: str = Field(min_length=1, max_length=4000)
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "channel": "phone", "direction": "inbound",
        "occurred_at": "2026-11-30T09:15:00+00:00",
        "summary": "Called about the same repair for the fourth time today."}]})


class Written(BaseModel):
    case_id: UUID
    version: int


class ContactWritten(Written):
    contact_id: UUID | None = None


class CaseViewOut(BaseModel):
    case_id: UUID
    customer_ref: str
    status: str
    version: int
    opened_at: datetime
    opened_by: str
    contacts_total: int
    last_contact_at: datetime | None
    updated_at: datetime


class EventOut(BaseModel):
    position: int | None = None
    version: int
    type: str
    occurred_at: datetime | None
    recorded_at: datetime
    actor_id: str | None
    actor_role: str | None


class Health(BaseModel):
    status: Literal["ok", "unavailable"]
    checks: dict[str, str] = {}
