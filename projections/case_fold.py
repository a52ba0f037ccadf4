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

from datetime import date, datetime
from typing import Any

from domain.calendar import uk_date
from domain.personal import PersonalData
from domain.settings import PolicyValues, Setting
from projections.fold_base import (  # noqa: F401 - re-exported for the views
    CHANGE_SETS,
    IN_FORCE,
    OPEN_APPEAL,
    TERMS_NOT_SHOWN,
    CaseStatus,
    Changes,
    State,
    Stage,
    _after,
    case_status,
    current_restriction,
    ds,
    legal_holds,
    log,
    new_state,
    open_appeal,
    open_service_failure,
    shown_terms,
    stage,
    ts,
    vulnerability_assessment,
)
from projections.fold_restrictions import RestrictionFold


class CaseFold(RestrictionFold):
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
            "closed_at": None, "overdue": False, "overdue_at": None, "determined_at": None}
        c.ombudsman.add((s["case_id"], mid))

    def _OmbudsmanDetermined(self, s: State, e: Any, c: Changes) -> None:
        self._flag(s, c, "ombudsman_matters", e.matter_id, e, determined_at=ts(e.occurred_at))
        remedies = s.setdefault("remedies", {})
        for remedy in e.remedies:
            rid = str(remedy["remedy_id"])
            remedies[rid] = {
                "matter_id": str(e.matter_id), "kind": remedy["kind"],
                "ordered_at": ts(e.occurred_at), "ordered_version": e.originator_version,
                "due_on": remedy["due_on"], "completed_at": None, "completed_version": None,
                "overdue": False, "overdue_at": None}
            c.remedies.add((s["case_id"], rid))

    def _RemedyCompleted(self, s: State, e: Any, c: Changes) -> None:
        self._flag(s, c, "remedies", e.remedy_id, e, completed_at=ts(e.occurred_at),
                   completed_version=e.originator_version)

    def _RemedyOverdue(self, s: State, e: Any, c: Changes) -> None:
        self._flag(s, c, "remedies", e.remedy_id, e, overdue=True,
                   overdue_at=ts(e.occurred_at))

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
        r = s["restrictions"].get(rid) or {}
        self._flag(s, c, "restrictions", rid, e, ends_on=ds(e.ends_on),
                   extenders=[*r.get("extenders", ()), e.actor_id])
        self._owe_notice(s, e, c, "variation", rid, notice_id=e.notice_id)
        self._decision(s, e, c, justification=None)

    def _AppealDecisionReminded(self, s: State, e: Any, c: Changes) -> None:
        self._flag(s, c, "appeals", e.appeal_id, e, reminded=True)

    def _AppealWindowClosed(self, s: State, e: Any, c: Changes) -> None:
        r = s["restrictions"].get(str(e.restriction_id))
        if r is None or r["notice_id"] == str(e.notice_id):  # the restriction's own notice
            self._flag(s, c, "restrictions", e.restriction_id, e, appeal_window_closed=True)
        self._flag(s, c, "notices", e.notice_id, e, appeal_window_closed=True)

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
            "sent_at": None, "sent_version": None, "format": None, "overdue": False,
            "appeal_window_closes_on": None, "appeal_window_closed": False}
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
