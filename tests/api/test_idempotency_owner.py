"""An Idempotency-Key whose request died with its process is released at once: 409 while the
process that took it lives, the request runs (once) as soon as that process is killed."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import textwrap

from fastapi.testclient import TestClient

from tests.api.conftest import Stage, auth
from tests.api.test_writes import contact, events_of

HOLDER = textwrap.dedent("""
    import sys, time
    from psycopg_pool import ConnectionPool
    from api.idempotency import IdempotencyStore
    pool = ConnectionPool(sys.argv[1], min_size=1, max_size=1, kwargs={"autocommit": True})
    store = IdempotencyStore(pool)
    print(store.begin("caseworker:cara", sys.argv[2], sys.argv[3]), flush=True)
    time.sleep(600)
""")


def test_a_key_held_by_a_killed_process_is_taken_at_once(
        client: TestClient, stage: Stage) -> None:
    built = stage.opened()
    path = f"{built.path}/contacts"
    raw = json.dumps(contact()).encode()
    fingerprint = hashlib.sha256(b"\n".join([b"POST", path.encode(), b"", raw])).hexdigest()
    headers = auth("caseworker", "cara", **{"Idempotency-Key": "orphaned",
                                            "Content-Type": "application/json"})
    conninfo = client.app.state.pool.conninfo  # type: ignore[attr-defined]
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, conninfo, "orphaned", fingerprint],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "new"
        busy = client.post(path, content=raw, headers=headers)
        assert busy.status_code == 409, busy.text  # its process lives: really in flight
    finally:
        holder.kill()
        holder.wait(10)
    taken = client.post(path, content=raw, headers=headers)  # no 120 s wait
    assert taken.status_code == 201, taken.text
    replay = client.post(path, content=raw, headers=headers)
    assert replay.status_code == 201 and replay.headers["idempotent-replayed"] == "true"
    assert events_of(client, built.path) == ["Opened", "ContactRecorded"]
