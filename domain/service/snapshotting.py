"""Snapshots of long cases, taken where their events are saved (see ``domain.snapshots``).

Every ``UPC_SNAPSHOT_INTERVAL`` events (default 200; 0: none) a save that crosses a multiple
stores a ``CaseSnapshot`` of the case as it was just saved (the in-memory aggregate, no
reload), so a load replays at most that many events after it. A snapshot is only a shortcut:
if it cannot be taken (its table missing on a database migrated before snapshots, two
processes taking the same one, a person erased meanwhile) the command still succeeds, the
failure is counted in ``snapshot_failures`` and the case loads from its events as before.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.application import ProcessingEvent
from eventsourcing.persistence import EventStore
from eventsourcing.utils import Environment

from domain import events as ev
from domain.case import Case
from domain.service.base import ServiceBase
from domain.snapshots import (
    DEFAULT_SNAPSHOT_INTERVAL,
    SNAPSHOT_INTERVAL,
    CaseSnapshot,
    FreshSnapshots,
)

_ERASING = (ev.PersonErased, ev.CaseDisposed)


def snapshot_interval(env: Any) -> int:
    value = env.get(SNAPSHOT_INTERVAL)
    return DEFAULT_SNAPSHOT_INTERVAL if value in (None, "") else max(0, int(value))


class SnapshotCommands(ServiceBase):
    snapshot_failures = 0

    def construct_env(self, name: str, env: Any = None) -> Environment:
        environment = super().construct_env(name, env)
        if snapshot_interval(environment) > 0:
            environment["IS_SNAPSHOTTING_ENABLED"] = "y"
        return environment

    def construct_snapshot_store(self) -> EventStore[UUID]:
        recorder = self.factory.aggregate_recorder(purpose="snapshots")
        return FreshSnapshots(mapper=self.mapper, recorder=recorder)

    def _take_snapshots(self, processing_event: ProcessingEvent[UUID]) -> None:
        interval = snapshot_interval(self.env)
        if self.snapshots is None or interval <= 0:
            return
        if any(isinstance(e, _ERASING) for e in processing_event.events):
            return  # the in-memory case may still hold what was just erased
        for case_id, aggregate in processing_event.aggregates.items():
            if not isinstance(aggregate, Case):
                continue
            if not any(e.originator_id == case_id and e.originator_version % interval == 0
                       for e in processing_event.events):
                continue
            try:
                self.snapshots.put([CaseSnapshot.take(aggregate)])
            except Exception:  # noqa: BLE001 - a shortcut only: the events are saved
                self.snapshot_failures += 1
