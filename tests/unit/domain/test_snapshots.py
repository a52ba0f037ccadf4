"""Snapshots of a case: a snapshot-loaded case equals a full replay, holds no personal data
in clear, reveals nothing after an erasure, and an older snapshot shape is ignored."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.application import project_aggregate

from domain import snapshots
from domain.application import CaseService
from domain.case import Case
from domain.personal import PersonalData
from domain.snapshots import CaseSnapshot
from tests.unit.domain.story import ADMIN, CASEWORKER, MANAGER, Clock, Story

INTERVAL = 20
SECRET = "her son's chemotherapy at the Royal Marsden"
REP = "Harold Bloggs, 020 7946 0018"
OMBUDSMAN_REF = "HOS-2026-771903"


@pytest.fixture
def app(clock: Clock) -> Iterator[CaseService]:
    service = CaseService(env={"PERSISTENCE_MODULE": "eventsourcing.popo",
                               "UPC_SNAPSHOT_INTERVAL": str(INTERVAL)}, clock=clock)
    yield service
    service.close()


def long_case(app: CaseService, clock: Clock, contacts: int = 3 * INTERVAL,
              ombudsman: bool = True) -> Story:
    story = Story(app, clock)
    story.ready()
    story.activate()
    story.lodge_appeal()
    story.do("record_vulnerability_info", MANAGER, details="uses a wheelchair")
    story.do("nominate_representative", CASEWORKER, kind="advocate", details=REP,
             consent_on=date(2026, 3, 1))
    if ombudsman:  # a legal hold: no erasure while it is open
        story.do("record_ombudsman_contact", MANAGER, stage="enquiry",
                 reference=OMBUDSMAN_REF, due_on=date(2026, 4, 1), details="asked for the file")
    story.record_contact(SECRET)
    for n in range(contacts):
        clock.advance(minutes=7)
        story.record_contact(f"rang about the boiler, call {n}")
    return story


def replayed(app: CaseService, case_id: UUID) -> Case:
    """The case from all its events, no snapshot."""
    case = project_aggregate(None, app.events.get(case_id))
    assert isinstance(case, Case)
    return case


def loaded_after(app: CaseService, case_id: UUID, monkeypatch: pytest.MonkeyPatch) -> Case:
    """``get_case``, noting from which version the repository read the events."""
    seen: list[Any] = []
    store = app.repository.event_store
    get = store.get

    def spying(*args: Any, **kwargs: Any) -> Any:
        seen.append(kwargs.get("gt"))
        return get(*args, **kwargs)

    monkeypatch.setattr(store, "get", spying)
    case = app.get_case(case_id)
    monkeypatch.setattr(store, "get", get)
    assert seen, "the repository read no events"
    case.__dict__["_loaded_after"] = seen[-1]
    return case


def stored_snapshots(app: CaseService, case_id: UUID) -> list[Any]:
    assert app.snapshots is not None
    return list(app.snapshots.recorder.select_events(case_id))


def test_a_case_loads_from_its_snapshot_to_the_same_state_as_a_full_replay(
        app: CaseService, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    story = long_case(app, clock)
    case = loaded_after(app, story.case_id, monkeypatch)
    after = case.__dict__.pop("_loaded_after")
    assert case.version > 3 * INTERVAL
    stored = stored_snapshots(app, story.case_id)
    assert [s.originator_version % INTERVAL for s in stored] == [0] * len(stored)
    assert len(stored) >= 3

    full = replayed(app, story.case_id)
    assert vars(case) == vars(full)  # every field: records, sets, dicts, sealed text
    summaries = {str(c.summary) for c in case.contacts.values()}
    assert SECRET in summaries
    assert case.restrictions == full.restrictions and case.appeals == full.appeals
    assert any(str(r.details) == REP for r in case.representatives.values())
    assert isinstance(next(iter(case.contacts.values())).summary, PersonalData)
    assert {type(v) for v in case.checks.values()} == {type(v) for v in full.checks.values()}

    # The load really started from the latest snapshot (fewer than INTERVAL events after it).
    assert after == max(s.originator_version for s in stored)
    # Commands after a snapshot-load go on as before.
    app.case_cache.evict(story.case_id)
    story.record_contact("one more")
    assert vars(app.get_case(story.case_id)) == vars(replayed(app, story.case_id))


def test_a_snapshot_holds_no_personal_data_in_clear(app: CaseService, clock: Clock) -> None:
    story = long_case(app, clock, contacts=INTERVAL)
    stored = stored_snapshots(app, story.case_id)
    assert stored
    for record in stored:
        for text in (SECRET, REP, OMBUDSMAN_REF, "uses a wheelchair", "rang about the boiler",
                     "abuse continued after the warning"):
            assert text.encode() not in record.state


def test_after_an_erasure_a_snapshot_taken_before_it_reveals_nothing(
        app: CaseService, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    story = long_case(app, clock, ombudsman=False)
    before = stored_snapshots(app, story.case_id)
    assert before
    app.case_cache.evict(story.case_id)
    app.erase_person(story.case_id, ADMIN, person="customer")

    assert stored_snapshots(app, story.case_id) == before  # none taken with the erasure
    case = loaded_after(app, story.case_id, monkeypatch)
    assert case.__dict__.pop("_loaded_after") == max(s.originator_version for s in before)
    texts = [c.summary for c in case.contacts.values()]
    assert texts and all(t.erased for t in texts)
    assert SECRET not in repr(vars(case)) and all(str(t) != SECRET for t in texts)
    # The old snapshot itself, decoded now: its sealed text no longer opens.
    assert app.snapshots is not None
    for snapshot in app.snapshots.get(story.case_id):
        old = snapshot.mutate(None)
        assert all(c.summary.erased for c in old.contacts.values())
    assert vars(case) == vars(replayed(app, story.case_id))


def test_a_snapshot_of_an_older_class_version_is_ignored(
        app: CaseService, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    story = long_case(app, clock)
    assert app.snapshots is not None
    assert list(app.snapshots.get(story.case_id))
    monkeypatch.setattr(CaseSnapshot, "class_version", CaseSnapshot.class_version + 1)
    snapshots.install_upcasters()
    try:
        assert list(app.snapshots.get(story.case_id)) == []  # stale: ignored
        assert vars(app.get_case(story.case_id)) == vars(replayed(app, story.case_id))
    finally:
        delattr(CaseSnapshot, f"upcast_v{CaseSnapshot.class_version - 1}_v"
                              f"{CaseSnapshot.class_version}")


def test_a_changed_state_shape_drops_older_snapshots(
        app: CaseService, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    story = long_case(app, clock, contacts=INTERVAL)
    assert app.snapshots is not None and list(app.snapshots.get(story.case_id))
    monkeypatch.setattr(snapshots, "fingerprint", lambda version: "another shape")
    assert list(app.snapshots.get(story.case_id)) == []
    assert vars(app.get_case(story.case_id)) == vars(replayed(app, story.case_id))


def test_snapshots_can_be_turned_off(clock: Clock) -> None:
    service = CaseService(env={"PERSISTENCE_MODULE": "eventsourcing.popo",
                               "UPC_SNAPSHOT_INTERVAL": "0"}, clock=clock)
    try:
        assert service.snapshots is None
        story = long_case(service, clock, contacts=INTERVAL)
        assert service.get_case(story.case_id).version > INTERVAL
    finally:
        service.close()
