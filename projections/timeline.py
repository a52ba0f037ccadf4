"""The case timeline: one row per case event, coded facts only, paginated by version.

What a timeline row keeps is a whitelist of coded fields (ids, kinds, outcomes, dates):
never a reason, a note, terms' justifications or any ``PersonalData``. The full "why" of a
decision is read from the event store by ``domain.trail.decision_trail`` for auditors.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from enum import Enum
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Tracking
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Composable
from psycopg.types.json import Jsonb

from domain import events as domain_events
from projections.case_fold import ts
from projections.view import View

#: Event fields copied into a timeline row: coded values and ids, nothing written by a person.
CODED_FIELDS = (
    "kind", "outcome", "classification", "category", "categories",
    "channel", "direction", "cause", "format", "stage", "setting", "value", "late",
    "response", "restriction_id", "appeal_id", "notice_id", "warning_id", "contact_id",
    "incident_id", "concern_id", "matter_id", "complaint_id", "request_id",
    "representative_id", "allegation_id", "evidence", "review_date", "next_review_date",
    "ends_on", "due_on", "ended_on", "retain_until", "consent_on", "customer_declined",
    "written_communication_ok", "legitimate_issue_found", "adjustments", "remedy_id",
    "remedies")


def case_event_topics() -> tuple[str, ...]:
    topics = {cls.TOPIC for cls in vars(domain_events).values()
              if isinstance(cls, type) and issubclass(cls, domain_events.CaseEvent)
              and cls not in (domain_events.CaseEvent, domain_events.DecisionEvent)}
    return tuple(sorted(topics))


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return ts(value)
    if isinstance(value, (date, UUID)):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def timeline_detail(event: Any) -> dict[str, Any]:
    detail = {name: _plain(getattr(event, name)) for name in CODED_FIELDS
              if hasattr(event, name) and getattr(event, name) is not None}
    if isinstance(event, domain_events.DecisionEvent):
        detail["decision"] = True
        # the runner's mapper leaves personal data closed (text None): a reason was
        # recorded when the field is there at all, readable or not
        detail["reason_recorded"] = getattr(event, "reason", None) is not None
    return detail


class TimelineView(View):
    view_name = "case_timeline"
    topics = case_event_topics()
    # 2: an Opened row no longer copies the customer reference (personal data)
    schema_version = 2

    def table_names(self) -> list[str]:
        return ["case_timeline"]

    def table_ddl(self) -> list[Composable]:
        t = self.table("case_timeline")
        return [
            SQL("CREATE TABLE IF NOT EXISTS {0} ("
                " case_id uuid NOT NULL, version integer NOT NULL, position bigint NOT NULL,"
                " event_type text NOT NULL, occurred_at timestamptz NOT NULL,"
                " recorded_at timestamptz NOT NULL, actor_id text NOT NULL,"
                " actor_role text NOT NULL, detail jsonb NOT NULL,"
                " PRIMARY KEY (case_id, version))").format(t),
            SQL("CREATE INDEX IF NOT EXISTS case_timeline_type_occurred"
                " ON {0} (event_type, occurred_at)").format(t),
        ]

    def apply_batch(self, curs: Cursor[DictRow], batch: Sequence[tuple[Any, Tracking]]) -> None:
        rows = [(event.originator_id, event.originator_version, tracking.notification_id,
                 type(event).__name__, event.occurred_at,
                 getattr(event, "recorded_at", event.timestamp), event.actor_id,
                 event.actor_role, Jsonb(timeline_detail(event)))
                for event, tracking in batch]
        curs.executemany(SQL(
            "INSERT INTO {0} (case_id, version, position, event_type, occurred_at, recorded_at,"
            " actor_id, actor_role, detail) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
            " ON CONFLICT (case_id, version) DO NOTHING").format(self.table("case_timeline")),
            rows)
