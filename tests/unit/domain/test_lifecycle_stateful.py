"""Random command sequences by random roles on the in-memory persistence."""

from tests.unit.domain.lifecycle_machine import run_lifecycles


def test_random_lifecycles_keep_every_invariant() -> None:
    run_lifecycles({"PERSISTENCE_MODULE": "eventsourcing.popo"}, max_examples=80, steps=50)
