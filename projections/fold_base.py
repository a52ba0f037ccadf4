"""What the case fold shares with its parts and with the views: the JSON state, the
``Changes`` of a batch, small converters, and the facts derived from a state."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from functools import lru_cache
from typing import Any

from domain.calendar import Period, WorkingCalendar
from domain.vocabulary import Nation

State = dict[str, Any]
log = logging.getLogger("upc.projections.case_fold")

IN_FORCE = ("active", "awaiting_ratification")
OPEN_APPEAL = ("lodged", "late_awaiting_decision")


class CaseStatus(StrEnum):
    """The case view's ``status``: whether the case takes new records at all."""

    OPEN = "open"
    CLOSED = "closed"


class Stage(StrEnum):
    """The case view's ``stage``: where the case is in the policy's lifecycle, the most
    serious first (a restriction awaiting ratification outranks an active one)."""

    OPEN = "open"  # opened, nothing raised yet
    CONCERN_RAISED = "concern_raised"
    INFORMAL_WARNING = "informal_warning"
    FORMAL_WARNING = "formal_warning"
    RESTRICTION_PROPOSED = "restriction_proposed"
    IMMEDIATE_RESTRICTION = "immediate_restriction"  # imposed, awaiting ratification
    RESTRICTED = "restricted"  # a restriction in force
    CLOSED = "closed"
#: Terms fields that are reasons, not terms: never copied into a view.
TERMS_NOT_SHOWN = ("scope_justification",)


def ts(moment: datetime | None) -> str | None:
    """A sortable UTC ISO string (always with microseconds, so strings compare as times)."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def ds(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def shown_terms(terms: dict[str, Any] | None) -> dict[str, Any] | None:
    if terms is None:
        return None
    return {k: v for k, v in terms.items() if k not in TERMS_NOT_SHOWN}


@dataclass
class Changes:
    """What one batch changed, keyed so the view can write each row once."""

    cases: set[str] = field(default_factory=set)
    restrictions: set[tuple[str, str]] = field(default_factory=set)
    appeals: set[tuple[str, str]] = field(default_factory=set)
    notices: set[tuple[str, str]] = field(default_factory=set)
    warnings: set[tuple[str, str]] = field(default_factory=set)
    subject_access: set[tuple[str, str]] = field(default_factory=set)
    ombudsman: set[tuple[str, str]] = field(default_factory=set)
    remedies: set[tuple[str, str]] = field(default_factory=set)
    contacts: dict[str, dict[str, Any]] = field(default_factory=dict)  # contact id -> row
    triages: dict[str, dict[str, Any]] = field(default_factory=dict)  # contact id -> triage
    reviews: list[dict[str, Any]] = field(default_factory=list)
    decisions: list[dict[str, Any]] = field(default_factory=list)


def new_state(case_id: str) -> State:
    return {
        "case_id": case_id, "status": "concern_open", "version": 0,
        "opened_at": None, "opened_by": None, "updated_at": None,
        "contacts_total": 0, "last_contact_at": None, "incidents": {},
        "concerns": 0, "concern_categories": [], "warnings": {}, "checks": {},
        "vuln_info_at": None, "legit_resolved_at": None, "restrictions": {}, "appeals": {},
        "notices": {}, "conflicted": [], "overrides": {}, "ombudsman": 0,
        "ombudsman_due_on": None, "complaints": 0, "subject_access_requests": 0,
        "tenancy_ended_on": None, "closed_at": None, "retain_until": None,
        "owner": None, "subject_access": {}, "ombudsman_matters": {},
        "open_complaints": [], "litigation_holds": [], "erased_subjects": [],
        "disposed_at": None, "skipped": 0, "remedies": {},
    }


#: state part -> the ``Changes`` set that marks its rows dirty
CHANGE_SETS = {"restrictions": "restrictions", "appeals": "appeals", "notices": "notices",
               "warnings": "warnings", "subject_access": "subject_access",
               "ombudsman_matters": "ombudsman", "remedies": "remedies"}


@lru_cache(maxsize=65536)
def _after(nation: str, day: date, period: str) -> str:
    """Working-day arithmetic is the fold's hottest path; the same dates recur constantly."""
    return WorkingCalendar(Nation(nation)).after(day, Period.parse(period)).isoformat()


# --- derived facts, shared by the view and the tests ------------------------------------

def open_service_failure(s: State) -> bool:
    """The legitimate-issue check found a service failure and it is not yet resolved."""
    check = s["checks"].get("legitimate_issue")
    if check is None or not check["legit_found"]:
        return False
    resolved = s["legit_resolved_at"]
    return resolved is None or resolved < check["at"]


def vulnerability_assessment(s: State) -> str:
    """missing, declined, stale (new information since) or current. Never the details."""
    check = s["checks"].get("vulnerability_assessment")
    if check is None:
        return "missing"
    if s["vuln_info_at"] is not None and check["at"] < s["vuln_info_at"]:
        return "stale"
    return "declined" if check["declined"] else "current"


def stage(s: State) -> Stage:
    """Where the case is in the policy's lifecycle (``Stage``)."""
    if s["status"] == "closed":
        return Stage.CLOSED
    statuses = {r["status"] for r in s["restrictions"].values()}
    if "awaiting_ratification" in statuses:
        return Stage.IMMEDIATE_RESTRICTION
    if "active" in statuses:
        return Stage.RESTRICTED
    if "proposed" in statuses:
        return Stage.RESTRICTION_PROPOSED
    live = {w["kind"] for w in s["warnings"].values() if not w["lapsed"]}
    if "formal" in live:
        return Stage.FORMAL_WARNING
    if "informal" in live:
        return Stage.INFORMAL_WARNING
    return Stage.CONCERN_RAISED if s["concerns"] else Stage.OPEN


def case_status(s: State) -> CaseStatus:
    return CaseStatus.CLOSED if s["status"] == "closed" else CaseStatus.OPEN


def current_restriction(s: State) -> tuple[str, dict[str, Any]] | None:
    """The restriction in force (or, failing that, proposed), latest first."""
    for statuses in (IN_FORCE, ("proposed",)):
        live = [(rid, r) for rid, r in s["restrictions"].items() if r["status"] in statuses]
        if live:
            return max(live, key=lambda item: item[1]["proposed_version"])
    return None


def open_appeal(s: State) -> tuple[str, dict[str, Any]] | None:
    live = [(aid, a) for aid, a in s["appeals"].items() if a["status"] in OPEN_APPEAL]
    return max(live, key=lambda item: item[1]["lodged_version"]) if live else None


def legal_holds(s: State) -> list[str]:
    """What keeps the case from disposal (``LegalHoldKind`` values), as the domain says."""
    holds = []
    if s.get("open_complaints"):
        holds.append("open_complaint")
    if any(m["closed_at"] is None for m in s.get("ombudsman_matters", {}).values()):
        holds.append("ombudsman_case")
    if any(r["fulfilled_at"] is None for r in s.get("subject_access", {}).values()):
        holds.append("subject_access_request")
    if s.get("litigation_holds"):
        holds.append("litigation")
    return holds
