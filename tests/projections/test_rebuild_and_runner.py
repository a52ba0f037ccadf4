"""Rebuild equals incremental; a runner stopped mid-stream and restarted counts nothing twice;
a lost notification cannot stall the runner; a batch applied twice is refused whole."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from eventsourcing.persistence import IntegrityError, Tracking

from projections import queries
from projections.rebuild import rebuild
from projections.runner import ProjectionRunner, SharedFollower, ViewFollower, wait_until
from bench.simulation import build_case
from projections.registry import VIEW_CLASSES, construct_view
from tests.projections.conftest import World, save_in_chunks
from upc.settings import psycopg_conninfo

START = datetime(2025, 3, 3, 9, tzinfo=UTC)
END = datetime(2026, 6, 30, tzinfo=UTC)


def seed(world: World, count: int, tag: str, seed_: int = 7) -> list:
    rng = random.Random(seed_)
    cases = [build_case(rng, f"R-{tag}-{i}", START + timedelta(days=rng.uniform(0, 150)), END,
                        0.2) for i in range(count)]
    save_in_chunks(world.app, cases)
    return cases


def fresh_views(world: World) -> dict:
    return {cls.view_name: construct_view(cls, world.env) for cls in VIEW_CLASSES}


def test_rebuild_equals_incremental(world: World) -> None:
    seed(world, 12, "a")
    world.catch_up(batch_size=5)
    seed(world, 8, "b", seed_=8)
    world.catch_up(batch_size=13)
    incremental = world.dump()
    assert incremental["case_view"] and incremental["case_timeline"]

    counts = rebuild(world.app, world.env, progress=False)
    assert set(counts) == set(world.views)
    assert world.dump() == incremental


def test_runner_stopped_mid_stream_counts_nothing_twice(world: World) -> None:
    conninfo = psycopg_conninfo(world.url)
    runner = ProjectionRunner(world.app, list(fresh_views(world).values()), conninfo,
                              poll_interval=0.1, batch_size=9)
    runner.start()
    cases = seed(world, 6, "c")
    runner.stop()  # wherever it got to
    cases += seed(world, 6, "d", seed_=9)
    restarted = ProjectionRunner(world.app, list(fresh_views(world).values()), conninfo,
                                 poll_interval=0.1, batch_size=9)
    restarted.start()
    try:
        assert wait_until(lambda: all(v == 0 for v in restarted.lag().values()), timeout=60)
        assert all(s["lag"] == 0 for s in restarted.status().values())
    finally:
        restarted.stop()
    for built in cases:
        case = world.app.repository.get(built.id)
        row = queries.case_detail(world.views["case_view"], case.id)
        assert row["version"] == case.version
        assert row["contacts_total"] == len(case.contacts)
        timeline = queries.case_timeline(world.views["case_timeline"], case.id, limit=500)
        assert len(timeline["items"]) == case.version


def test_a_lost_notification_cannot_stall_the_runner(world: World) -> None:
    runner = ProjectionRunner(world.app, list(fresh_views(world).values()),
                              psycopg_conninfo(world.url), poll_interval=0.1)
    runner._listen = lambda: None  # type: ignore[method-assign] - no NOTIFY ever arrives
    runner.start()
    try:
        seed(world, 3, "e")
        assert wait_until(lambda: all(v == 0 for v in runner.lag().values()), timeout=30)
    finally:
        runner.stop()


def test_a_failed_batch_leaves_nothing_and_is_retried(world: World) -> None:
    seed(world, 4, "f")
    view = world.views["case_view"]
    original = view.apply_batch
    calls = {"n": 0}

    def flaky(curs, batch):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        original(curs, batch)
        if calls["n"] == 2:
            raise RuntimeError("crash after writing, before commit")

    view.apply_batch = flaky  # type: ignore[method-assign]
    follower = ViewFollower(world.app, view, batch_size=10)
    follower.catch_up_once()
    with pytest.raises(RuntimeError):
        follower.catch_up_once()
    view.apply_batch = original  # type: ignore[method-assign]
    follower.catch_up()
    for row in queries.list_cases(view, limit=100)["items"]:
        case = world.app.repository.get(row["case_id"])
        assert row["contacts_total"] == len(case.contacts)
        assert row["version"] == case.version


def test_a_batch_applied_twice_is_refused_whole(world: World) -> None:
    seed(world, 1, "g")
    view = world.views["case_view"]
    follower = ViewFollower(world.app, view, batch_size=1000)
    notifications = world.app.recorder.select_notifications(start=1, limit=1000)
    batch = [(follower.mapper.to_domain_event(n), Tracking(world.app.name, n.id))
             for n in notifications]
    view.process_batch(batch)
    before = queries.list_cases(view)["items"]
    with pytest.raises(IntegrityError):
        view.process_batch(batch)
    assert queries.list_cases(view)["items"] == before


def test_one_shared_read_equals_a_follower_per_view(world: World) -> None:
    seed(world, 10, "h", seed_=11)
    shared = SharedFollower(world.app, list(world.views.values()), batch_size=7)
    try:
        shared.catch_up()
    finally:
        shared.close()
    together = world.dump()
    rebuild(world.app, world.env, progress=False)  # a ViewFollower per view
    assert world.dump() == together


def test_a_failing_view_stays_behind_alone(world: World) -> None:
    seed(world, 4, "i", seed_=12)
    rules = world.views["contact_rules"]
    original = rules.apply_batch

    def broken(curs, batch):  # type: ignore[no-untyped-def]
        raise RuntimeError("this view is broken")

    rules.apply_batch = broken  # type: ignore[method-assign]
    shared = SharedFollower(world.app, list(world.views.values()), batch_size=1000)
    try:
        shared.catch_up_once()
        head = world.app.recorder.max_notification_id()
        assert "contact_rules" in shared.failed
        assert world.views["case_view"].max_tracking_id(world.app.name) == head
        assert (rules.max_tracking_id(world.app.name) or 0) < head
        rules.apply_batch = original  # type: ignore[method-assign]
        shared.catch_up()
        assert rules.max_tracking_id(world.app.name) == head and not shared.failed
    finally:
        shared.close()
