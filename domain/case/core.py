"""What every command of a case shares: who may act, the rules checked before recording,
sealing personal data, and finding the parts of a case."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate

from domain import events as ev
from domain.actors import Actor, Role
from domain.calendar import uk_date
from domain.case.stamp import Stamp
from domain.clocks import appealable_notices
from domain.errors import (
    AppealNotLate,
    ApproverIsProposer,
    AssessmentStale,
    CaseClosed,
    ChecksIncomplete,
    ConcernRequired,
    EvidenceRequired,
    LegitimateIssueUnresolved,
    NotFound,
    NoticeNotAppealable,
    NotYetDue,
    OrganisationWideNeedsSeniorManager,
    RestrictionNotActive,
    RestrictionNotAwaitingRatification,
    RestrictionNotProposed,
    ReviewDateBeyondMaximum,
    ReviewDateInPast,
    StaffConflicted,
    UnknownEvidence,
    WrittenOnlyNotConfirmed,
)
from domain.permissions import (
    require_role,
)
from domain.personal import PersonalData, sealed_for
from domain.records import Appeal, Contact, Incident, Notice, Restriction, Warning
from domain.settings import PolicyValues, Setting
from domain.state import CaseState
from domain.terms import RestrictionTerms, split_terms
from domain.vocabulary import (
    AppealStatus,
    CaseStatus,
    CheckKind,
    LiftCause,
    RestrictionStatus,
)

if TYPE_CHECKING:
    _Base = Aggregate
else:
    _Base = object


class CaseCore(CaseState, _Base):
    """Shared by the command mixins; ``Case`` combines them with ``Aggregate``."""

    def has_handled(self, command_id: str | None) -> bool:
        return command_id is not None and command_id in self.command_ids

    def personal(self, text: str | None) -> PersonalData:
        return sealed_for(self.subject_id, text, self.erased_subjects)

    def new_id(self, what: str) -> UUID:
        """Ids of new parts are derived from the case and its next version: deterministic."""
        return uuid5(self.id, f"{what}:{self.version + 1}")


    def _record(self, event_class: type[ev.CaseEvent], stamp: Stamp, **fields: Any) -> None:
        if issubclass(event_class, ev.DecisionEvent):
            fields = self._sealed_decision(fields)
        self.trigger_event(event_class, **stamp.fields(), **fields)

    def _sealed_decision(self, fields: dict[str, Any]) -> dict[str, Any]:
        """A decision's free text, sealed as the customer's personal data. The rules have
        already read the clear text (a reason is required, a justification must say
        something); what is stored is only the sealed value."""
        sealed = dict(fields, reason=self.sealed_text(fields["reason"]))
        if "behaviour_justification" in fields:
            justification = fields["behaviour_justification"]
            sealed["behaviour_justification"] = (
                self.sealed_text(justification)
                if justification is not None and justification.strip() else None)
        for key in ("terms", "new_terms"):
            if key in fields:
                terms = fields[key]
                clear, personal = ({}, {}) if terms is None else split_terms(
                    terms, self.sealed_text)
                sealed[key] = None if terms is None else clear
                sealed["personal_terms"] = personal
        return sealed

    def sealed_text(self, text: str) -> PersonalData:
        """Text staff write about the customer as part of a decision or a record the case
        must keep (a reason, an Ombudsman's reference). Once the customer is erased it is
        not kept: the fact is recorded, the words are recorded as erased."""
        if self.subject_id in self.erased_subjects:
            return PersonalData(self.subject_id, None)
        return PersonalData(self.subject_id, text.strip())

    def _open_for(self, stamp: Stamp, roles: Iterable[Role], action: str, *,
                  closed_ok: bool = False) -> None:
        require_role(stamp.actor, frozenset(roles), action)
        if self.status == CaseStatus.CLOSED and not closed_ok:
            raise CaseClosed("This case is closed; nothing more can be recorded on it.")

    def _lift(self, restriction_id: UUID, cause: LiftCause, reason: str, stamp: Stamp) -> None:
        self._record(ev.RestrictionLifted, stamp, restriction_id=restriction_id,
                     cause=cause.value, notice_id=self.new_id("notice"), reason=reason,
                     evidence=[])

    def _require_due(self, due: datetime, stamp: Stamp, what: str) -> None:
        if stamp.recorded_at < due:
            raise NotYetDue(f"{what.capitalize()} is not due until {due.isoformat()}.")

    def _evidence(self, refs: Sequence[str]) -> list[str]:
        refs = [str(r) for r in refs]
        if not refs:
            raise EvidenceRequired(
                "Reference the recorded incidents or contacts this is based on; nothing is "
                "decided without a record of the behaviour.")
        unknown = [r for r in refs if not self._is_known_record(r)]
        if unknown:
            raise UnknownEvidence(
                f"These are not incidents or contacts on this case: {', '.join(unknown)}.")
        return refs

    def _is_known_record(self, ref: str) -> bool:
        try:
            key = UUID(ref)
        except ValueError:
            return False
        return key in self.incidents or key in self.contacts

    def _maybe_incident(self, ref: str) -> Incident | None:
        try:
            return self.incidents.get(UUID(ref))
        except ValueError:
            return None

    def _require_concern(self) -> None:
        if not self.concerns:
            raise ConcernRequired("Raise a concern, with its evidence, before any warning or "
                                  "restriction.")

    def _require_checks(self, stamp: Stamp, behaviour_justification: str | None) -> None:
        missing = [k.value.replace("_", " ") for k in CheckKind if k.value not in self.checks]
        if missing:
            raise ChecksIncomplete(
                f"Complete the pre-decision checks first: {', '.join(missing)}.")
        if self.vulnerability_info_at is not None:
            stale = [c.kind.replace("_", " ") for c in self.checks.values()
                     if c.occurred_at < self.vulnerability_info_at]
            if stale:
                raise AssessmentStale(
                    "New vulnerability information was recorded after these checks; redo "
                    f"them before deciding: {', '.join(sorted(stale))}.")
        issue = self.checks[CheckKind.LEGITIMATE_ISSUE]
        resolved = (self.legitimate_issue_resolved_at is not None
                    and self.legitimate_issue_resolved_at >= issue.occurred_at)
        if issue.legitimate_issue_found and not resolved and not (
                behaviour_justification and behaviour_justification.strip()):
            raise LegitimateIssueUnresolved(
                "The legitimate-issue check found a service failure behind this contact. Fix "
                "it first, or record why the behaviour, not the failure, justifies acting.")

    def _require_written_only_confirmed(self, terms: RestrictionTerms) -> None:
        if not terms.written_only:
            return
        check = self.checks.get(CheckKind.VULNERABILITY_ASSESSMENT)
        stale = (check is not None and self.vulnerability_info_at is not None
                 and check.occurred_at < self.vulnerability_info_at)
        if check is None or stale or check.customer_declined or not (
                check.written_communication_ok):
            raise WrittenOnlyNotConfirmed(
                "Written-only contact needs a current adjustment check confirming the "
                "customer can communicate in writing.")

    def _require_scope_authority(self, terms: RestrictionTerms, actor: Actor) -> None:
        if terms.organisation_wide and actor.role is not Role.SENIOR_MANAGER:
            raise OrganisationWideNeedsSeniorManager(
                "Only a senior manager can approve an organisation-wide restriction.")

    def _require_review_date(self, review_date: date, stamp: Stamp,
                             policy: PolicyValues) -> None:
        today = uk_date(stamp.recorded_at)
        if review_date <= today:
            raise ReviewDateInPast(f"The review date {review_date} must be after today.")
        limit = self.policy(policy).period(Setting.REVIEW_MAXIMUM)
        latest = self.policy(policy).calendar.after(uk_date(stamp.occurred_at), limit)
        if review_date > latest:
            raise ReviewDateBeyondMaximum(
                f"A review must fall within {limit} of the decision (by {latest}); "
                "restrictions are never indefinite.")

    def _require_not_proposer(self, restriction: Restriction, actor: Actor) -> None:
        if actor.user_id == restriction.proposer_id:
            raise ApproverIsProposer(
                "You proposed this restriction, so another manager must decide it.")

    def _require_not_conflicted(self, actor: Actor) -> None:
        if actor.user_id in self.conflicted_staff:
            raise StaffConflicted(
                "The customer has made an allegation against you, so you cannot decide on "
                "this case; ask another manager.")

    def _require_in_force(self, restriction: Restriction) -> None:
        if not restriction.in_force:
            raise RestrictionNotActive(f"This restriction is {restriction.status}, not in force.")

    def _found(self, table: dict[UUID, Any], key: UUID, what: str) -> Any:
        try:
            return table[key]
        except KeyError:
            raise NotFound(f"There is no {what} {key} on this case.") from None

    def _contact(self, contact_id: UUID) -> Contact:
        contact: Contact = self._found(self.contacts, contact_id, "contact")
        return contact

    def _incident(self, incident_id: UUID) -> Incident:
        incident: Incident = self._found(self.incidents, incident_id, "incident")
        return incident

    def _restriction(self, restriction_id: UUID) -> Restriction:
        restriction: Restriction = self._found(self.restrictions, restriction_id, "restriction")
        return restriction

    def _appeal(self, appeal_id: UUID) -> Appeal:
        appeal: Appeal = self._found(self.appeals, appeal_id, "appeal")
        return appeal

    def _notice(self, notice_id: UUID) -> Notice:
        notice: Notice = self._found(self.notices, notice_id, "notice")
        return notice

    def _warning(self, warning_id: UUID) -> Warning:
        warning: Warning = self._found(self.warnings, warning_id, "warning")
        return warning

    def _proposed(self, restriction_id: UUID) -> Restriction:
        restriction = self._restriction(restriction_id)
        if restriction.status != RestrictionStatus.PROPOSED:
            raise RestrictionNotProposed(
                f"This restriction is {restriction.status}; only a proposal can be decided.")
        return restriction

    def _awaiting_ratification(self, restriction_id: UUID) -> Restriction:
        restriction = self._restriction(restriction_id)
        if restriction.status != RestrictionStatus.AWAITING_RATIFICATION:
            raise RestrictionNotAwaitingRatification(
                f"This restriction is {restriction.status}, not awaiting ratification.")
        return restriction

    def _late_appeal(self, appeal_id: UUID) -> Appeal:
        appeal = self._appeal(appeal_id)
        if appeal.status != AppealStatus.LATE_AWAITING_DECISION:
            raise AppealNotLate("This appeal is not a late appeal awaiting a decision.")
        return appeal

    def appealed_notice(self, restriction_id: UUID, notice_id: UUID | None) -> UUID | None:
        """The notice an appeal answers: ``notice_id`` when it is one of the restriction's
        appealable notices (``NoticeNotAppealable`` otherwise), else the restriction's own."""
        if notice_id is None:
            return self.restrictions[restriction_id].notice_id
        notice = self._notice(notice_id)
        if notice_id not in appealable_notices(self, restriction_id):
            what = notice.kind.replace("_", " ")
            raise NoticeNotAppealable(
                f"This {what} notice opens no appeal window for this restriction: an appeal "
                "answers the restriction's own notice or a variation of it (a review that "
                "varied it, an extension). An appeal decision is final; the customer may go "
                "to the Housing Ombudsman.")
        return notice_id
