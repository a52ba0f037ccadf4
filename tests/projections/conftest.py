"""A fresh database per test, the case service with in-memory keys, and all three views."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import psycopg
import pytest

from projections.registry import VIEW_CLASSES, construct_view
from projections.runner import ViewFollower
from bench.simulation import simulation_service
from projections.view import VIEWS_SCHEMA, View


@dataclass
class World:
    env: dict[str, str]
    url: str
    app: Any
    views: dict[str, View]

    def catch_up(self, batch_size: int = 1000) -> int:
        return sum(ViewFollower(self.app, v, batch_size).catch_up() for v in self.views.values())

    def dump(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every view table's rows, sorted, for equality checks."""
        out: dict[str, list[tuple[Any, ...]]] = {}
        with psycopg.connect(self.url) as conn:
            for view in self.views.values():
                for table in view.table_names():
                    rows = conn.execute(f'SELECT * FROM "{VIEWS_SCHEMA}"."{table}"').fetchall()
                    out[table] = sorted(rows, key=repr)
        return out


@pytest.fixture
def world(fresh_database_url: str, postgres_env: dict[str, str]) -> Iterator[World]:
    with psycopg.connect(fresh_database_url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{VIEWS_SCHEMA}"')
    app = simulation_service(postgres_env)
    views = {cls.view_name: construct_view(cls, postgres_env) for cls in VIEW_CLASSES}
    try:
        yield World(postgres_env, fresh_database_url, app, views)
    finally:
        for view in views.values():
            view.datastore.close()
        app.close()


def save_in_chunks(app: Any, cases: list[Any], chunk: int = 20) -> None:
    for i in range(0, len(cases), chunk):
        app.save(*cases[i:i + chunk])
