"""Running one command: the cached case brought up to date, the rules, one save, retries.

Every command: build a ``Stamp``, take the case (from ``domain.case_cache`` brought up to
date with the events recorded since, by any process, else replayed from its events), let
the aggregate check its rules and record, save. Delivered twice with the same ``command_id``
it records nothing the second time. On a concurrent write it reloads and retries (every rule
is checked again against the fresh case); when the caller passed ``expected_version`` (HTTP
``If-Match``) a stale version is a ``ConcurrentModification`` instead.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.application import project_aggregate
from eventsourcing.persistence import IntegrityError

from domain import events as ev
from domain.actors import Actor
from domain.case import Case, Stamp
from domain.case_cache import AggregateCache
from domain.errors import ConcurrentModification
from domain.service.base import ServiceBase

if TYPE_CHECKING:
    from domain.personal import PersonalDataTranscoding

# Commands keep recently used cases in memory (see domain.case_cache); 0 turns it off.
CASE_CACHE_SIZE = "UPC_CASE_CACHE_SIZE"
CASE_CACHE_SECONDS = "UPC_CASE_CACHE_SECONDS"
# After these events a cached case is replayed from the store (their keys are gone).
_REPLAY_AFTER = (ev.PersonErased, ev.CaseDisposed)


class CachedCommands(ServiceBase):
    retries_on_conflict = 3
    case_cache: AggregateCache[Case]
    personal_data: PersonalDataTranscoding
    _recorded: threading.local

    if TYPE_CHECKING:
        def _stamp(self, actor: Actor, occurred_at: datetime | None,
                   command_id: str | None) -> Stamp: ...

    def _open_case_cache(self) -> None:
        self._recorded = threading.local()
        self.case_cache = AggregateCache(int(self.env.get(CASE_CACHE_SIZE) or 2000),
                                         float(self.env.get(CASE_CACHE_SECONDS) or 60))

    def recorded_by(self, case_id: UUID, command_id: str | None
                    ) -> list[tuple[Any, int]] | None:
        """The events (with their positions) this thread's last command recorded, if that
        command was ``command_id`` on ``case_id``; None if it is not known here."""
        last = getattr(self._recorded, "last", None)
        if last is None or last[0] != case_id or last[1] != command_id:
            return None
        events: list[tuple[Any, int]] = last[2]
        return events

    def _command(self, case_id: UUID, actor: Actor, occurred_at: datetime | None,
                 command_id: str | None, expected_version: int | None,
                 change: Callable[[Case, Stamp], None]) -> Case:
        """Load, apply, save; on a concurrent write reload and retry.

        After a conflict the in-memory aggregate still holds the rejected event, so it is
        dropped from the cache and the next attempt starts from a fresh load; it is never
        saved again. The caller gets a shallow copy, so a later command on the cached case
        does not change the version it was given.
        """
        self._recorded.last = None
        for _ in range(self.retries_on_conflict):
            with self.case_cache.lock_for(case_id):
                stamp = self._stamp(actor, occurred_at, command_id)
                case = self._case_for_command(case_id)
                loaded_version = case.version
                try:
                    if case.has_handled(command_id):
                        return self._settled(case)
                    if expected_version is not None and case.version != expected_version:
                        raise ConcurrentModification(
                            f"The case is now at version {case.version}, not "
                            f"{expected_version}; reload it and try again.")
                    change(case, stamp)
                    if not case.pending_events:
                        return self._settled(case)
                    recordings = self.save(case)
                except IntegrityError:
                    self.case_cache.evict(case_id)
                    if expected_version is not None:
                        raise ConcurrentModification(
                            "The case changed while this was being recorded; reload it and "
                            "try again.") from None
                    continue
                except BaseException:
                    if case.pending_events or case.version != loaded_version:
                        self.case_cache.evict(case_id)  # changed in memory only: drop it
                    raise
                self._recorded.last = (case_id, command_id, [
                    (r.domain_event, r.notification.id) for r in recordings])
                if any(isinstance(r.domain_event, _REPLAY_AFTER) for r in recordings):
                    self.case_cache.evict(case_id)  # it still holds what was just erased
                    return case
                return self._settled(case)
        raise ConcurrentModification(
            "The case changed while this was being recorded; reload it and try again.")

    def _case_for_command(self, case_id: UUID) -> Case:
        """The cached case brought up to date, else replayed (and then cached)."""
        cached = self.case_cache.get(case_id)
        if cached is not None:
            with self.personal_data.remembering_keys():
                newer = list(self.events.get(case_id, gt=cached.version))
            if not any(isinstance(event, _REPLAY_AFTER) for event in newer):
                return project_aggregate(cached, newer) or cached
            self.case_cache.evict(case_id)
        return self.get_case(case_id)

    def _settled(self, case: Case) -> Case:
        """Keep the case for the next command; hand the caller a copy of its top level."""
        self.case_cache.put(case.id, case)
        clone = copy.copy(case)
        clone.__dict__["_pending_events"] = []
        return clone
