"""Who may do what (POLICY.md "People and roles"). Roles are checked inside the aggregate."""

from __future__ import annotations

from collections.abc import Collection

from domain.actors import Actor, Role
from domain.errors import RoleNotPermitted

FRONT_LINE = frozenset({Role.CASEWORKER, Role.MANAGER, Role.SENIOR_MANAGER})
MANAGEMENT = frozenset({Role.MANAGER, Role.SENIOR_MANAGER})
SENIOR = frozenset({Role.SENIOR_MANAGER})
ADMIN = frozenset({Role.ADMIN})
# Clocks fire as the system; a manager may also record what a clock would.
CLOCK = frozenset({Role.SYSTEM})
CLOCK_OR_MANAGEMENT = CLOCK | MANAGEMENT
# Disposal at the end of retention: the daily schedule, or an administrator by hand.
DISPOSAL = CLOCK | ADMIN

_ROLE_NAMES = {
    Role.CASEWORKER: "a caseworker",
    Role.MANAGER: "a manager",
    Role.SENIOR_MANAGER: "a senior manager",
    Role.AUDITOR: "an auditor",
    Role.COMMITTEE: "a committee member",
    Role.ADMIN: "an administrator",
    Role.SYSTEM: "the system clock",
}


def require_role(actor: Actor, allowed: Collection[Role], action: str) -> None:
    if actor.role not in allowed:
        who = " or ".join(sorted(_ROLE_NAMES[r] for r in allowed))
        raise RoleNotPermitted(
            f"{_ROLE_NAMES[actor.role].capitalize()} cannot {action}; only {who} can.")
