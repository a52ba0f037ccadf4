"""The PostgreSQL key store: an erased key leaves every process's cache at once."""

from __future__ import annotations

import time
from collections.abc import Callable

import psycopg
import pytest

from domain.errors import SubjectErased
from upc.keystore import PostgresKeyStore
from upc.settings import psycopg_conninfo


def until(condition: Callable[[], bool], seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_an_erasure_evicts_the_key_from_every_processs_cache(fresh_database_url: str) -> None:
    conninfo = psycopg_conninfo(fresh_database_url)
    master = bytes(range(32))
    api = PostgresKeyStore(conninfo, master, cache_seconds=3600)
    worker = PostgresKeyStore(conninfo, master, cache_seconds=3600, create_table=False)
    try:
        key = api.key_for("subject-1")
        assert worker.existing_key("subject-1") == key  # now cached in both
        assert api.existing_key("subject-1") == key
        worker.destroy("subject-1")
        assert worker.existing_key("subject-1") is None
        # heard the erasure (NOTIFY reaches the other process asynchronously): not served
        assert until(lambda: api.existing_key("subject-1") is None)
        with pytest.raises(SubjectErased):
            api.key_for("subject-1")  # and no new key for an erased person
        with psycopg.connect(conninfo) as conn:
            row = conn.execute("SELECT wrapped_key, destroyed_at FROM upc_subject_keys"
                               " WHERE subject_id = 'subject-1'").fetchone()
        assert row is not None and row[0] is None and row[1] is not None
    finally:
        api.close()
        worker.close()


def test_a_lost_listener_bypasses_the_cache(fresh_database_url: str) -> None:
    conninfo = psycopg_conninfo(fresh_database_url)
    store = PostgresKeyStore(conninfo, bytes(32), cache_seconds=3600)
    other = PostgresKeyStore(conninfo, bytes(32), cache_seconds=0, create_table=False)
    try:
        store.key_for("subject-2")
        assert store._listener is not None
        store._listener.close()  # the connection broke: erasures may be missed meanwhile
        other.destroy("subject-2")
        assert store.existing_key("subject-2") is None
    finally:
        store.close()
        other.close()
