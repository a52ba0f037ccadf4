"""Snapshots in PostgreSQL through the service the composition root builds: taken every
UPC_SNAPSHOT_INTERVAL events, only the latest kept, a case loads from it to the same state
as a full replay, and the stored snapshot holds no personal text in clear."""

from __future__ import annotations

from datetime import UTC, datetime

import psycopg
import pytest
from eventsourcing.application import project_aggregate

from domain.actors import Actor, Role
from upc import bootstrap
from upc.settings import psycopg_conninfo

CLERK = Actor("cara", Role.CASEWORKER)
SECRET = "her son's chemotherapy at the Royal Marsden"


def test_only_the_latest_snapshot_is_kept_and_the_case_loads_from_it(
        fresh_database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UPC_SNAPSHOT_INTERVAL", "10")
    bootstrap.migrate(fresh_database_url)
    app = bootstrap.case_service(fresh_database_url)
    try:
        case = app.open_case("T-SNAP-1", CLERK)
        for n in range(35):
            app.record_contact(case.id, CLERK, channel="phone", direction="inbound",
                               occurred_at=datetime.now(UTC),
                               summary=SECRET if n == 3 else f"call {n}")
        with psycopg.connect(psycopg_conninfo(fresh_database_url)) as conn:
            rows = conn.execute("SELECT originator_version, state FROM upc_snapshots"
                                " WHERE originator_id = %s", (case.id,)).fetchall()
        assert [version for version, _ in rows] == [30]
        assert SECRET.encode() not in bytes(rows[0][1])
        app.case_cache.evict(case.id)
        loaded = app.get_case(case.id)
        assert loaded.version == 36
        assert vars(loaded) == vars(project_aggregate(None, app.events.get(case.id)))
        assert SECRET in {str(c.summary) for c in loaded.contacts.values()}
    finally:
        app.close()
