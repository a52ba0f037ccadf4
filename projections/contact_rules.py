"""Contact rules of a customer's case, for front-line staff: an indexed point lookup.

Keyed by case id: the caller finds the case of a customer reference through the keyed index
(``CaseService.case_id_of``); this view holds no reference, in clear or hashed.

Says whether the customer is restricted and, if so, the permitted channels, days and times,
the single point of contact and the other structured terms, with the always-open exceptions.
Never a reason, a justification or anything about vulnerability: those stay in the events.
A same-matter bar names matters in the customer's words, sealed in the event's
``personal_terms``: the rules say that one applies (``same_matter_bar``), never which.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Tracking
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Composable
from psycopg.types.json import Jsonb

from domain.case import Case
from domain.terms import ALWAYS_OPEN
from projections.case_fold import ds, shown_terms
from projections.view import View

ALWAYS_OPEN_CODES = sorted(a.value for a in ALWAYS_OPEN)
IN_FORCE = ("active", "awaiting_ratification")


def bars_same_matter(event: Any) -> bool:
    """Whether the event's terms bar contact on named matters (the names stay sealed)."""
    return "same_matter_bar" in (getattr(event, "personal_terms", None) or {})


def fold_rules(row: dict[str, Any], event: Any) -> None:
    """Fold one event into a contact-rules row (``restrictions``: id -> terms and status)."""
    restrictions: dict[str, Any] = row["restrictions"]
    rid = str(getattr(event, "restriction_id", "")) or None
    if isinstance(event, Case.Opened):
        row["opened"] = True
    elif isinstance(event, Case.RestrictionProposed):
        restrictions[rid] = {"status": "proposed", "immediate": False,
                             "terms": shown_terms(event.terms),
                             "same_matter_bar": bars_same_matter(event),
                             "review_date": ds(event.review_date), "ends_on": ds(event.ends_on)}
    elif isinstance(event, Case.ImmediateRestrictionImposed):
        restrictions[rid] = {"status": "awaiting_ratification", "immediate": True,
                             "terms": shown_terms(event.terms),
                             "same_matter_bar": bars_same_matter(event), "review_date": None,
                             "ends_on": ds(event.ends_on)}
    elif isinstance(event, (Case.RestrictionApproved, Case.ImmediateRestrictionRatified)):
        restrictions[rid].update(status="active", review_date=ds(event.review_date))
    elif isinstance(event, (Case.RestrictionRejected, Case.RestrictionLifted,
                            Case.RestrictionExpired)):
        restrictions.pop(rid, None)  # no longer a rule anyone applies
    elif isinstance(event, Case.ReviewCompleted):
        if rid in restrictions:
            if event.next_review_date is not None:
                restrictions[rid]["review_date"] = ds(event.next_review_date)
            if event.new_terms is not None:
                restrictions[rid].update(terms=shown_terms(event.new_terms),
                                         same_matter_bar=bars_same_matter(event))
    elif isinstance(event, Case.AppealDecided):
        if event.new_terms is not None:
            target = row.get("appeal_restrictions", {}).get(str(event.appeal_id))
            if target in restrictions:
                restrictions[target].update(terms=shown_terms(event.new_terms),
                                            same_matter_bar=bars_same_matter(event))
    elif isinstance(event, Case.AppealLodged):
        row.setdefault("appeal_restrictions", {})[str(event.appeal_id)] = rid
    elif isinstance(event, Case.CaseClosed):
        restrictions.clear()
    row["version"] = event.originator_version


def combined_rules(restrictions: dict[str, Any]) -> dict[str, Any]:
    """What applies now: the strictest combination of the restrictions in force."""
    live = [(rid, r) for rid, r in sorted(restrictions.items()) if r["status"] in IN_FORCE]
    channels: set[str] | None = None
    days: set[int] | None = None
    hours: list[str] | None = None
    spoc = None
    flags = {"written_only": False, "no_face_to_face": False, "file_without_reply": False,
             "via_advocate_only": False, "organisation_wide": False}
    premises: set[str] = set()
    same_matter_bar = False
    services: set[str] = set()
    quota = None
    for _, r in live:
        t = r["terms"] or {}
        if t.get("permitted_channels"):
            new = set(t["permitted_channels"])
            channels = new if channels is None else channels & new
        if t.get("permitted_days"):
            new_days = set(t["permitted_days"])
            days = new_days if days is None else days & new_days
        if t.get("permitted_hours"):
            start, end = t["permitted_hours"]
            hours = [start, end] if hours is None else [max(hours[0], start), min(hours[1], end)]
        spoc = spoc or t.get("single_point_of_contact")
        for flag in flags:
            flags[flag] = flags[flag] or bool(t.get(flag))
        premises |= set(t.get("excluded_premises") or ())
        # the flag, never the matters' names (``t`` keeps none since events v2)
        same_matter_bar = same_matter_bar or bool(r.get("same_matter_bar")
                                                  or t.get("same_matter_bar"))
        services |= set(t.get("services") or ())
        quota = quota or t.get("issue_quota")
    return {
        "restricted": bool(live),
        "awaiting_ratification": any(r["status"] == "awaiting_ratification" for _, r in live),
        "permitted_channels": sorted(channels) if channels is not None else None,
        "permitted_days": sorted(days) if days is not None else None,
        "permitted_hours": hours, "single_point_of_contact": spoc, **flags,
        "excluded_premises": sorted(premises), "same_matter_bar": same_matter_bar,
        "issue_quota": quota, "services": sorted(services),
        "review_date": min((r["review_date"] for _, r in live if r["review_date"]),
                           default=None),
        "ends_on": min((r["ends_on"] for _, r in live if r["ends_on"]), default=None),
        "restriction_ids": [rid for rid, _ in live],
    }


