"""Only the latest snapshot of a case is kept in PostgreSQL.

A case snapshot holds the whole state (every contact), so keeping each one taken every
``UPC_SNAPSHOT_INTERVAL`` events would grow a long case's snapshots quadratically. After a
snapshot is stored, the case's older ones are deleted (the service role has DELETE on the
snapshots table; the event store itself stays append-only). Loads only ever read the latest.
"""

from __future__ import annotations

from typing import Any

from psycopg.sql import SQL, Identifier

from domain.application import CaseService


def keep_latest_snapshots(app: CaseService) -> None:
    store = app.snapshots
    recorder = getattr(store, "recorder", None)
    if store is None or not hasattr(recorder, "datastore"):
        return  # snapshots off, or not PostgreSQL
    datastore = recorder.datastore  # type: ignore[union-attr]
    statement = SQL("DELETE FROM {0}.{1} WHERE originator_id = %s AND originator_version < %s"
                    ).format(Identifier(datastore.schema or "public"),
                             Identifier(recorder.events_table_name))  # type: ignore[union-attr]
    put = store.put

    def put_and_prune(events: Any, **kwargs: Any) -> Any:
        recordings = put(events, **kwargs)
        with datastore.transaction(commit=True) as cursor:
            for event in events:
                cursor.execute(statement, (event.originator_id, event.originator_version))
        return recordings

    store.put = put_and_prune  # type: ignore[method-assign,assignment]
