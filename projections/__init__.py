"""Read models derived from events only: tracked, exactly-once, rebuildable."""
