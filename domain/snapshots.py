"""Snapshots of a case: its state at a version, so a load replays only what came after.

``CaseSnapshot`` (explicit ``TOPIC``, ``class_version``) freezes the case's ``__dict__`` into
JSON-safe tagged values: records (the dataclasses of ``domain.records``) by name, sets,
tuples, lists and dicts (whatever their keys) as lists. Everything else is left to the
application's transcoder: UUIDs, dates and datetimes, and ``PersonalData``, which
``PersonalDataTranscoding`` seals with the person's own key exactly as in the events — a
snapshot holds no personal data in clear, and once the key is destroyed (erasure) it
decodes to ``[erased]`` like the events do.

Schema evolution: every snapshot carries the fingerprint of the shape it was taken with
(``class_version``, the ``CaseState`` annotations, the records' fields). ``FreshSnapshots``
(the snapshot store) hands out only snapshots of the current shape; an older one is ignored
and the case is replayed from its events (the next snapshot replaces it). When the state
changes in a way the fingerprint cannot see, raise ``class_version``: older snapshots are
then marked stale by the generated upcasters and ignored too.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Snapshot
from eventsourcing.persistence import EventStore
from eventsourcing.utils import resolve_topic

from domain import records
from domain.personal import PersonalData
from domain.state import CaseState

SNAPSHOT_INTERVAL = "UPC_SNAPSHOT_INTERVAL"  # events between snapshots; 0 turns them off
DEFAULT_SNAPSHOT_INTERVAL = 200

RECORDS: dict[str, type[Any]] = {
    name: cls for name, cls in vars(records).items()
    if isinstance(cls, type) and dataclasses.is_dataclass(cls)
    and cls.__module__ == records.__name__}
_LEAVES = (str, int, float, bool, type(None), UUID, datetime, date, PersonalData)


def freeze(value: Any) -> Any:
    """``value`` as JSON-safe tagged lists and dicts (leaves are left to the transcoder)."""
    if isinstance(value, _LEAVES):
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        name = type(value).__name__
        if RECORDS.get(name) is not type(value):
            raise TypeError(f"a snapshot cannot hold a {type(value).__qualname__}")
        return {"record": name, "fields": {
            f.name: freeze(getattr(value, f.name)) for f in dataclasses.fields(value)}}
    if isinstance(value, dict):
        return {"map": [[freeze(k), freeze(v)] for k, v in value.items()]}
    if isinstance(value, set | frozenset):
        return {"set": [freeze(v) for v in value]}
    if isinstance(value, tuple):
        return {"tuple": [freeze(v) for v in value]}
    if isinstance(value, list):
        return {"list": [freeze(v) for v in value]}
    raise TypeError(f"a snapshot cannot hold a {type(value).__qualname__}")


def thaw(value: Any) -> Any:
    """The inverse of ``freeze``."""
    if not isinstance(value, dict):
        return value
    if "record" in value:
        cls = RECORDS[value["record"]]
        obj = object.__new__(cls)
        for name, item in value["fields"].items():
            object.__setattr__(obj, name, thaw(item))
        return obj
    if "map" in value:
        return {_key(thaw(k)): thaw(v) for k, v in value["map"]}
    if "set" in value:
        return {_key(thaw(v)) for v in value["set"]}
    if "tuple" in value:
        return tuple(_key(thaw(v)) for v in value["tuple"])
    return [thaw(v) for v in value["list"]]


def _key(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def fingerprint(class_version: int) -> str:
    """The shape of a case's state, as snapshots of it are written."""
    parts = [f"v{class_version}"]
    for klass in CaseState.__mro__:
        parts += [f"{n}:{t}" for n, t in sorted(getattr(klass, "__annotations__", {}).items())]
    for name, cls in sorted(RECORDS.items()):
        parts += [f"{name}.{f.name}:{f.type}" for f in dataclasses.fields(cls)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class CaseSnapshot(Snapshot):
    """A case's state at ``originator_version``, personal data sealed as in its events."""

    TOPIC = "upc.case:Case.Snapshot"
    class_version = 1

    @classmethod
    def take(cls, aggregate: Any) -> CaseSnapshot:
        state = {k: v for k, v in vars(aggregate).items()
                 if k not in ("_id", "_version", "_pending_events")}
        return cls(originator_id=aggregate.id, originator_version=aggregate.version,
                   timestamp=cls.create_timestamp(), topic=cls.topic_of(aggregate),
                   state={"schema": fingerprint(cls.class_version), "dict": freeze(state)})

    @staticmethod
    def topic_of(aggregate: Any) -> str:
        from eventsourcing.utils import get_topic
        return get_topic(type(aggregate))

    @property
    def current(self) -> bool:
        return bool(self.state.get("schema") == fingerprint(self.class_version))

    def mutate(self, _: None) -> Any:
        cls = resolve_topic(self.topic)
        state = thaw(self.state["dict"])
        state.update(_id=self.originator_id, _version=self.originator_version,
                     _pending_events=[])
        aggregate = object.__new__(cls)
        object.__setattr__(aggregate, "__dict__", state)
        return aggregate


def _stale(event_state: dict[str, Any]) -> None:
    event_state["state"] = {"schema": "stale"}


def install_upcasters() -> None:
    """Every older ``class_version`` upcasts to a stale snapshot (ignored on load)."""
    for v in range(1, CaseSnapshot.class_version):
        setattr(CaseSnapshot, f"upcast_v{v}_v{v + 1}", staticmethod(_stale))


install_upcasters()


class FreshSnapshots(EventStore[UUID]):
    """The snapshot store; it hands out only snapshots of the current shape."""

    def get(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
        for snapshot in super().get(*args, **kwargs):
            if not isinstance(snapshot, CaseSnapshot) or snapshot.current:
                yield snapshot
