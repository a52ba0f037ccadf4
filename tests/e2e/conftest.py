"""Data directories for `upc serve` under test."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def serve_dir() -> Iterator[Path]:
    """A fresh directory outside pytest's ``pytest-of-<user>`` (which every pytest session on
    the machine resets to 0700, locking out the system user embedded PostgreSQL runs as when
    the tests run as root)."""
    path = Path(tempfile.mkdtemp(prefix="upc-e2e-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
