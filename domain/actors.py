"""Who acts: a user id and the role they act in, taken from the token, never the body."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    CASEWORKER = "caseworker"
    MANAGER = "manager"
    SENIOR_MANAGER = "senior_manager"
    AUDITOR = "auditor"
    COMMITTEE = "committee"
    ADMIN = "admin"
    # Clocks fire without a person: the workflows act as the system.
    SYSTEM = "system"


@dataclass(frozen=True)
class Actor:
    user_id: str
    role: Role

    def __post_init__(self) -> None:
        if not self.user_id or not self.user_id.strip():
            raise ValueError("an actor needs a user id")


SYSTEM_ACTOR = Actor(user_id="upc-system", role=Role.SYSTEM)
