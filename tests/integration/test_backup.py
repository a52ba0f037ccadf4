"""upc backup, then upc restore into an empty database or an empty data directory: the same
facts, the same case views once rebuilt, no drift; refusals change nothing."""

from __future__ import annotations

import base64
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from projections.reconcile import check_views
from projections.runner import ViewFollower
from projections.view import VIEWS_SCHEMA
from tests.conftest import scratch_database
from upc import bootstrap, roles
from upc.backup import backup, counts, restore
from upc.demo import seed
from upc.settings import SettingError, Settings, eventsourcing_env, psycopg_conninfo


def build_views(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Catch every view up from the events and return its rows (sorted)."""
    app = bootstrap.case_service(url)
    views = bootstrap.views(url)
    rows: dict[str, list[tuple[Any, ...]]] = {}
    try:
        for view in views:
            ViewFollower(app, view).catch_up()
        head = app.recorder.max_notification_id() or 0
        drift = check_views(psycopg_conninfo(url), views, roles.EVENTS_TABLE, head, app.name)
        assert not any(d.drift or d.lag for d in drift), drift
        with psycopg.connect(url) as conn:
            for view in views:
                for table in view.table_names():
                    rows[table] = sorted(conn.execute(
                        f'SELECT * FROM "{VIEWS_SCHEMA}"."{table}"').fetchall(), key=repr)
    finally:
        app.close()
        for view in views:
            view.datastore.close()
    return rows


@pytest.fixture(scope="module", autouse=True)
def one_master_key() -> Iterator[None]:
    """As in production, the restored database is opened with the same master key (the
    development key would be derived from each database's name, and the restored keys,
    the customer index's lookup key among them, would not open)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("UPC_MASTER_KEY", base64.b64encode(bytes(range(32))).decode())
        yield


@pytest.fixture(scope="module")
def seeded(server_url: str) -> Iterator[str]:
    """``upc demo``'s cases, once for the module."""
    with scratch_database(server_url, "upc_backup") as url:
        bootstrap.migrate(url)
        seed({**eventsourcing_env(url), "CREATE_TABLE": "false"}, report=lambda _: None)
        yield url


@pytest.fixture(scope="module")
def made(seeded: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return backup(Settings(database_url=seeded), tmp_path_factory.mktemp("b") / "backup")


@pytest.fixture
def empty_database(server_url: str) -> Iterator[str]:
    with scratch_database(server_url, "upc_restore") as url:
        yield url


def test_backup_then_restore_gives_the_same_facts_and_views(
        seeded: str, made: Path, empty_database: str) -> None:
    views_before = build_views(seeded)
    target = made
    assert sorted(p.name for p in target.iterdir()) == ["manifest.json", "upc.dump"]
    with pytest.raises(SettingError, match="already exists"):
        backup(Settings(database_url=seeded), target)

    restored = restore(Settings(database_url=empty_database), target)
    assert restored == counts(seeded) and restored["public.upc_events"] > 100
    assert build_views(empty_database) == views_before
    app = bootstrap.case_service(empty_database)  # appends go on after the restored head
    try:
        case = app.open_case("T-AFTER-RESTORE", roles_actor())
        assert app.repository.get(case.id).version == 1
    finally:
        app.close()

    with pytest.raises(SettingError, match="not empty"):
        restore(Settings(database_url=empty_database), target)  # a second time: refused
    # the new case's Opened and its customer index entry
    assert counts(empty_database)["public.upc_events"] == restored["public.upc_events"] + 2


def test_a_failed_restore_leaves_the_target_empty(
        made: Path, empty_database: str, tmp_path: Path) -> None:
    target = tmp_path / "copy"
    shutil.copytree(made, target)
    dump = target / "upc.dump"
    dump.write_bytes(dump.read_bytes()[: dump.stat().st_size // 2])  # truncated on the way
    with pytest.raises(SettingError):
        restore(Settings(database_url=empty_database), target)
    assert not any(counts(empty_database).values())
    with pytest.raises(SettingError, match="not a upc backup"):
        restore(Settings(database_url=empty_database), tmp_path)


def test_restore_into_an_empty_data_directory(seeded: str, made: Path, tmp_path: Path) -> None:
    from upc.embedded import EmbeddedPostgres

    target = made
    # Outside pytest's own temporary folder: the embedded PostgreSQL runs as another user,
    # who may not enter /tmp/pytest-of-root (pytest keeps it 0700).
    data_dir = Path(tempfile.mkdtemp(prefix="upc-restore-")) / "fresh"
    restored = restore(Settings(upc_data_dir=data_dir, database_url=None), target)
    assert restored == counts(seeded)
    with pytest.raises(SettingError, match="not empty"):
        restore(Settings(upc_data_dir=data_dir, database_url=None), target)
    postgres = EmbeddedPostgres(data_dir / "pg")
    try:
        assert counts(postgres.start()) == restored  # what `upc serve` will find there
    finally:
        postgres.stop()
        shutil.rmtree(data_dir.parent, ignore_errors=True)


def roles_actor() -> Any:
    from domain.actors import Actor, Role

    return Actor("cara", Role.CASEWORKER)
