"""A command's stamp: who, when it happened, when it is recorded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.actors import Actor
from domain.rules import require_aware, require_past


@dataclass(frozen=True)
class Stamp:
    """Who records a fact, when it happened (may be back-dated) and when it is recorded."""

    actor: Actor
    occurred_at: datetime
    recorded_at: datetime
    command_id: str | None = None

    def __post_init__(self) -> None:
        require_aware(self.recorded_at, "recorded_at")
        require_past(self.occurred_at, self.recorded_at, "occurred_at")

    def fields(self) -> dict[str, Any]:
        return {"actor_id": self.actor.user_id, "actor_role": self.actor.role.value,
                "occurred_at": self.occurred_at, "recorded_at": self.recorded_at,
                "command_id": self.command_id}
