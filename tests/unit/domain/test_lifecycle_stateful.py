"""Random command sequences by random roles on the in-memory persistence."""

from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test

from domain.application import CaseService
from tests.unit.domain.lifecycle_machine import lifecycle_machine
from tests.unit.domain.story import Clock

# The fast-forwarding aggregate cache keeps long random cases quick; replay is checked
# against the event store itself at the end of every example.
MEMORY = {"PERSISTENCE_MODULE": "eventsourcing.popo", "AGGREGATE_CACHE_MAXSIZE": "50"}


def test_random_lifecycles_keep_every_invariant() -> None:
    clock = Clock()
    app = CaseService(env=MEMORY, clock=clock)
    try:
        run_state_machine_as_test(
            lifecycle_machine(app, clock),
            settings=settings(max_examples=100, stateful_step_count=50, deadline=None,
                              suppress_health_check=[HealthCheck.too_slow]))
    finally:
        app.close()
