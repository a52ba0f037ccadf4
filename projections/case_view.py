"""The case view: the current picture of one case, by id or by customer reference."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Composable

from domain.case import Case
from projections.view import View


class CaseView(View):
    view_name = "case_view"
    topics = (Case.Opened.TOPIC, Case.ContactRecorded.TOPIC)

    def table_names(self) -> list[str]:
        return ["case_view"]

    def table_ddl(self) -> list[Composable]:
        t = self.table("case_view")
        return [
            SQL(
                "CREATE TABLE IF NOT EXISTS {0} ("
                " case_id uuid PRIMARY KEY,"
                " customer_ref text NOT NULL UNIQUE,"
                " status text NOT NULL,"
                " version integer NOT NULL,"
                " opened_at timestamptz NOT NULL,"
                " opened_by text NOT NULL,"
                " contacts_total integer NOT NULL DEFAULT 0,"
                " last_contact_at timestamptz,"
                " updated_at timestamptz NOT NULL,"
                " last_position bigint NOT NULL)"
            ).format(t),
        ]

    def apply(self, curs: Cursor[DictRow], event: Any, notification_id: int) -> None:
        t = self.table("case_view")
        if isinstance(event, Case.Opened):
            curs.execute(
                SQL("INSERT INTO {0} (case_id, customer_ref, status, version, opened_at,"
                    " opened_by, updated_at, last_position)"
                    " VALUES (%s, %s, 'concern_open', %s, %s, %s, %s, %s)"
                    " ON CONFLICT (case_id) DO NOTHING").format(t),
                (event.originator_id, event.customer_ref, event.originator_version,
                 event.occurred_at, event.actor_id, event.timestamp, notification_id),
                prepare=True,
            )
        elif isinstance(event, Case.ContactRecorded):
            curs.execute(
                SQL("UPDATE {0} SET contacts_total = contacts_total + 1,"
                    " last_contact_at = GREATEST(last_contact_at, %s),"
                    " version = %s, updated_at = %s, last_position = %s"
                    " WHERE case_id = %s").format(t),
                (event.occurred_at, event.originator_version, event.timestamp,
                 notification_id, event.originator_id),
                prepare=True,
            )

    def get(self, case_id: UUID) -> dict[str, Any] | None:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(
                SQL("SELECT case_id, customer_ref, status, version, opened_at, opened_by,"
                    " contacts_total, last_contact_at, updated_at"
                    " FROM {0} WHERE case_id = %s").format(self.table("case_view")),
                (case_id,), prepare=True)
            return curs.fetchone()
