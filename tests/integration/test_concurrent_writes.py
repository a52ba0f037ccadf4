"""Under concurrency no acknowledged write is lost and each case's events keep their order.

Two application services stand for two API processes (each with its own case cache and its
own group-commit recorder) on one PostgreSQL database; 16 threads record contacts on a few
shared cases, so commands race within a process (the case lock, grouped commits) and across
processes (optimistic concurrency, a refused group retried command by command).
"""

from __future__ import annotations

import threading
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import psycopg

from domain.actors import Actor, Role
from domain.application import CaseService
from domain.errors import ConcurrentModification
from upc import group_commit

CLERK = Actor("clerk-1", Role.CASEWORKER)
CASES = 3
THREADS_PER_SERVICE = 8
COMMANDS_PER_THREAD = 12


def _conninfo(env: dict[str, str]) -> str:
    return " ".join(f"{k}={env[v]}" for k, v in (
        ("dbname", "POSTGRES_DBNAME"), ("host", "POSTGRES_HOST"), ("port", "POSTGRES_PORT"),
        ("user", "POSTGRES_USER")) if env.get(v))


def test_no_acknowledged_write_is_lost_and_case_order_holds(
        postgres_env: dict[str, str]) -> None:
    env = {**postgres_env, "APPLICATION_RECORDER_TOPIC": group_commit.TOPIC}
    services = [CaseService(env=env), CaseService(env={**env, "CREATE_TABLE": "false"})]
    try:
        case_ids = [services[0].open_case(f"CONC-{i}", CLERK).id for i in range(CASES)]
        acknowledged: list[dict[str, Any]] = []
        refused: list[str] = []
        lock = threading.Lock()

        def work(service: CaseService, thread: int) -> None:
            for k in range(COMMANDS_PER_THREAD):
                case_id = case_ids[(thread + k) % CASES]
                command_id = f"cmd-{id(service)}-{thread}-{k}"
                try:
                    case = service.record_contact(
                        case_id, CLERK, channel="phone", direction="inbound",
                        occurred_at=datetime.now(UTC), summary=f"call {thread}/{k}",
                        command_id=command_id)
                except ConcurrentModification:
                    with lock:
                        refused.append(command_id)
                    continue
                recorded = service.recorded_by(case_id, command_id)
                assert recorded is not None and len(recorded) == 1
                event, position = recorded[0]
                assert case.version == event.originator_version
                with lock:
                    acknowledged.append({"case_id": case_id, "command_id": command_id,
                                         "version": event.originator_version,
                                         "position": position})

        threads = [threading.Thread(target=work, args=(service, n))
                   for service in services for n in range(THREADS_PER_SERVICE)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        with psycopg.connect(_conninfo(postgres_env)) as conn:
            rows = conn.execute(
                "SELECT originator_id, originator_version, notification_id"
                " FROM upc_events WHERE originator_version > 1"
                " ORDER BY notification_id").fetchall()
        stored: dict[UUID, list[tuple[int, int]]] = defaultdict(list)
        for originator_id, version, position in rows:
            stored[UUID(str(originator_id))].append((version, position))

        total = THREADS_PER_SERVICE * len(services) * COMMANDS_PER_THREAD
        assert len(acknowledged) + len(refused) == total
        assert len(acknowledged) > total // 2
        # Nothing lost, nothing extra: a refused command recorded nothing.
        assert len(rows) == len(acknowledged)
        by_position = {(a["case_id"], a["version"], a["position"]) for a in acknowledged}
        assert by_position == {(case_id, v, p) for case_id, pairs in stored.items()
                               for v, p in pairs}
        # Per case: versions 2..n without gaps, in the order of the log.
        for case_id, pairs in stored.items():
            assert [v for v, _ in pairs] == list(range(2, len(pairs) + 2))
        # Every service reads every acknowledged contact back, cached or replayed.
        for service in services:
            for case_id in case_ids:
                handled = {a["command_id"] for a in acknowledged if a["case_id"] == case_id}
                replayed = service.get_case(case_id)
                assert replayed.version == len(stored[case_id]) + 1
                assert len(replayed.contacts) == len(handled)
                assert all(replayed.has_handled(c) for c in handled)
    finally:
        for service in services:
            service.close()
