"""The activity side of every clock: reload the case, fire what is due, say what comes next.

Temporal runs an activity at least once, so firing is idempotent three ways: each command is
a no-op once its fact is recorded, each carries a command id derived from the clock and the
due instant, and a concurrent write makes the whole step start again from a fresh load.
Clocks act as the system; an event fired by a clock occurred at its due instant and is
recorded now.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from eventsourcing.persistence import IntegrityError
from temporalio import activity

from domain.actors import SYSTEM_ACTOR
from domain.application import CaseService
from domain.case import Case, Stamp
from domain.settings import PolicyValues
from workflows.schedule import Schedule

log = logging.getLogger("upc.clocks")

#: A clock that keeps firing more than this in one go has a bug, not a backlog.
MAX_FIRINGS_PER_STEP = 20
SAVE_ATTEMPTS = 5


@dataclass(frozen=True)
class OpenClock:
    """One clock the case's events say is running: when it fires and what it records."""

    due_at: datetime
    fact: str  # the event the command records, e.g. "ReviewDue"
    fire: Callable[[Stamp], None]  # the domain command, bound to its case and ids


#: Which clocks of one workflow are open on a case, given the organisation's settings.
OpenClocks = Callable[[Case, PolicyValues], Sequence[OpenClock]]
#: Why the workflow's clocks are all over (an outcome code), or None while one may still run.
Closed = Callable[[Case], "str | None"]


def activity_now() -> datetime:
    """The later of the Temporal server's clock and ours.

    The server's clock is what fired the timer (and what the time-skipping test server moves);
    our own clock is the better "recorded at" when it is ahead.
    """
    ours = datetime.now(UTC)
    if activity.in_activity():
        return max(activity.info().started_time, ours)
    return ours


class ClockFiring:
    def __init__(self, app: CaseService) -> None:
        self.app = app

    def organisation(self) -> PolicyValues:
        """The organisation's settings now (the case's own overrides merge in the domain)."""
        return self.app.policy_values()

    def advance(self, case_id: UUID, key: str, open_clocks: OpenClocks, closed: Closed,
                now: datetime | None = None) -> Schedule:
        """Fire every clock due by ``now``, earliest first; return the next due instant."""
        now = now or activity_now()
        organisation = self.organisation()
        for _ in range(SAVE_ATTEMPTS):
            case: Case = self.app.repository.get(case_id)
            fired = self._fire_due(case, key, open_clocks, closed, organisation, now)
            if fired:
                try:
                    self.app.save(case)
                except IntegrityError:
                    log.info("case %s changed while %s fired; reloading", case_id, key)
                    continue
            outcome = closed(case)
            if outcome is not None:
                return Schedule(closed=True, fired=fired, outcome=outcome)
            upcoming = [c.due_at for c in open_clocks(case, organisation)]
            return Schedule(closed=False, fired=fired, next_due=min(upcoming, default=None))
        raise RuntimeError(f"case {case_id} kept changing while {key} fired; retrying later")

    @staticmethod
    def _fire_due(case: Case, key: str, open_clocks: OpenClocks, closed: Closed,
                  organisation: PolicyValues, now: datetime) -> list[str]:
        fired: list[str] = []
        for _ in range(MAX_FIRINGS_PER_STEP):
            if closed(case) is not None:
                break
            due = sorted((c for c in open_clocks(case, organisation) if c.due_at <= now),
                         key=lambda c: c.due_at)
            if not due:
                break
            clock = due[0]
            command_id = f"clock:{key}:{clock.fact}:{clock.due_at.isoformat()}"
            if case.has_handled(command_id):  # recorded, yet still reported open: stop here
                break
            before = case.version
            clock.fire(Stamp(SYSTEM_ACTOR, clock.due_at, now, command_id))
            if case.version == before:  # the command found its fact already recorded
                break
            fired.extend(type(e).__name__ for e in case.pending_events[len(fired):])
        return fired
