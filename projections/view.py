"""A read model is an eventsourcing tracking recorder: its rows and its position commit together."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresTrackingRecorder
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Composable, Identifier

VIEWS_SCHEMA = "upc_views"


class View(PostgresTrackingRecorder):
    """Base class of every view. Subclasses declare tables and apply events in batches."""

    #: Stable name: the env prefix, the tracking table's prefix and the ``upc rebuild`` name.
    view_name: str = ""
    #: Event topics this view reads (empty: all).
    topics: tuple[str, ...] = ()
    #: Bump when the tables change: a view found at another version is dropped and rebuilt.
    schema_version: int = 1
    #: Commit batches without waiting for the WAL flush (see ``process_batch``).
    asynchronous_commit: bool = True

    def __init__(self, datastore: Any, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        for ddl in self.table_ddl():
            self.sql_create_statements.append(ddl)
        from projections.heartbeat import table_ddl as heartbeat_ddl

        self.sql_create_statements.append(heartbeat_ddl(self))

    @property
    def schema(self) -> str:
        return str(self.datastore.schema)

    def table(self, name: str) -> Composable:
        return SQL("{0}.{1}").format(Identifier(self.schema), Identifier(name))

    @abstractmethod
    def table_ddl(self) -> list[Composable]:
        """CREATE TABLE / INDEX statements (IF NOT EXISTS)."""

    @abstractmethod
    def table_names(self) -> list[str]:
        """Tables owned by this view (dropped on rebuild)."""

    def apply(self, curs: Cursor[DictRow], event: Any, notification_id: int) -> None:
        """Change the view's rows for one event, inside the batch transaction."""
        raise NotImplementedError

    def apply_batch(self, curs: Cursor[DictRow], batch: Sequence[tuple[Any, Tracking]]) -> None:
        """Change the view's rows for a batch; override to write set-wise."""
        for event, tracking in batch:
            self.apply(curs, event, tracking.notification_id)

    def process_batch(self, batch: Sequence[tuple[Any, Tracking]]) -> None:
        """Apply many events and record the last position in one transaction: exactly once.

        The tracking insert refuses a position that is not ahead of the recorded one, so a
        batch applied twice (two runners, a retry after an unknown commit) rolls back whole.

        The commit does not wait for its WAL flush (``synchronous_commit = off`` for this
        transaction only; the event store's commits stay synchronous). That stays exactly
        once: a server crash can lose only the last few committed batches, and it loses each
        one whole (the rows and the tracking position are in the same transaction, which WAL
        replay restores entirely or not at all, in commit order), so after a crash the view
        is at an older position with the rows of that position and the runner applies the
        lost events again. The cost: a reader may, across a crash, see the view step back
        briefly before it catches up; a view is rebuildable from the log, the log is not.
        """
        if not batch:
            return
        with self.datastore.transaction(commit=True) as curs:
            if self.asynchronous_commit:
                curs.execute("SET LOCAL synchronous_commit = off")
            self.apply_batch(curs, batch)
            self._insert_tracking(curs, batch[-1][1])

    def create_table(self) -> None:
        """Create the tables; drop them first if they were made by another schema version
        (the runner then rebuilds the view from the event store)."""
        versions = self.table("view_versions")
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(SQL("CREATE TABLE IF NOT EXISTS {0} (view_name text PRIMARY KEY,"
                             " version integer NOT NULL)").format(versions))
            curs.execute(SQL("SELECT version FROM {0} WHERE view_name = %s").format(versions),
                         (self.view_name,))
            row = curs.fetchone()
            curs.execute("SELECT to_regclass(%s) IS NOT NULL AS present",
                         (f'"{self.schema}"."{self.tracking_table_name}"',))
            present = curs.fetchone()
        found = row["version"] if row else None
        if found != self.schema_version and present and present["present"]:
            self.drop()
        super().create_table()
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(SQL("INSERT INTO {0} VALUES (%s, %s) ON CONFLICT (view_name)"
                             " DO UPDATE SET version = EXCLUDED.version").format(versions),
                         (self.view_name, self.schema_version))

    def drop(self) -> None:
        with self.datastore.transaction(commit=True) as curs:
            for name in [*self.table_names(), self.tracking_table_name]:
                curs.execute(SQL("DROP TABLE IF EXISTS {0}").format(self.table(name)))
