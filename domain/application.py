"""The application service: one method per command, on any eventsourcing persistence.

Every command: build a ``Stamp`` (who, when it happened, when it is recorded, the client's
command id), load the case, let the aggregate check its rules and record, save. Delivered
twice with the same ``command_id`` it records nothing the second time. On a concurrent write
it reloads and retries (every rule is checked again against the fresh case, so a retry can
never break one); when the caller passed ``expected_version`` (HTTP ``If-Match``) a stale
version is a ``ConcurrentModification`` instead.

Personal data is sealed per customer by ``PersonalDataTranscoding``; the key store comes from
the environment: ``UPC_KEY_STORE_TOPIC`` (e.g. ``upc.keystore:PostgresKeyStore``), else
PostgreSQL when ``PERSISTENCE_MODULE`` is ``eventsourcing.postgres``, else in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4, uuid5

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError, JSONTranscoder, Transcoding
from eventsourcing.utils import resolve_topic

from domain import events as ev
from domain.actors import SYSTEM_ACTOR, Actor
from domain.case import Case, Stamp, case_id_for
from domain.errors import CaseAlreadyOpen, ConcurrentModification, NotFound
from domain.personal import InMemoryKeyStore, KeyStore, PersonalDataTranscoding
from domain.privacy import retention_ended, subjects_of
from domain.settings import SETTINGS_ID, PolicySettings, PolicyValues
from domain.terms import RestrictionTerms

POSTGRES_KEY_STORE = "upc.keystore:PostgresKeyStore"


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


def now() -> datetime:
    return datetime.now(UTC)


class CaseService(Application[UUID]):
    name = "upc"
    retries_on_conflict = 3

    def __init__(self, env: dict[str, str] | None = None, *,
                 clock: Callable[[], datetime] | None = None,
                 key_store: KeyStore | None = None) -> None:
        self.clock = clock or now
        self._given_key_store = key_store
        super().__init__(env)

    # --- infrastructure ------------------------------------------------------------------

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())
        self.key_store = self._given_key_store or self._construct_key_store()
        transcoder.register(PersonalDataTranscoding(self.key_store))

    def _construct_key_store(self) -> KeyStore:
        topic = self.env.get("UPC_KEY_STORE_TOPIC")
        if not topic and self.env.get("PERSISTENCE_MODULE") == "eventsourcing.postgres":
            topic = POSTGRES_KEY_STORE
        if not topic:
            return InMemoryKeyStore()
        store_class = resolve_topic(topic)
        from_env = getattr(store_class, "from_env", None)
        store: KeyStore = from_env(self.env) if from_env else store_class()
        return store

    def close(self) -> None:
        closer = getattr(self.key_store, "close", None)
        if closer is not None:
            closer()
        super().close()

    # --- settings ------------------------------------------------------------------------

    def policy_settings(self) -> PolicySettings:
        for _ in range(self.retries_on_conflict):
            try:
                settings: PolicySettings = self.repository.get(SETTINGS_ID)
                return settings
            except AggregateNotFoundError:
                try:
                    seeded = PolicySettings.seed(SYSTEM_ACTOR, self.clock())
                    self.save(seeded)
                    return seeded
                except IntegrityError:
                    continue
        raise ConcurrentModification("the policy settings are being created; try again")

    def policy_values(self) -> PolicyValues:
        return self.policy_settings().current()

    def change_setting(self, name: str, value: str, actor: Actor, *, reason: str) -> PolicyValues:
        for _ in range(self.retries_on_conflict):
            settings = self.policy_settings()
            settings.change(name, value, reason, actor, self.clock())
            try:
                self.save(settings)
            except IntegrityError:
                continue
            return settings.current()
        raise ConcurrentModification("the settings changed meanwhile; reload and try again")

    # --- opening and reading -------------------------------------------------------------

    def open_case(self, customer_ref: str, actor: Actor, *,
                  occurred_at: datetime | None = None,
                  command_id: str | None = None) -> Case:
        case_id = case_id_for(customer_ref)
        try:
            existing = self.get_case(case_id)
        except NotFound:
            pass
        else:
            if existing.has_handled(command_id):
                return existing
            raise CaseAlreadyOpen(f"A case is already open for customer {customer_ref}.")
        case = Case.open(customer_ref, self._stamp(actor, occurred_at, command_id))
        try:
            self.save(case)
        except IntegrityError:
            raise CaseAlreadyOpen(
                f"A case is already open for customer {customer_ref}.") from None
        return case

    def get_case(self, case_id: UUID) -> Case:
        try:
            case: Case = self.repository.get(case_id)
        except AggregateNotFoundError:
            raise NotFound(f"There is no case with id {case_id}.") from None
        return case

    # --- contacts, incidents, support ----------------------------------------------------

    def record_contact(self, case_id: UUID, actor: Actor, *, channel: str, direction: str,
                       occurred_at: datetime, summary: str, command_id: str | None = None,
                       contact_id: UUID | None = None,
                       expected_version: int | None = None) -> Case:
        new_id = contact_id or self.new_id(case_id, command_id)
        return self._command(
            case_id, actor, occurred_at, command_id, expected_version,
            lambda case, stamp: case.record_contact(new_id, channel, direction, summary, stamp))

    def triage_contact(self, case_id: UUID, actor: Actor, *, contact_id: UUID,
                       classification: str, note: str = "", **options: Any) -> Case:
        return self._do(case_id, actor, options, lambda case, stamp: case.triage_contact(
            contact_id, classification, note, stamp))

    def record_incident(self, case_id: UUID, actor: Actor, *, category: str,
                        description: str, occurred_at: datetime,
                        staff_ids: Sequence[str] = (), contact_id: UUID | None = None,
                        incident_id: UUID | None = None, command_id: str | None = None,
                        expected_version: int | None = None) -> Case:
        new_id = incident_id or self.new_id(case_id, command_id)
        return self._command(
            case_id, actor, occurred_at, command_id, expected_version,
            lambda case, stamp: case.record_incident(
                new_id, category, description, staff_ids, contact_id, stamp))

    def record_staff_support(self, case_id: UUID, actor: Actor, *, incident_id: UUID,
                             staff_id: str, response: str, **options: Any) -> Case:
        return self._do(case_id, actor, options, lambda case, stamp: case.record_staff_support(
            incident_id, staff_id, response, stamp))

    # --- concern, warnings, checks -------------------------------------------------------

    def raise_concern(self, case_id: UUID, actor: Actor, *, evidence: Sequence[str],
                      reason: str, categories: Sequence[str] = (), **options: Any) -> Case:
        return self._do(case_id, actor, options, lambda case, stamp: case.raise_concern(
            evidence, categories, reason, stamp))

    def give_warning(self, case_id: UUID, actor: Actor, *, kind: str, evidence: Sequence[str],
                     reason: str, behaviour_justification: str | None = None,
                     **options: Any) -> Case:
        return self._do(case_id, actor, options, lambda case, stamp: case.give_warning(
            kind, evidence, reason, stamp, behaviour_justification))

    def record_check(self, case_id: UUID, actor: Actor, *, kind: str, notes: str = "",
                     customer_declined: bool = False, written_communication_ok: bool = False,
                     legitimate_issue_found: bool = False, adjustments: Sequence[str] = (),
                     **options: Any) -> Case:
        return self._do(case_id, actor, options, lambda case, stamp: case.record_check(
            kind, notes, stamp, customer_declined=customer_declined,
            written_communication_ok=written_communication_ok,
            legitimate_issue_found=legitimate_issue_found, adjustments=adjustments))

    def record_vulnerability_info(self, case_id: UUID, actor: Actor, *, details: str,
                                  **options: Any) -> Case:
        return self._do(case_id, actor, options,
                        lambda case, stamp: case.record_vulnerability_info(details, stamp))

    def resolve_legitimate_issue(self, case_id: UUID, actor: Actor, *, reason: str,
                                 evidence: Sequence[str] = (), **options: Any) -> Case:
        return self._do(case_id, actor, options,
                        lambda case, stamp: case.resolve_legitimate_issue(reason, evidence,
                                                                          stamp))

    # --- restrictions --------------------------------------------------------------------

    def propose_restriction(self, case_id: UUID, actor: Actor, *, terms: RestrictionTerms,
                            evidence: Sequence[str], reason: str, review_date: date,
                            ends_on: date | None = None, restriction_id: UUID | None = None,
                            **options: Any) -> Case:
        new_id = restriction_id or self.new_id(case_id, options.get("command_id"))
        policy = self.policy_values()
        return self._do(case_id, actor, options, lambda case, stamp: case.propose_restriction(
            new_id, terms, evidence, reason, review_date, stamp, policy, ends_on))

    def approve_restriction(self, case_id: UUID, actor: Actor, *, restriction_id: UUID,
                            reason: str, review_date: date | None = None,
                            behaviour_justification: str | None = None,
                            **options: Any) -> Case:
        policy = self.policy_values()
        return self._do(case_id, actor, options, lambda case, stamp: case.approve_restriction(
            restriction_id, reason, stamp, policy, review_date, behaviour_justification))

    def reject_restriction(self, case_id: UUID, actor: Actor, *, restriction_id: UUID,
                           reason: str, **options: Any) -> Case:
        return self._do(case_id, actor, options, lambda case, stamp: case.reject_restriction(
            restriction_id, reason, stamp))

    def impose_immediate_restriction(self, case_id: UUID, actor: Actor, *,
                                     terms: RestrictionTerms, evidence: Sequence[str],
                                     reason: str, ends_on: date | None = None,
                                     restriction_id: UUID | None = None,
                                     **options: Any) -> Case:
        new_id = restriction_id or self.new_id(case_id, options.get("command_id"))
        return self._do(case_id, actor, options,
                        lambda case, stamp: case.impose_immediate_restriction(
                            new_id, terms, evidence, reason, stamp, ends_on))

    def ratify_immediate_restriction(self, case_id: UUID, actor: Actor, *,
                                     restriction_id: UUID, reason: str, review_date: date,
                                     **options: Any) -> Case:
        policy = self.policy_values()
        return self._do(case_id, actor, options,
                        lambda case, stamp: case.ratify_immediate_restriction(
                            restriction_id, reason, review_date, stamp, policy))

    def refuse_ratification(self, case_id: UUID, actor: Actor, *, restriction_id: UUID,
                            reason: str, **options: Any) -> Case:
        return self._do(case_id, actor, options, lambda case, stamp: case.refuse_ratification(
            restriction_id, reason, stamp))

    def lift_restriction(self, case_id: UUID, actor: Actor, *, restriction_id: UUID,
                         reason: str, **options: Any) -> Case:
        return self._do(case_id, actor, options, lambda case, stamp: case.lift_restriction(
            restriction_id, reason, stamp))

    def extend_restriction(self, case_id: UUID, actor: Actor, *, restriction_id: UUID,
                           ends_on: date, reason: str, **options: Any) -> Case:
        return self._do(case_id, actor, options, lambda case, stamp: case.extend_restriction(
            restriction_id, ends_on, reason, stamp))

    def record_notice_sent(self, case_id: UUID, actor: Actor, *, notice_id: UUID,
                           notice_format: str = "standard", **options: Any) -> Case:
        return self._do(case_id, actor, options, lambda case, stamp: case.record_notice_sent(
            notice_id, notice_format, stamp))

    # --- appeals and reviews -------------------------------------------------------------

    def lodge_appeal(self, case_id: UUID, actor: Actor, *, restriction_id: UUID,
                     grounds: str = "", appeal_id: UUID | None = None,
                     **options: Any) -> Case:
        new_id = appeal_id or self.new_id(case_id, options.get("command_id"))
        policy = self.policy_values()
        return self._do(case_id, actor, options, lambda case, stamp: case.lodge_appeal(
            new_id, restriction_id, grounds, stamp, policy))

    def reject_late_appeal(self, case_id: UUID, actor: Actor, *, appeal_id: UUID,
                           reason: str, **options: Any) -> Case:
        return self._do(case_id, actor, options, lambda case, stamp: case.reject_late_appeal(
            appeal_id, reason, stamp))

    def accept_late_appeal(self, case_id: UUID, actor: Actor, *, appeal_id: UUID,
                           reason: str, **options: Any) -> Case:
        return self._do(case_id, actor, options, lambda case, stamp: case.accept_late_appeal(
            appeal_id, reason, stamp))

    def decide_appeal(self, case_id: UUID, actor: Actor, *, appeal_id: UUID, outcome: str,
                      reason: str, evidence: Sequence[str] = (),
                      new_terms: RestrictionTerms | None = None, **options: Any) -> Case:
        return self._do(case_id, actor, options, lambda case, stamp: case.decide_appeal(
            appeal_id, outcome, reason, evidence, stamp, new_terms))

    def complete_review(self, case_id: UUID, actor: Actor, *, restriction_id: UUID,
                        outcome: str, reason: str, evidence: Sequence[str] = (),
                        next_review_date: date | None = None,
                        new_terms: RestrictionTerms | None = None,
                        behaviour_justification: str | None = None, **options: Any) -> Case:
        policy = self.policy_values()
        return self._do(case_id, actor, options, lambda case, stamp: case.complete_review(
            restriction_id, outcome, reason, evidence, stamp, policy, next_review_date,
            new_terms, behaviour_justification))

    # --- other events --------------------------------------------------------------------

    def record_counter_allegation(self, case_id: UUID, actor: Actor, *, staff_id: str,
                                  summary: str, **options: Any) -> Case:
        return self._do(case_id, actor, options,
                        lambda case, stamp: case.record_counter_allegation(
                            staff_id, summary, stamp))

    def nominate_representative(self, case_id: UUID, actor: Actor, *, kind: str,
                                details: str, consent_on: date | None,
                                **options: Any) -> Case:
        return self._do(case_id, actor, options,
                        lambda case, stamp: case.nominate_representative(
                            kind, details, consent_on, stamp))

    def record_ombudsman_contact(self, case_id: UUID, actor: Actor, *, stage: str,
                                 reference: str, due_on: date | None = None, details: str = "",
                                 **options: Any) -> Case:
        return self._do(case_id, actor, options,
                        lambda case, stamp: case.record_ombudsman_contact(
                            stage, reference, due_on, details, stamp))

    def record_restriction_complaint(self, case_id: UUID, actor: Actor, *,
                                     restriction_id: UUID, summary: str,
                                     **options: Any) -> Case:
        return self._do(case_id, actor, options,
                        lambda case, stamp: case.record_restriction_complaint(
                            restriction_id, summary, stamp))

    def record_subject_access_request(self, case_id: UUID, actor: Actor,
                                      **options: Any) -> Case:
        policy = self.policy_values()
        return self._do(case_id, actor, options,
                        lambda case, stamp: case.record_subject_access_request(stamp, policy))

    def assign_owner(self, case_id: UUID, actor: Actor, *, owner_id: str, reason: str,
                     **options: Any) -> Case:
        return self._do(case_id, actor, options,
                        lambda case, stamp: case.assign_owner(owner_id, reason, stamp))

    def record_tenancy_ended(self, case_id: UUID, actor: Actor, *, ended_on: date,
                             **options: Any) -> Case:
        return self._do(case_id, actor, options,
                        lambda case, stamp: case.record_tenancy_ended(ended_on, stamp))

    def override_setting(self, case_id: UUID, actor: Actor, *, setting: str, value: str,
                         reason: str, **options: Any) -> Case:
        return self._do(case_id, actor, options, lambda case, stamp: case.override_setting(
            setting, value, reason, stamp))

    def close_case(self, case_id: UUID, actor: Actor, *, reason: str, **options: Any) -> Case:
        policy = self.policy_values()
        return self._do(case_id, actor, options,
                        lambda case, stamp: case.close(reason, stamp, policy))

    # --- personal data: subject access, legal holds, erasure, disposal ------------------

    def extend_subject_access(self, case_id: UUID, actor: Actor, *, request_id: UUID,
                              reason: str, **options: Any) -> Case:
        policy = self.policy_values()
        return self._do(case_id, actor, options, lambda case, stamp: case.extend_subject_access(
            request_id, reason, stamp, policy))

    def fulfil_subject_access(self, case_id: UUID, actor: Actor, *, request_id: UUID,
                              **options: Any) -> Case:
        return self._do(case_id, actor, options, lambda case, stamp: case.fulfil_subject_access(
            request_id, stamp))

    def resolve_restriction_complaint(self, case_id: UUID, actor: Actor, *,
                                      complaint_id: UUID, **options: Any) -> Case:
        return self._do(case_id, actor, options,
                        lambda case, stamp: case.resolve_restriction_complaint(
                            complaint_id, stamp))

    def close_ombudsman_matter(self, case_id: UUID, actor: Actor, *, matter_id: UUID,
                               **options: Any) -> Case:
        return self._do(case_id, actor, options,
                        lambda case, stamp: case.close_ombudsman_matter(matter_id, stamp))

    def place_legal_hold(self, case_id: UUID, actor: Actor, *, reason: str,
                         **options: Any) -> Case:
        return self._do(case_id, actor, options,
                        lambda case, stamp: case.place_legal_hold(reason, stamp))

    def release_legal_hold(self, case_id: UUID, actor: Actor, *, hold_id: UUID, reason: str,
                           **options: Any) -> Case:
        return self._do(case_id, actor, options,
                        lambda case, stamp: case.release_legal_hold(hold_id, reason, stamp))

    def erase_person(self, case_id: UUID, actor: Actor, *, person: str = "customer",
                     representative_id: UUID | None = None,
                     ground: str = "erasure_request", **options: Any) -> Case:
        """Record the erasure, then destroy the person's key (crypto-shredding).

        Recorded first, so an erasure is never lost; destroying a key is idempotent, so a
        retry after a failure between the two finishes the job.
        """
        subjects: list[str] = []

        def erase(case: Case, stamp: Stamp) -> None:
            subjects.append(case.erase_person(person, representative_id, ground, stamp))

        case = self._do(case_id, actor, options, erase)
        if not subjects:  # a redelivered command: the case says whose key it was
            subjects.append(case.erasure_subject(person, representative_id))
        self._destroy_keys(subjects)
        return self.get_case(case.id)  # as stored: the erased text no longer opens

    def dispose_case(self, case_id: UUID, actor: Actor = SYSTEM_ACTOR,
                     **options: Any) -> Case:
        """Retention ended and no legal hold applies: record the disposal, destroy the keys."""
        subjects: list[str] = []

        def dispose(case: Case, stamp: Stamp) -> None:
            subjects.extend(case.dispose(stamp))

        case = self._do(case_id, actor, options, dispose)
        self._destroy_keys(subjects or (subjects_of(case) if case.disposed_at else []))
        return self.get_case(case.id)

    def events_of_kinds(self, *kinds: type[Any], page: int = 500) -> Iterator[Any]:
        """Every stored event of these classes, oldest first (a scan of the notification log).

        Used for the privacy work lists, whose events hold no personal data.
        """
        topics = [kind.TOPIC for kind in kinds]
        start = 0
        while True:
            notifications = self.recorder.select_notifications(
                start, page, topics=topics, inclusive_of_start=False)
            for notification in notifications:
                yield self.mapper.to_domain_event(notification)
            if len(notifications) < page:
                return
            start = notifications[-1].id

    def closed_case_ids(self) -> list[UUID]:
        """Every case that was ever closed and not yet disposed of."""
        closed: dict[UUID, None] = {}
        for event in self.events_of_kinds(ev.CaseClosed, ev.CaseDisposed):
            if isinstance(event, ev.CaseDisposed):
                closed.pop(event.originator_id, None)
            else:
                closed[event.originator_id] = None
        return list(closed)

    def disposal_candidates(self, today: date) -> list[Case]:
        """Closed cases past retention and not disposed of (legal holds not yet checked)."""
        cases = []
        for case_id in self.closed_case_ids():
            case = self.get_case(case_id)
            if retention_ended(case, today) and case.disposed_at is None:
                cases.append(case)
        return cases

    def open_subject_access_requests(self) -> list[dict[str, Any]]:
        """Requests not yet answered, soonest due first, from their events alone."""
        requests: dict[UUID, dict[str, Any]] = {}
        for event in self.events_of_kinds(ev.SubjectAccessRequested, ev.SubjectAccessExtended,
                                          ev.SubjectAccessFulfilled):
            if isinstance(event, ev.SubjectAccessRequested):
                requests[event.request_id] = {
                    "case_id": event.originator_id, "request_id": event.request_id,
                    "received_at": event.occurred_at, "due_on": event.due_on,
                    "extended": False}
            elif isinstance(event, ev.SubjectAccessExtended):
                if event.request_id in requests:
                    requests[event.request_id].update(due_on=event.due_on, extended=True)
            else:
                requests.pop(event.request_id, None)
        return sorted(requests.values(), key=lambda r: (r["due_on"], str(r["request_id"])))

    def _destroy_keys(self, subjects: Sequence[str]) -> None:
        for subject in subjects:
            self.key_store.destroy(subject)

    # --- clocks (called by workflows; idempotent) ----------------------------------------

    def mark_review_due(self, case_id: UUID, restriction_id: UUID,
                        actor: Actor = SYSTEM_ACTOR, **options: Any) -> Case:
        return self._do(case_id, actor, options,
                        lambda case, stamp: case.mark_review_due(restriction_id, stamp))

    def escalate_review_overdue(self, case_id: UUID, restriction_id: UUID,
                                actor: Actor = SYSTEM_ACTOR, **options: Any) -> Case:
        policy = self.policy_values()
        return self._do(case_id, actor, options,
                        lambda case, stamp: case.escalate_review_overdue(
                            restriction_id, stamp, policy))

    def expire_restriction(self, case_id: UUID, restriction_id: UUID,
                           actor: Actor = SYSTEM_ACTOR, **options: Any) -> Case:
        return self._do(case_id, actor, options,
                        lambda case, stamp: case.expire_restriction(restriction_id, stamp))

    def escalate_ratification_overdue(self, case_id: UUID, restriction_id: UUID,
                                      actor: Actor = SYSTEM_ACTOR, **options: Any) -> Case:
        policy = self.policy_values()
        return self._do(case_id, actor, options,
                        lambda case, stamp: case.escalate_ratification_overdue(
                            restriction_id, stamp, policy))

    def mark_appeal_overdue(self, case_id: UUID, appeal_id: UUID,
                            actor: Actor = SYSTEM_ACTOR, **options: Any) -> Case:
        policy = self.policy_values()
        return self._do(case_id, actor, options,
                        lambda case, stamp: case.mark_appeal_overdue(appeal_id, stamp, policy))

    def lapse_warning(self, case_id: UUID, warning_id: UUID, actor: Actor = SYSTEM_ACTOR,
                      **options: Any) -> Case:
        policy = self.policy_values()
        return self._do(case_id, actor, options,
                        lambda case, stamp: case.lapse_warning(warning_id, stamp, policy))

    def escalate_notice_overdue(self, case_id: UUID, notice_id: UUID,
                                actor: Actor = SYSTEM_ACTOR, **options: Any) -> Case:
        policy = self.policy_values()
        return self._do(case_id, actor, options,
                        lambda case, stamp: case.escalate_notice_overdue(
                            notice_id, stamp, policy))

    def close_appeal_window(self, case_id: UUID, restriction_id: UUID,
                            actor: Actor = SYSTEM_ACTOR, **options: Any) -> Case:
        policy = self.policy_values()
        return self._do(case_id, actor, options,
                        lambda case, stamp: case.close_appeal_window(
                            restriction_id, stamp, policy))

    def remind_appeal_decision(self, case_id: UUID, appeal_id: UUID,
                               actor: Actor = SYSTEM_ACTOR, **options: Any) -> Case:
        policy = self.policy_values()
        return self._do(case_id, actor, options,
                        lambda case, stamp: case.remind_appeal_decision(
                            appeal_id, stamp, policy))

    def escalate_subject_access_overdue(self, case_id: UUID, request_id: UUID,
                                        actor: Actor = SYSTEM_ACTOR, **options: Any) -> Case:
        return self._do(case_id, actor, options,
                        lambda case, stamp: case.escalate_subject_access_overdue(
                            request_id, stamp))

    def escalate_ombudsman_overdue(self, case_id: UUID, matter_id: UUID,
                                   actor: Actor = SYSTEM_ACTOR, **options: Any) -> Case:
        return self._do(case_id, actor, options,
                        lambda case, stamp: case.escalate_ombudsman_overdue(matter_id, stamp))

    # --- plumbing ------------------------------------------------------------------------

    @staticmethod
    def new_id(case_id: UUID, command_id: str | None) -> UUID:
        """A new part's id: derived from the command id, so a redelivery reuses it."""
        return uuid5(case_id, f"command:{command_id}") if command_id else uuid4()

    def _stamp(self, actor: Actor, occurred_at: datetime | None,
               command_id: str | None) -> Stamp:
        recorded_at = self.clock()
        return Stamp(actor, occurred_at or recorded_at, recorded_at, command_id)

    def _do(self, case_id: UUID, actor: Actor, options: dict[str, Any],
            change: Callable[[Case, Stamp], None]) -> Case:
        unknown = set(options) - {"occurred_at", "command_id", "expected_version"}
        if unknown:
            raise TypeError(f"unexpected keyword arguments: {', '.join(sorted(unknown))}")
        return self._command(case_id, actor, options.get("occurred_at"),
                             options.get("command_id"), options.get("expected_version"), change)

    def _command(self, case_id: UUID, actor: Actor, occurred_at: datetime | None,
                 command_id: str | None, expected_version: int | None,
                 change: Callable[[Case, Stamp], None]) -> Case:
        """Load, apply, save; on a concurrent write reload and retry.

        After a conflict the in-memory aggregate still holds the rejected event, so each
        attempt starts from a fresh load and the old object is dropped, never saved again.
        """
        for _ in range(self.retries_on_conflict):
            stamp = self._stamp(actor, occurred_at, command_id)
            case = self.get_case(case_id)
            if case.has_handled(command_id):
                return case
            if expected_version is not None and case.version != expected_version:
                raise ConcurrentModification(
                    f"The case is now at version {case.version}, not {expected_version}; "
                    "reload it and try again.")
            change(case, stamp)
            if not case.pending_events:
                return case
            try:
                self.save(case)
            except IntegrityError:
                if expected_version is not None:
                    raise ConcurrentModification(
                        "The case changed while this was being recorded; reload it and "
                        "try again.") from None
                continue
            return case
        raise ConcurrentModification(
            "The case changed while this was being recorded; reload it and try again.")
