"""Drop a view and build it again from the event store, with a progress bar.

The rebuilt view goes through the same follower and batches as the live runner, so it equals
the incrementally built one. Stop the runner for that view first (or let it fail and retry:
its tracking insert refuses positions the rebuild already recorded).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.application import Application

from projections.registry import VIEW_CLASSES, construct_view, view_class_named
from projections.runner import CATCH_UP_BATCH, ViewFollower
from projections.view import View


def rebuild_view(app: Application[Any], view_class: type[View], es_env: dict[str, str], *,
                 progress: bool = True, batch_size: int = CATCH_UP_BATCH) -> int:
    """Drop ``view_class``'s tables, recreate them and catch up; returns events applied."""
    old = construct_view(view_class, {**es_env, "CREATE_TABLE": "false"})
    old.drop()
    old.datastore.close()
    view = construct_view(view_class, {**es_env, "CREATE_TABLE": "true"})
    try:
        follower = ViewFollower(app, view, batch_size=batch_size)
        head = app.recorder.max_notification_id() or 0
        if not progress:
            return follower.catch_up()
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                                   TimeElapsedColumn, TimeRemainingColumn)

        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), TimeRemainingColumn()) as bar:
            task = bar.add_task(f"rebuild {view_class.view_name}", total=head)
            return follower.catch_up(
                progress=lambda _: bar.update(task, completed=follower.last_position))
    finally:
        view.datastore.close()


def rebuild(app: Application[Any], es_env: dict[str, str], names: Sequence[str] = (), *,
            progress: bool = True) -> dict[str, int]:
    classes = [view_class_named(n) for n in names] if names else list(VIEW_CLASSES)
    return {cls.view_name: rebuild_view(app, cls, es_env, progress=progress)
            for cls in classes}
