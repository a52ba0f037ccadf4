"""The case service persists to and reloads from a real PostgreSQL."""

from datetime import datetime, timezone

from domain.actors import Actor, Role
from domain.application import CaseService


def test_case_round_trips_through_postgres(postgres_env: dict[str, str]) -> None:
    actor = Actor("alice", Role.CASEWORKER)
    app = CaseService(env=postgres_env)
    try:
        case = app.open_case("T-2001", actor)
        app.record_contact(case.id, actor, channel="phone", direction="inbound",
                           occurred_at=datetime.now(timezone.utc), summary="rang about repairs")
    finally:
        app.close()
    reopened = CaseService(env=postgres_env)
    try:
        loaded = reopened.get_case(case.id)
        assert loaded.version == 2
        assert len(loaded.contacts) == 1
        assert reopened.recorder.max_notification_id() == 3  # and the customer index entry
    finally:
        reopened.close()
