"""The case fold's restriction part: proposals, decisions, ratification, notices, appeals,
reviews and the ends of a restriction."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.calendar import uk_date
from domain.settings import Setting
from domain.vocabulary import APPEALABLE_NOTICE_KINDS
from projections.fold_base import (
    Changes,
    State,
    ds,
    shown_terms,
    ts,
)


#: Notice kinds that open an appeal window (``domain.vocabulary.APPEALABLE_NOTICE_KINDS``).
APPEALABLE_NOTICES = frozenset(k.value for k in APPEALABLE_NOTICE_KINDS)


class RestrictionFold:
    """Mixed into ``CaseFold``, whose shared helpers (``_known``, ``_flag``, ``_owe_notice``,
    ``_decision``, ``due``) it uses."""

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
        if n["kind"] in APPEALABLE_NOTICES:  # each opens its own appeal window
            n["appeal_window_closes_on"] = self.due(s, e.occurred_at, Setting.APPEAL_WINDOW)
        if n["kind"] == "restriction" and n["about"] in s["restrictions"]:
            r = s["restrictions"][n["about"]]
            r["appeal_window_closes_on"] = n["appeal_window_closes_on"]
            c.restrictions.add((s["case_id"], n["about"]))

    def _NoticeOverdue(self, s: State, e: Any, c: Changes) -> None:
        self._flag(s, c, "notices", e.notice_id, e, overdue=True)

    def _AppealLodged(self, s: State, e: Any, c: Changes) -> None:
        aid = str(e.appeal_id)
        clock_from = None if e.late else ts(e.occurred_at)
        r = s["restrictions"].get(str(e.restriction_id)) or {}
        answers = getattr(e, "notice_id", None)
        s["appeals"][aid] = {
            "restriction_id": str(e.restriction_id),
            "notice_id": str(answers) if answers else r.get("notice_id"),
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
            involved |= {r["proposer"], r["approver"], r["ratifier"], *r["reviewers"],
                         *r.get("extenders", ())}
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
