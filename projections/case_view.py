"""The case view: the current picture of every case, its restrictions, appeals, notices,
warnings, contacts, reviews and decisions, in tables indexed for lists, work queues and audits.

Written set-wise: a batch loads the fold state of the cases it touches, folds its events in
Python (``case_fold``) and writes each changed row once (``executemany``, pipelined), so a
batch of a thousand events costs a handful of round trips, not thousands.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Tracking
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Composable, Identifier
from psycopg.types.json import Jsonb

from domain.case import Case
from domain.settings import PolicySettings, PolicyValues, Setting
from projections import case_fold as cf
from projections.case_view_schema import (  # noqa: F401 - the view's schema
    DDL,
    INDEXES,
    JSON_COLUMNS,
    TABLES,
    WRITTEN,
)
from projections.timeline import case_event_topics
from projections.view import View

SETTINGS_TOPICS = (PolicySettings.Seeded.TOPIC, PolicySettings.Changed.TOPIC)


def case_row(s: cf.State) -> dict[str, Any]:
    """The case_view row for a fold state: no personal data, no free text."""
    current = cf.current_restriction(s)
    appeal = cf.open_appeal(s)
    restriction = None
    if current is not None:
        rid, r = current
        restriction = {
            "restriction_id": rid, "status": r["status"], "immediate": r["immediate"],
            "terms": r["terms"], "review_date": r["review_date"], "ends_on": r["ends_on"],
            "decided_at": r["decided_at"], "ratification_due_on": r["ratification_due_on"],
            "appeal_window_closes_on": r["appeal_window_closes_on"],
            "appeal_window_closed": r.get("appeal_window_closed", False),
            "review_due": r["review_due"], "review_overdue": r["review_overdue"],
            "review_overdue_on": r["review_overdue_on"]}
    appeal_out = None
    if appeal is not None:
        aid, a = appeal
        appeal_out = {"appeal_id": aid, "restriction_id": a["restriction_id"],
                      "status": a["status"], "late": a["late"],
                      "received_at": a["received_at"], "decision_due_on": a["decision_due_on"],
                      "overdue": a["overdue"], "reminded": a.get("reminded", False)}
    in_force = [r for r in s["restrictions"].values() if r["status"] in cf.IN_FORCE]
    matters = s.get("ombudsman_matters", {})
    sars = s.get("subject_access", {})
    reviews = [r["review_date"] for r in in_force
               if r["status"] == "active" and r["review_date"]]
    dues = [*reviews,
            *(r["ratification_due_on"] for r in in_force
              if r["status"] == "awaiting_ratification" and r["ratification_due_on"]),
            *(a["decision_due_on"] for a in s["appeals"].values()
              if a["status"] in cf.OPEN_APPEAL and a["decision_due_on"]),
            *(n["due_on"] for n in s["notices"].values() if n["sent_at"] is None)]
    warnings = sorted(({"warning_id": wid, "kind": w["kind"], "given_at": w["given_at"],
                        "lapsed": w["lapsed"]} for wid, w in s["warnings"].items()),
                      key=lambda w: w["given_at"])
    flags = {
        "vulnerability_assessment": cf.vulnerability_assessment(s),
        "open_service_failure": cf.open_service_failure(s),
        "counter_allegation": bool(s["conflicted"]),
        "ombudsman": s["ombudsman"] > 0, "ombudsman_due_on": s["ombudsman_due_on"],
        "ombudsman_open": sum(1 for m in matters.values() if m["closed_at"] is None),
        "ombudsman_overdue": any(m["overdue"] and m["closed_at"] is None
                                 for m in matters.values()),
        "restriction_complaint": s["complaints"] > 0,
        "restriction_complaints_open": len(s.get("open_complaints", ())),
        "subject_access_request": s["subject_access_requests"] > 0,
        "subject_access_open": sum(1 for r in sars.values() if r["fulfilled_at"] is None),
        "subject_access_overdue": any(r["overdue"] and r["fulfilled_at"] is None
                                      for r in sars.values()),
        "legal_holds": cf.legal_holds(s),
        "personal_data_erased": bool(s.get("erased_subjects")),
        "disposed_at": s.get("disposed_at"),
        "tenancy_ended_on": s["tenancy_ended_on"],
        "notices_unsent": sum(1 for n in s["notices"].values() if n["sent_at"] is None),
        "setting_overrides": sorted(s["overrides"]),
    }
    return {
        "case_id": s["case_id"],
        "status": cf.case_status(s).value, "stage": cf.stage(s).value,
        "version": s["version"], "opened_at": s["opened_at"],
        "opened_by": s["opened_by"], "owner": s.get("owner") or s["opened_by"],
        "contacts_total": s["contacts_total"], "last_contact_at": s["last_contact_at"],
        "updated_at": s["updated_at"],
        "vulnerability_assessment": flags["vulnerability_assessment"],
        "open_service_failure": flags["open_service_failure"],
        "restricted": bool(in_force), "appeal_open": appeal is not None,
        "next_review_date": min(reviews, default=None), "next_due_on": min(dues, default=None),
        "current_restriction": restriction, "current_appeal": appeal_out,
        "warnings": warnings, "flags": flags, "closed_at": s["closed_at"],
        "retain_until": s["retain_until"],
    }


def child_row(table: str, key: str, case_id: str, record: dict[str, Any]) -> dict[str, Any]:
    pk = TABLES[table][0][0]
    return {**record, pk: key, "case_id": case_id}


class CaseView(View):
    view_name = "case_view"
    # Every case event (so ``version`` is always the case's version) and the settings.
    topics = (*case_event_topics(), *SETTINGS_TOPICS)
    # 1: the first slice (case_view only); 2: child tables; 3: subject access, Ombudsman
    # matters, appeal reminders and closed appeal windows; 4: contacts' triage due date;
    # 5: a review's behaviour justification counts (case_decision.justification_recorded);
    # 6: ``status`` is open/closed (was the aggregate's concern_open/closed), ``stage`` the
    # lifecycle
    # 7: each appealable notice's own appeal window, the notice an appeal answers;
    # 8: Ombudsman determinations and their remedies (case_remedy)
    # 9: no customer_ref (personal data: opened from the events for the roles that see it,
    # found through the keyed index of domain.identity)
    schema_version = 9

    def __init__(self, datastore: Any, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        self._organisation: dict[str, str] | None = None
        self._statements: dict[str, Composable] = {}

    def table_names(self) -> list[str]:
        return list(DDL)

    def table_ddl(self) -> list[Composable]:
        statements: list[Composable] = [
            SQL("CREATE TABLE IF NOT EXISTS {0} (" + body + ")").format(self.table(name))
            for name, body in DDL.items()]
        for table, columns, where in INDEXES:
            name = f"{table}_{columns.replace(', ', '_')}_{zlib.crc32(where.encode()) if where else 0}"
            statements.append(SQL(
                "CREATE INDEX IF NOT EXISTS {0} ON {1} (" + columns + ")"
                + (" WHERE " + where if where else "")).format(Identifier(name[:63]),
                                                               self.table(table)))
        return statements

    # --- writing -----------------------------------------------------------------------

    def apply_batch(self, curs: Cursor[DictRow], batch: Sequence[tuple[Any, Tracking]]) -> None:
        try:
            self._apply_batch(curs, batch)
        except BaseException:
            self._organisation = None  # the transaction rolls back: forget what it read
            raise

    def _apply_batch(self, curs: Cursor[DictRow], batch: Sequence[tuple[Any, Tracking]]) -> None:
        organisation = self._load_organisation(curs)
        settings_changed = False
        case_ids = sorted({str(e.originator_id) for e, _ in batch if isinstance(e, Case.Event)})
        states: dict[str, cf.State] = {}
        if case_ids:
            curs.execute(SQL("SELECT case_id::text AS id, state FROM {0}"
                             " WHERE case_id = ANY(%s::uuid[])").format(self.table("case_fold")),
                         (case_ids,), prepare=True)
            states = {row["id"]: row["state"] for row in curs.fetchall()}
        fold = cf.CaseFold(PolicyValues(self._policy_values(organisation)))
        changes = cf.Changes()
        for event, _ in batch:
            if isinstance(event, PolicySettings.Seeded):
                organisation.clear()
                organisation.update(event.values)
            elif isinstance(event, PolicySettings.Changed):
                organisation[event.setting] = event.value
            if isinstance(event, PolicySettings.Event):
                settings_changed = True
                fold.organisation = PolicyValues(self._policy_values(organisation))
                continue
            case_id = str(event.originator_id)
            state = states.get(case_id)
            if state is None:
                state = states[case_id] = cf.new_state(case_id)
            fold.apply(state, event, changes)
        if settings_changed:
            curs.execute(SQL("DELETE FROM {0}").format(self.table("policy_settings")))
            curs.executemany(SQL("INSERT INTO {0} (setting, value) VALUES (%s, %s)").format(
                self.table("policy_settings")), list(organisation.items()))
        self._write(curs, states, changes)

    def _load_organisation(self, curs: Cursor[DictRow]) -> dict[str, str]:
        if self._organisation is None:
            curs.execute(SQL("SELECT setting, value FROM {0}").format(
                self.table("policy_settings")))
            self._organisation = {r["setting"]: r["value"] for r in curs.fetchall()}
        return self._organisation

    @staticmethod
    def _policy_values(organisation: dict[str, str]) -> dict[Setting, str]:
        values = dict(PolicyValues().values)
        names = {s.value for s in Setting}  # `str in Setting` raises TypeError on 3.11
        values.update({Setting(k): v for k, v in organisation.items() if k in names})
        return values

    def _write(self, curs: Cursor[DictRow], states: dict[str, cf.State],
               changes: cf.Changes) -> None:
        touched = [states[c] for c in sorted(changes.cases) if states[c]["opened_at"]]
        self._upsert(curs, "case_view", [case_row(s) for s in touched])
        self._upsert(curs, "case_fold", [{"case_id": s["case_id"], "state": s}
                                         for s in touched])
        for table, keys, part in (("case_restriction", changes.restrictions, "restrictions"),
                                  ("case_appeal", changes.appeals, "appeals"),
                                  ("case_notice", changes.notices, "notices"),
                                  ("case_warning", changes.warnings, "warnings"),
                                  ("case_subject_access", changes.subject_access,
                                   "subject_access"),
                                  ("case_ombudsman", changes.ombudsman, "ombudsman_matters"),
                                  ("case_remedy", changes.remedies, "remedies")):
            self._upsert(curs, table, [child_row(table, key, case_id,
                                                 states[case_id][part][key])
                                       for case_id, key in sorted(keys)])
        contacts = dict(changes.contacts)
        updates = []
        for contact_id, triage in changes.triages.items():
            if contact_id in contacts:
                contacts[contact_id] = {**contacts[contact_id], **triage}
            else:
                updates.append(triage)
        self._upsert(curs, "case_contact", [
            {"triage": None, "triaged_at": None, "triage_version": None, **row}
            for row in contacts.values()])
        if updates:
            curs.execute(SQL(
                "UPDATE {0} c SET triage = u.triage, triaged_at = u.triaged_at,"
                " triage_version = u.triage_version"
                " FROM jsonb_populate_recordset(NULL::{0}, %s) u"
                " WHERE c.contact_id = u.contact_id").format(self.table("case_contact")),
                (Jsonb(sorted(updates, key=lambda u: u["contact_id"])),))
        self._upsert(curs, "case_review", changes.reviews)
        self._upsert(curs, "case_decision", changes.decisions)

    def _upsert(self, curs: Cursor[DictRow], table: str, rows: list[dict[str, Any]]) -> None:
        """Insert or update ``rows`` in one statement: the rows travel as one JSON array
        (one ``json.dumps``, one round trip) and PostgreSQL turns it into a record set."""
        if not rows:
            return
        key, columns = WRITTEN[table]
        updates = [c for c in columns if c not in key]
        statement = self._statements.get(table)
        if statement is None:
            names = SQL(", ").join(map(Identifier, columns))
            statement = self._statements[table] = SQL(
                "INSERT INTO {0} ({1}) SELECT {1} FROM jsonb_populate_recordset(NULL::{0}, %s)"
                " ON CONFLICT ({2}) DO UPDATE SET {3}").format(
                    self.table(table), names, SQL(", ").join(map(Identifier, key)),
                    SQL(", ").join(SQL("{0} = EXCLUDED.{0}").format(Identifier(c))
                                   for c in updates))
        curs.execute(statement, (Jsonb([{c: row[c] for c in columns} for row in rows]),))

    # --- reading (the API's fast path; richer queries live in projections.queries) -------

    def get(self, case_id: UUID) -> dict[str, Any] | None:
        from projections.queries import case_detail

        return case_detail(self, case_id)