class ContactRulesView(View):
    view_name = "contact_rules"
    # 2: same_matter_bar is a flag from the sealed personal terms (was the clear names);
    # 3: keyed by case id, no customer reference (it is personal data; domain.identity)
    schema_version = 3
    topics = tuple(getattr(Case, name).TOPIC for name in (
        "Opened", "RestrictionProposed", "ImmediateRestrictionImposed", "RestrictionApproved",
        "ImmediateRestrictionRatified", "RestrictionRejected", "RestrictionLifted",
        "RestrictionExpired", "ReviewCompleted", "AppealLodged", "AppealDecided",
        "CaseClosed"))

    def table_names(self) -> list[str]:
        return ["contact_rules"]

    def table_ddl(self) -> list[Composable]:
        t = self.table("contact_rules")
        return [SQL("CREATE TABLE IF NOT EXISTS {0} ("
                    " case_id uuid PRIMARY KEY,"
                    " restricted boolean NOT NULL, rules jsonb NOT NULL,"
                    " state jsonb NOT NULL, version integer NOT NULL)").format(t)]

    def apply_batch(self, curs: Cursor[DictRow], batch: Sequence[tuple[Any, Tracking]]) -> None:
        ids = sorted({str(e.originator_id) for e, _ in batch})
        curs.execute(SQL("SELECT case_id::text AS id, state FROM {0}"
                         " WHERE case_id = ANY(%s::uuid[])").format(self.table("contact_rules")),
                     (ids,), prepare=True)
        rows = {r["id"]: {**r["state"], "opened": True} for r in curs.fetchall()}
        for event, _ in batch:
            row = rows.setdefault(str(event.originator_id),
                                  {"opened": False, "restrictions": {}, "version": 0})
            fold_rules(row, event)
        out = []
        for case_id, row in sorted(rows.items()):
            if not row["opened"]:
                continue
            rules = combined_rules(row["restrictions"])
            out.append((case_id, rules["restricted"], Jsonb(rules),
                        Jsonb({k: v for k, v in row.items() if k != "opened"}),
                        row["version"]))
        curs.executemany(SQL(
            "INSERT INTO {0} (case_id, restricted, rules, state, version)"
            " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (case_id) DO UPDATE SET"
            " restricted = EXCLUDED.restricted, rules = EXCLUDED.rules,"
            " state = EXCLUDED.state, version = EXCLUDED.version").format(
                self.table("contact_rules")), out)

    def lookup(self, case_id: UUID | None, customer_ref: str | None = None) -> dict[str, Any]:
        return contact_rules(self, case_id, customer_ref)


def contact_rules(rules_view: View, case_id: UUID | None,
                  customer_ref: str | None = None) -> dict[str, Any]:
    """Front-line contact rules of a case (the case of ``customer_ref``, which is only echoed
    back): ``restricted``, permitted channels, days (0 = Monday) and hours, single point of
    contact, other structured terms and the always-open exceptions. ``known`` is False when
    there is no case (``case_id`` None, or not in the view yet). No reasons, no
    vulnerability details."""
    row = None
    if case_id is not None:
        with rules_view.datastore.cursor() as curs:
            curs.execute(SQL("SELECT case_id, rules, version FROM {0} WHERE case_id = %s")
                         .format(rules_view.table("contact_rules")), (case_id,), prepare=True)
            row = curs.fetchone()
    if row is None:
        return {"customer_ref": customer_ref, "known": False, "restricted": False,
                "case_id": None, "always_open": ALWAYS_OPEN_CODES}
    return {"customer_ref": customer_ref, "known": True, "case_id": row["case_id"],
            "version": row["version"], **row["rules"], "always_open": ALWAYS_OPEN_CODES}
