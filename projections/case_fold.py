"""The case fold: what the case view remembers about one case, as plain JSON, event by event.

Pure functions over the domain events (no I/O), so the view, a rebuild and a test all fold
the same way. The state holds no personal data: ``PersonalData`` fields, reasons and other
free text are never read. Due dates are computed when the opening event is folded, with the
organisation's policy settings at that moment plus the case's own overrides (as the domain's
``clocks`` do), so work queues and audits are plain indexed comparisons with a date.

Every change is also noted in ``Changes`` (which child rows are dirty, which rows to insert),
so the view writes only what a batch touched.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from domain.calendar import Period, WorkingCalendar, uk_date
from domain.personal import PersonalData
from domain.vocabulary import Nation
from domain.settings import PolicyValues, Setting

State = dict[str, Any]
log = logging.getLogger("upc.projections.case_fold")

IN_FORCE = ("active", "awaiting_ratification")
OPEN_APPEAL = ("lodged", "late_awaiting_decision")
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
    contacts: dict[str, dict[str, Any]] = field(default_factory=dict)  # contact id -> row
    triages: dict[str, dict[str, Any]] = field(default_factory=dict)  # contact id -> triage
    reviews: list[dict[str, Any]] = field(default_factory=list)
    decisions: list[dict[str, Any]] = field(default_factory=list)


def new_state(case_id: str) -> State:
    return {
        "case_id": case_id, "customer_ref": None, "status": "concern_open", "version": 0,
        "opened_at": None, "opened_by": None, "updated_at": None,
        "contacts_total": 0, "last_contact_at": None, "incidents": {},
        "concerns": 0, "concern_categories": [], "warnings": {}, "checks": {},
        "vuln_info_at": None, "legit_resolved_at": None, "restrictions": {}, "appeals": {},
        "notices": {}, "conflicted": [], "overrides": {}, "ombudsman": 0,
        "ombudsman_due_on": None, "complaints": 0, "subject_access_requests": 0,
        "tenancy_ended_on": None, "closed_at": None, "retain_until": None,
        "owner": None, "subject_access": {}, "ombudsman_matters": {},
        "open_complaints": [], "litigation_holds": [], "erased_subjects": [],
        "disposed_at": None, "skipped": 0,
    }


class CaseFold:
    """Folds events into case states; ``organisation`` is the policy in force."""

    def __init__(self, organisation: PolicyValues | None = None) -> None:
        self.organisation = organisation or PolicyValues()

    # --- policy ------------------------------------------------------------------------

    def policy(self, state: State) -> PolicyValues:
        return self.organisation.with_overrides(state["overrides"])

    def due(self, state: State, start: datetime | date | str, setting: Setting) -> str:
        if isinstance(start, str):
            start = datetime.fromisoformat(start) if "T" in start else date.fromisoformat(start)
        day = uk_date(start) if isinstance(start, datetime) else start
        overrides = state["overrides"]
        nation = overrides.get(Setting.NATION.value,
                               self.organisation.values[Setting.NATION])
        period = overrides.get(setting.value, self.organisation.values[setting])
        return _after(nation, day, period)

    # --- the fold ----------------------------------------------------------------------

    def apply(self, state: State, event: Any, changes: Changes) -> None:
        """Fold one event. Never raises for what the state cannot place (an unknown notice,
        restriction or appeal id; an event type the view does not interpret): a view that
        stalls on one odd event is worse than one missing a detail, so that part is logged
        and skipped and the case's version still moves on."""
        handler = getattr(self, "_" + type(event).__name__, None)
        state["version"] = event.originator_version
        state["updated_at"] = ts(event.timestamp)
        changes.cases.add(state["case_id"])
        if handler is None:
            return
        try:
            handler(state, event, changes)
        except Exception:  # noqa: BLE001 - see the docstring: skip, never stall the view
            state["skipped"] = state.get("skipped", 0) + 1
            log.warning("case %s v%s: could not fold %s; skipped", state["case_id"],
                        event.originator_version, type(event).__name__, exc_info=True)

    @staticmethod
    def _known(s: State, part: str, key: Any, e: Any) -> dict[str, Any] | None:
        """The record ``key`` in ``s[part]``, or None (logged) when the state has no such
        record: the event refers to something the view never saw."""
        record = s[part].get(str(key))
        if record is None:
            s["skipped"] = s.get("skipped", 0) + 1
            log.warning("case %s v%s: %s refers to an unknown %s %s; skipped",
                        s["case_id"], e.originator_version, type(e).__name__, part, key)
        return record

    def _Opened(self, s: State, e: Any, c: Changes) -> None:
        s["customer_ref"] = e.customer_ref
        s["opened_at"] = ts(e.occurred_at)
        s["opened_by"] = e.actor_id

    def _ContactRecorded(self, s: State, e: Any, c: Changes) -> None:
        s["contacts_total"] += 1
        at = ts(e.occurred_at)
        if s["last_contact_at"] is None or at > s["last_contact_at"]:
            s["last_contact_at"] = at
        restricted = any(r["status"] in IN_FORCE for r in s["restrictions"].values())
        c.contacts[str(e.contact_id)] = {
            "case_id": s["case_id"], "contact_id": str(e.contact_id),
            "version": e.originator_version, "occurred_at": at,
            "recorded_at": ts(e.recorded_at), "channel": e.channel,
            "direction": e.direction, "while_restricted": restricted,
            # the triage period (policy setting, per-case override) counts from recording
            "triage_due_on": self.due(s, e.recorded_at, Setting.CONTACT_TRIAGE_PERIOD)
            if restricted else None,
        }

    def _ContactTriaged(self, s: State, e: Any, c: Changes) -> None:
        c.triages[str(e.contact_id)] = {
            "case_id": s["case_id"], "contact_id": str(e.contact_id),
            "triage": e.classification, "triaged_at": ts(e.recorded_at),
            "triage_version": e.originator_version}
        if e.incident_id is not None and e.classification == "breach_of_terms":
            s["incidents"][str(e.incident_id)] = "breach_of_terms"

    def _IncidentRecorded(self, s: State, e: Any, c: Changes) -> None:
        s["incidents"][str(e.incident_id)] = e.category

    def _ConcernRaised(self, s: State, e: Any, c: Changes) -> None:
        s["concerns"] += 1
        s["concern_categories"] = sorted(set(s["concern_categories"]) | set(e.categories))

    def _WarningGiven(self, s: State, e: Any, c: Changes) -> None:
        wid = str(e.warning_id)
        s["warnings"][wid] = {"kind": e.kind, "given_at": ts(e.occurred_at), "lapsed": False,
                              "version": e.originator_version}
        c.warnings.add((s["case_id"], wid))
        self._owe_notice(s, e, c, "warning", wid)
        if e.kind == "formal":
            self._decision(s, e, c, justification=e.behaviour_justification)

    def _WarningLapsed(self, s: State, e: Any, c: Changes) -> None:
        w = self._known(s, "warnings", e.warning_id, e)
        if w is not None:
            w["lapsed"] = True
            c.warnings.add((s["case_id"], str(e.warning_id)))

    def _CheckRecorded(self, s: State, e: Any, c: Changes) -> None:
        s["checks"][e.kind] = {"at": ts(e.occurred_at), "declined": e.customer_declined,
                               "legit_found": e.legitimate_issue_found}

    def _VulnerabilityInfoRecorded(self, s: State, e: Any, c: Changes) -> None:
        at = ts(e.occurred_at)
        if s["vuln_info_at"] is None or at > s["vuln_info_at"]:
            s["vuln_info_at"] = at

    def _LegitimateIssueResolved(self, s: State, e: Any, c: Changes) -> None:
        s["legit_resolved_at"] = ts(e.occurred_at)

    def _RestrictionProposed(self, s: State, e: Any, c: Changes) -> None:
        self._new_restriction(s, e, c, "proposed", immediate=False)
        r = s["restrictions"][str(e.restriction_id)]
        r["review_date"] = ds(e.review_date)

    def _ImmediateRestrictionImposed(self, s: State, e: Any, c: Changes) -> None:
        self._new_restriction(s, e, c, "awaiting_ratification", immediate=True)
        rid = str(e.restriction_id)
        r = s["restrictions"][rid]
        r["decided_at"] = ts(e.occurred_at)
        r["decided_version"] = e.originator_version
        r["notice_id"] = str(e.notice_id)
        r["ratification_due_on"] = self.due(s, e.occurred_at, Setting.RATIFICATION)
        self._owe_notice(s, e, c, "restriction", rid, notice_id=e.notice_id)

    def _new_restriction(self, s: State, e: Any, c: Changes, status: str,
                         immediate: bool) -> None:
        rid = str(e.restriction_id)
        evidence = [str(x) for x in e.evidence]
        trigger = sorted({s["incidents"][x] for x in evidence if x in s["incidents"]}) \
            or list(s["concern_categories"])
        s["restrictions"][rid] = {
            "status": status, "immediate": immediate, "terms": shown_terms(e.terms),
            "proposer": e.actor_id, "approver": None, "ratifier": None, "reviewers": [],
            "proposed_at": ts(e.occurred_at), "proposed_version": e.originator_version,
            "decided_at": None, "decided_version": None, "review_date": None,
            "review_set_version": None, "review_max_on": None, "ends_on": ds(e.ends_on),
            "evidence_count": len(evidence), "trigger": trigger, "notice_id": None,
            "lift_notice_id": None, "ended_at": None, "ended_version": None,
            "lift_cause": None, "review_due": False, "review_overdue": False,
            "review_overdue_on": None, "ratification_due_on": None,
            "ratification_overdue": False, "appeal_window_closes_on": None,
            "appeal_window_closed": False,
        }
        c.restrictions.add((s["case_id"], rid))

    def _set_review_date(self, s: State, r: dict[str, Any], e: Any, review_date: date) -> None:
        r["review_date"] = ds(review_date)
        r["review_set_version"] = e.originator_version
        r["review_max_on"] = self.due(s, e.occurred_at, Setting.REVIEW_MAXIMUM)
        r["review_overdue_on"] = self.due(s, review_date, Setting.REVIEW_OVERDUE_ESCALATION)

    def _RestrictionApproved(self, s: State, e: Any, c: Changes) -> None:
        rid = str(e.restriction_id)
        r = self._known(s, "restrictions", rid, e)
        if r is not None:
            r.update(status="active", approver=e.actor_id, decided_at=ts(e.occurred_at),
                     decided_version=e.originator_version, notice_id=str(e.notice_id))
            self._set_review_date(s, r, e, e.review_date)
            c.restrictions.add((s["case_id"], rid))
        self._owe_notice(s, e, c, "restriction", rid, notice_id=e.notice_id)
        self._decision(s, e, c, justification=e.behaviour_justification)

    def _RestrictionRejected(self, s: State, e: Any, c: Changes) -> None:
        r = self._known(s, "restrictions", e.restriction_id, e)
        if r is not None:
            r.update(status="rejected", approver=e.actor_id, ended_at=ts(e.occurred_at),
                     ended_version=e.originator_version)
            c.restrictions.add((s["case_id"], str(e.restriction_id)))

    def _ImmediateRestrictionRatified(self, s: State, e: Any, c: Changes) -> None:
        rid = str(e.restriction_id)
        r = self._known(s, "restrictions", rid, e)
        if r is not None:
            r.update(status="active", ratifier=e.actor_id, ratification_overdue=False)
            self._set_review_date(s, r, e, e.review_date)
            c.restrictions.add((s["case_id"], rid))
        self._decision(s, e, c, justification=None)

    def _RatificationOverdue(self, s: State, e: Any, c: Changes) -> None:
        self._flag(s, c, "restrictions", e.restriction_id, e, ratification_overdue=True)

    def _NoticeSent(self, s: State, e: Any, c: Changes) -> None:
        nid = str(e.notice_id)
        n = self._known(s, "notices", nid, e)
        if n is None:
            return
        n.update(sent_at=ts(e.occurred_at), sent_version=e.originator_version,
                 format=e.format)
        c.notices.add((s["case_id"], nid))
        if n["kind"] == "restriction" and n["about"] in s["restrictions"]:
            r = s["restrictions"][n["about"]]
            r["appeal_window_closes_on"] = self.due(s, e.occurred_at, Setting.APPEAL_WINDOW)
            c.restrictions.add((s["case_id"], n["about"]))

    def _NoticeOverdue(self, s: State, e: Any, c: Changes) -> None:
        self._flag(s, c, "notices", e.notice_id, e, overdue=True)

    def _AppealLodged(self, s: State, e: Any, c: Changes) -> None:
        aid = str(e.appeal_id)
        clock_from = None if e.late else ts(e.occurred_at)
        s["appeals"][aid] = {
            "restriction_id": str(e.restriction_id),
            "status": "late_awaiting_decision" if e.late else "lodged", "late": e.late,
            "received_at": ts(e.occurred_at), "lodged_version": e.originator_version,
            "clock_from": clock_from,
            "decision_due_on": self.due(s, clock_from, Setting.APPEAL_DECISION)
            if clock_from else None,
            "outcome": None, "decider": None, "decided_at": None, "decided_version": None,
            "decider_involved": False, "overdue": False, "reminded": False,
        }
        c.appeals.add((s["case_id"], aid))

    def _LateAppealAccepted(self, s: State, e: Any, c: Changes) -> None:
        self._flag(s, c, "appeals", e.appeal_id, e, status="lodged",
                   clock_from=ts(e.occurred_at),
                   decision_due_on=self.due(s, e.occurred_at, Setting.APPEAL_DECISION))

    def _LateAppealRejected(self, s: State, e: Any, c: Changes) -> None:
        self._flag(s, c, "appeals", e.appeal_id, e, status="rejected_as_late",
                   decider=e.actor_id, decided_at=ts(e.occurred_at),
                   decided_version=e.originator_version)

    def _AppealOverdue(self, s: State, e: Any, c: Changes) -> None:
        self._flag(s, c, "appeals", e.appeal_id, e, overdue=True)

    def _AppealDecided(self, s: State, e: Any, c: Changes) -> None:
        aid = str(e.appeal_id)
        a = self._known(s, "appeals", aid, e)
        r = s["restrictions"].get(a["restriction_id"]) if a is not None else None
        involved = set(s["conflicted"])
        if r is not None:
            involved |= {r["proposer"], r["approver"], r["ratifier"], *r["reviewers"]}
        if a is not None:
            a.update(status="decided", outcome=e.outcome, decider=e.actor_id,
                     decided_at=ts(e.occurred_at), decided_version=e.originator_version,
                     decider_involved=e.actor_id in involved)
            c.appeals.add((s["case_id"], aid))
        if e.new_terms is not None and r is not None:
            r["terms"] = shown_terms(e.new_terms)
            c.restrictions.add((s["case_id"], a["restriction_id"]))
        self._owe_notice(s, e, c, "appeal_outcome", aid, notice_id=e.notice_id)
        self._decision(s, e, c, justification=None)

    def _ReviewDue(self, s: State, e: Any, c: Changes) -> None:
        self._flag(s, c, "restrictions", e.restriction_id, e, review_due=True)

    def _ReviewOverdue(self, s: State, e: Any, c: Changes) -> None:
        self._flag(s, c, "restrictions", e.restriction_id, e, review_due=True,
                   review_overdue=True)

    def _ReviewCompleted(self, s: State, e: Any, c: Changes) -> None:
        rid = str(e.restriction_id)
        r = self._known(s, "restrictions", rid, e)
        due = r["review_date"] if r is not None else None
        done_on = uk_date(e.occurred_at).isoformat()
        c.reviews.append({
            "case_id": s["case_id"], "version": e.originator_version, "restriction_id": rid,
            "outcome": e.outcome, "due_date": due, "completed_at": ts(e.occurred_at),
            "reviewer": e.actor_id, "late": due is not None and done_on > due})
        if r is not None:
            r["reviewers"] = [*r["reviewers"], e.actor_id]
            r.update(review_due=False, review_overdue=False)
            if e.next_review_date is not None:
                self._set_review_date(s, r, e, e.next_review_date)
            if e.new_terms is not None:
                r["terms"] = shown_terms(e.new_terms)
            c.restrictions.add((s["case_id"], rid))
        kind = "variation" if e.new_terms is not None else "review_outcome"
        self._owe_notice(s, e, c, kind, rid, notice_id=e.notice_id)
        # continuing or varying is acting on the behaviour: while a found service failure is
        # unresolved it needs a behaviour justification, as approving does (event v2)
        self._decision(s, e, c, justification=e.behaviour_justification,
                       counts=e.outcome in ("continue", "vary"))

    def _RestrictionLifted(self, s: State, e: Any, c: Changes) -> None:
        self._end(s, e, c, "lifted", e.cause)

    def _RestrictionExpired(self, s: State, e: Any, c: Changes) -> None:
        self._end(s, e, c, "expired", "expiry")

    def _end(self, s: State, e: Any, c: Changes, status: str, cause: str) -> None:
        rid = str(e.restriction_id)
        self._flag(s, c, "restrictions", rid, e, status=status,
                   lift_notice_id=str(e.notice_id), ended_at=ts(e.occurred_at),
                   ended_version=e.originator_version, lift_cause=cause, review_due=False)
        self._owe_notice(s, e, c, "lift", rid, notice_id=e.notice_id)

    def _CounterAllegationMade(self, s: State, e: Any, c: Changes) -> None:
        s["conflicted"] = sorted(set(s["conflicted"]) | {e.staff_id})

    def _OmbudsmanContacted(self, s: State, e: Any, c: Changes) -> None:
        s["ombudsman"] += 1
        if e.due_on is not None:
            s["ombudsman_due_on"] = ds(e.due_on)
        mid = str(e.matter_id)
        s["ombudsman_matters"][mid] = {
            "stage": e.stage, "contacted_at": ts(e.occurred_at),
            "contacted_version": e.originator_version, "due_on": ds(e.due_on),
            "closed_at": None, "overdue": False, "overdue_at": None}
        c.ombudsman.add((s["case_id"], mid))

    def _OmbudsmanMatterClosed(self, s: State, e: Any, c: Changes) -> None:
        self._flag(s, c, "ombudsman_matters", e.matter_id, e, closed_at=ts(e.occurred_at))

    def _OmbudsmanMatterOverdue(self, s: State, e: Any, c: Changes) -> None:
        self._flag(s, c, "ombudsman_matters", e.matter_id, e, overdue=True,
                   overdue_at=ts(e.occurred_at))

    def _RestrictionComplaintMade(self, s: State, e: Any, c: Changes) -> None:
        s["complaints"] += 1
        s["open_complaints"] = sorted({*s["open_complaints"], str(e.complaint_id)})

    def _RestrictionComplaintResolved(self, s: State, e: Any, c: Changes) -> None:
        s["open_complaints"] = [x for x in s["open_complaints"] if x != str(e.complaint_id)]

    def _SubjectAccessRequested(self, s: State, e: Any, c: Changes) -> None:
        s["subject_access_requests"] += 1
        rid = str(e.request_id)
        s["subject_access"][rid] = {
            "received_at": ts(e.occurred_at), "requested_version": e.originator_version,
            "due_on": ds(e.due_on), "extended": False, "fulfilled_at": None,
            "overdue": False}
        c.subject_access.add((s["case_id"], rid))

    def _SubjectAccessExtended(self, s: State, e: Any, c: Changes) -> None:
        self._flag(s, c, "subject_access", e.request_id, e, extended=True,
                   due_on=ds(e.due_on))

    def _SubjectAccessFulfilled(self, s: State, e: Any, c: Changes) -> None:
        self._flag(s, c, "subject_access", e.request_id, e, fulfilled_at=ts(e.occurred_at))

    def _SubjectAccessOverdue(self, s: State, e: Any, c: Changes) -> None:
        self._flag(s, c, "subject_access", e.request_id, e, overdue=True)

    def _RestrictionExtended(self, s: State, e: Any, c: Changes) -> None:
        rid = str(e.restriction_id)
        self._flag(s, c, "restrictions", rid, e, ends_on=ds(e.ends_on))
        self._owe_notice(s, e, c, "variation", rid, notice_id=e.notice_id)
        self._decision(s, e, c, justification=None)

    def _AppealDecisionReminded(self, s: State, e: Any, c: Changes) -> None:
        self._flag(s, c, "appeals", e.appeal_id, e, reminded=True)

    def _AppealWindowClosed(self, s: State, e: Any, c: Changes) -> None:
        self._flag(s, c, "restrictions", e.restriction_id, e, appeal_window_closed=True)

    def _LegalHoldPlaced(self, s: State, e: Any, c: Changes) -> None:
        s["litigation_holds"] = sorted({*s["litigation_holds"], str(e.hold_id)})

    def _LegalHoldReleased(self, s: State, e: Any, c: Changes) -> None:
        s["litigation_holds"] = [h for h in s["litigation_holds"] if h != str(e.hold_id)]

    def _PersonErased(self, s: State, e: Any, c: Changes) -> None:
        s["erased_subjects"] = sorted({*s["erased_subjects"], str(e.subject_id)})

    def _CaseDisposed(self, s: State, e: Any, c: Changes) -> None:
        s["disposed_at"] = ts(e.occurred_at)
        s["erased_subjects"] = sorted({*s["erased_subjects"], *map(str, e.erased_subjects)})

    def _CaseOwnerAssigned(self, s: State, e: Any, c: Changes) -> None:
        s["owner"] = e.owner_id

    def _TenancyEnded(self, s: State, e: Any, c: Changes) -> None:
        s["tenancy_ended_on"] = ds(e.ended_on)

    def _SettingOverridden(self, s: State, e: Any, c: Changes) -> None:
        s["overrides"] = {**s["overrides"], e.setting: e.value}

    def _CaseClosed(self, s: State, e: Any, c: Changes) -> None:
        s.update(status="closed", closed_at=ts(e.occurred_at),
                 retain_until=ds(e.retain_until))

    # --- shared ------------------------------------------------------------------------

    def _flag(self, s: State, c: Changes, part: str, key: Any, e: Any, **values: Any) -> None:
        """Update a known child record (restriction, appeal, notice, ...) and mark it dirty."""
        record = self._known(s, part, key, e)
        if record is not None:
            record.update(values)
            getattr(c, CHANGE_SETS[part]).add((s["case_id"], str(key)))

    def _owe_notice(self, s: State, e: Any, c: Changes, kind: str, about: str,
                    notice_id: Any = None) -> None:
        nid = str(notice_id if notice_id is not None else e.notice_id)
        s["notices"][nid] = {
            "kind": kind, "about": about, "owed_since": ts(e.recorded_at),
            "owed_version": e.originator_version,
            "due_on": self.due(s, e.recorded_at, Setting.NOTICE_DISPATCH),
            "sent_at": None, "sent_version": None, "format": None, "overdue": False}
        c.notices.add((s["case_id"], nid))

    def _decision(self, s: State, e: Any, c: Changes, justification: PersonalData | None,
                  counts: bool = True) -> None:
        c.decisions.append({
            "case_id": s["case_id"], "version": e.originator_version,
            "event_type": type(e).__name__, "actor_id": e.actor_id,
            "occurred_at": ts(e.occurred_at),
            "open_service_failure": counts and open_service_failure(s),
            # sealed and closed here (text None): recorded means present, readable or not
            "justification_recorded": justification is not None,
            "evidence_count": len(e.evidence)})


#: state part -> the ``Changes`` set that marks its rows dirty
CHANGE_SETS = {"restrictions": "restrictions", "appeals": "appeals", "notices": "notices",
               "warnings": "warnings", "subject_access": "subject_access",
               "ombudsman_matters": "ombudsman"}


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


def stage(s: State) -> str:
    """Where the case is in the policy's lifecycle (a finer ``status`` for lists)."""
    if s["status"] == "closed":
        return "closed"
    statuses = {r["status"] for r in s["restrictions"].values()}
    if "awaiting_ratification" in statuses:
        return "immediate_restriction"
    if "active" in statuses:
        return "restricted"
    if "proposed" in statuses:
        return "restriction_proposed"
    live = {w["kind"] for w in s["warnings"].values() if not w["lapsed"]}
    if "formal" in live:
        return "formal_warning"
    if "informal" in live:
        return "informal_warning"
    return "concern_raised" if s["concerns"] else "open"


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
