"""Personal data: subject access, legal holds, erasure and disposal (UK GDPR), and the
privacy work lists read from the events."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any
from uuid import UUID

from domain import events as ev
from domain.actors import SYSTEM_ACTOR, Actor
from domain.case import Case, Stamp
from domain.privacy import retention_ended, subjects_of
from domain.service.base import ServiceBase


class PrivacyCommands(ServiceBase):

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
        if case.subject_id in subjects:
            self.release_customer(case.id)  # while the reference can still be read
        self._destroy_keys(subjects)
        return self.get_case(case.id)  # as stored: the erased text no longer opens

    def dispose_case(self, case_id: UUID, actor: Actor = SYSTEM_ACTOR,
                     **options: Any) -> Case:
        """Retention ended and no legal hold applies: record the disposal, destroy the keys."""
        subjects: list[str] = []

        def dispose(case: Case, stamp: Stamp) -> None:
            subjects.extend(case.dispose(stamp))

        case = self._do(case_id, actor, options, dispose)
        if case.disposed_at:
            self.release_customer(case.id)
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
