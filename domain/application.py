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

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4, uuid5

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError, JSONTranscoder, Transcoding
from eventsourcing.utils import resolve_topic

from domain.actors import SYSTEM_ACTOR, Actor
from domain.case import Case, Stamp
from domain.errors import ConcurrentModification, NotFound
from domain.personal import InMemoryKeyStore, KeyStore, PersonalDataTranscoding
from domain.service.clocks import ClockCommands
from domain.service.commanding import CachedCommands
from domain.service.decisions import DecisionCommands
from domain.service.equality import EqualityCommands
from domain.service.identity import IdentityCommands
from domain.service.notices import NoticeCommands
from domain.service.privacy import PrivacyCommands
from domain.service.remedies import RemedyCommands
from domain.service.snapshotting import SnapshotCommands
from domain.settings import SETTINGS_ID, PolicySettings, PolicyValues

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


class CaseService(DecisionCommands, NoticeCommands, PrivacyCommands, ClockCommands,
                  EqualityCommands, RemedyCommands, IdentityCommands, CachedCommands,
                  SnapshotCommands, Application[UUID]):
    name = "upc"
    retries_on_conflict = 3

    def __init__(self, env: dict[str, str] | None = None, *,
                 clock: Callable[[], datetime] | None = None,
                 key_store: KeyStore | None = None) -> None:
        self.clock = clock or now
        self._given_key_store = key_store
        super().__init__(env)
        self._open_case_cache()

    # --- infrastructure ------------------------------------------------------------------

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())
        self.key_store = self._given_key_store or self._construct_key_store()
        self.personal_data = PersonalDataTranscoding(self.key_store)
        transcoder.register(self.personal_data)

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

    def get_case(self, case_id: UUID) -> Case:
        """The case as stored now, replayed from its events (never the shared cached one)."""
        try:
            with self.personal_data.remembering_keys():
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
