"""A database written before wave 2 still loads: the stored events and wrapped keys that wave
1's code (commit b44ecb6) wrote for the demo cases are inserted as they were, then every case
is replayed by today's code and every view rebuilt from them.

Regenerate nothing here: the fixture is the old code's output. When an event's shape
changes, its upcaster must make these old events read as the new ones.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from uuid import UUID

import psycopg
import pytest
from psycopg.sql import SQL
from eventsourcing.persistence import StoredEvent

from domain.actors import Actor, Role
from domain.application import CaseService
from domain.errors import CaseAlreadyOpen
from projections.runner import SharedFollower
from upc import bootstrap
from upc.settings import eventsourcing_env, psycopg_conninfo

HISTORY = json.loads((Path(__file__).parent / "histories" / "wave1-demo.json").read_text())


@pytest.fixture
def old_database(fresh_database_url: str) -> dict[str, str]:
    bootstrap.migrate(fresh_database_url)
    env = {**eventsourcing_env(fresh_database_url),
           "UPC_KEY_STORE_TOPIC": "upc.keystore:PostgresKeyStore",
           "UPC_MASTER_KEY": HISTORY["master_key"]}
    with psycopg.connect(psycopg_conninfo(fresh_database_url)) as conn:
        conn.cursor().executemany(
            "INSERT INTO upc_subject_keys (subject_id, wrapped_key) VALUES (%s, %s)",
            [(k["subject_id"], base64.b64decode(k["wrapped_key"]) if k["wrapped_key"] else None)
             for k in HISTORY["keys"]])
    app = CaseService(env=env)
    try:
        app.recorder.insert_events([
            StoredEvent(originator_id=UUID(e["originator_id"]),
                        originator_version=e["originator_version"], topic=e["topic"],
                        state=base64.b64decode(e["state"]))
            for e in HISTORY["events"]])
    finally:
        app.close()
    return env


def facts_of(app: CaseService, case_id: str) -> dict[str, object]:
    case = app.get_case(UUID(case_id))
    return {"version": case.version, "status": case.status,
            "contacts": len(case.contacts), "incidents": len(case.incidents),
            "warnings": len(case.warnings), "checks": sorted(case.checks),
            "restrictions": sorted(str(r.status) for r in case.restrictions.values()),
            "appeals": sorted(str(a.status) for a in case.appeals.values()),
            "notices_sent": sum(1 for n in case.notices.values() if n.sent_at),
            "notices": len(case.notices)}


def test_every_wave1_case_replays_to_the_same_state(old_database: dict[str, str]) -> None:
    app = CaseService(env=old_database)
    try:
        assert len(HISTORY["facts"]) >= 12
        for case_id, expected in HISTORY["facts"].items():
            assert facts_of(app, case_id) == expected, case_id
        # personal data sealed by wave 1 still opens with the same keys
        some_case = app.get_case(UUID(next(iter(HISTORY["facts"]))))
        assert str(some_case.customer_ref).startswith("DEMO")
        # ids derived from the reference back then: still found by it, still one case each
        ref = str(some_case.customer_ref)
        assert app.case_id_of(ref) == some_case.id
        assert app.customer_refs([some_case.id]) == {some_case.id: ref}
        with pytest.raises(CaseAlreadyOpen):
            app.open_case(ref, Actor("cara", Role.CASEWORKER))
    finally:
        app.close()


def test_every_view_rebuilds_from_wave1_events_without_skipping(
        old_database: dict[str, str], fresh_database_url: str) -> None:
    app = CaseService(env=old_database)
    views = bootstrap.views(fresh_database_url)
    try:
        follower = SharedFollower(app, views)
        follower.catch_up()
        case_view = next(v for v in views if v.view_name == "case_view")
        with case_view.datastore.transaction(commit=False) as curs:
            curs.execute(SQL("SELECT count(*) AS n FROM {0}").format(case_view.table("case_view")))
            shown = curs.fetchone()["n"]
            curs.execute(SQL("SELECT coalesce(sum((state->>'skipped')::int), 0) AS n FROM {0}")
                         .format(case_view.table("case_fold")))
            skipped = curs.fetchone()["n"]
        assert shown == len(HISTORY["facts"])
        assert skipped == 0
    finally:
        follower.close()
        for view in views:
            view.datastore.close()
        app.close()
