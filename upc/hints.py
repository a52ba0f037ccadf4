"""What the command line prints for a person to type next: the ``upc`` command as they
installed it and the API's address as configured, never a guess like ``localhost:8000``."""

from __future__ import annotations

import fcntl
import os
import shutil
import sys
from pathlib import Path

from upc.settings import Settings

# What ``upc serve`` locks while it runs (``upc.preflight.DataDirLock``).
SERVE_LOCK = "upc.pid"


def upc_command(argv0: str | None = None) -> str:
    """``upc`` when that is what the shell finds, else the path that was run, relative to
    the current directory when under it (``.venv/bin/upc`` after the quick start)."""
    run = Path(argv0 or sys.argv[0])
    if run.name != "upc":
        return ".venv/bin/upc" if Path(".venv/bin/upc").exists() else "upc"
    found = shutil.which("upc")
    if found and Path(found).resolve() == run.resolve():
        return "upc"
    try:
        return str(run.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(run.resolve())


def api_base(settings: Settings) -> str:
    """``http://host:port`` of the API; a wildcard bind address is reached on loopback."""
    host = settings.upc_host
    if host in ("", "0.0.0.0", "::"):
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{settings.upc_port}"


def serve_pid(data_dir: Path) -> str | None:
    """The pid of the ``upc serve`` holding ``data_dir``, None when none does. Asks for a
    shared lock for an instant: refused while a serve holds its exclusive one."""
    path = data_dir / SERVE_LOCK
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        return os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)
