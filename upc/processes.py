"""Processes ``upc serve`` starts: they die with it, and the ones it leaves are found again.

Every server and part is started with a parent-death signal (``PR_SET_PDEATHSIG``) in its own
session, so a killed supervisor takes them with it. Each one is also recorded (pid and start
time) in ``$UPC_DATA_DIR/processes.json``; the next ``upc serve`` on that directory stops any
recorded process that is still running (an orphan) before it starts its own.
"""

from __future__ import annotations

import ctypes
import json
import logging
import os
import signal
from collections.abc import Callable, Iterable
from pathlib import Path

import psutil

log = logging.getLogger("upc.processes")

PR_SET_PDEATHSIG = 1
RECORD = "processes.json"


def die_with_parent(sig: int = signal.SIGTERM) -> Callable[[], None]:
    """A ``preexec_fn``: the child gets ``sig`` when the thread that started it exits.

    Runs after any ``user=`` switch (the setting survives ``exec`` of a normal binary), so
    start children from a long-lived thread (the supervisor's main thread).
    """

    def preexec() -> None:
        try:
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, sig)
        except OSError:
            pass
        if os.getppid() == 1:  # the parent died between fork and prctl
            os.kill(os.getpid(), sig)

    return preexec


def create_time(pid: int) -> float | None:
    try:
        return float(psutil.Process(pid).create_time())
    except psutil.Error:
        return None


def record(data_dir: Path, name: str, pid: int) -> None:
    """Note a started process so that the next start can find it if it outlives us."""
    path = data_dir / RECORD
    entries = _read(path)
    entries[name] = {"pid": pid, "create_time": create_time(pid)}
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(entries))
    tmp.replace(path)


def forget(data_dir: Path) -> None:
    (data_dir / RECORD).unlink(missing_ok=True)


def _read(path: Path) -> dict[str, dict[str, float | int | None]]:
    try:
        data = json.loads(path.read_text())
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def recorded_alive(data_dir: Path) -> list[tuple[str, psutil.Process]]:
    """Recorded processes that still run (same pid and start time: not a reused pid)."""
    alive = []
    for name, entry in _read(data_dir / RECORD).items():
        try:
            process = psutil.Process(int(entry["pid"] or 0))
            if entry.get("create_time") not in (None, process.create_time()):
                continue
            if process.status() != psutil.STATUS_ZOMBIE:
                alive.append((name, process))
        except (psutil.Error, ValueError, TypeError):
            continue
    return alive


def stop_orphans(data_dir: Path, also: Iterable[psutil.Process] = ()) -> list[str]:
    """Stop what a previous ``upc serve`` on this directory left running; names them."""
    found = recorded_alive(data_dir)
    seen = {p.pid for _, p in found}
    found += [("postgresql backend", p) for p in also if p.pid not in seen]
    if not found:
        return []
    for name, process in found:
        log.warning("stopping %s (pid %s) left running by an earlier upc serve", name,
                    process.pid)
        terminate_tree(process, signal.SIGINT if name == "postgresql" else signal.SIGTERM)
    for entry in _read(data_dir / RECORD).values():  # a dead leader's group: its workers
        if entry.get("pid") and entry.get("create_time"):
            kill_group(int(entry["pid"] or 0), float(entry["create_time"] or 0))
    forget(data_dir)
    return [f"{name} (pid {p.pid})" for name, p in found]


def kill_group(pgid: int, since: float | None) -> None:
    """SIGKILL what is left of a child's process group (each child leads its own session:
    an API's worker processes outlive a killed parent otherwise, holding its port). Only
    processes started since the leader (``since``, its start time) are touched, so a reused
    pid never takes anyone else's processes with it."""
    for process in psutil.process_iter(["create_time"]):
        try:
            if os.getpgid(process.pid) != pgid or process.pid == os.getpid():
                continue
            if since is not None and process.info["create_time"] < since - 0.01:
                continue
            process.kill()
        except (psutil.Error, ProcessLookupError, PermissionError):
            continue


def terminate_tree(process: psutil.Process, sig: int = signal.SIGTERM,
                   timeout: float = 5.0) -> None:
    """Signal a process and its descendants, wait, then kill what is left."""
    try:
        tree = [process, *process.children(recursive=True)]
    except psutil.Error:
        return
    signal_then_kill([process], sig, tree, timeout)


def signal_then_kill(signalled: Iterable[psutil.Process], sig: int,
                     awaited: list[psutil.Process], timeout: float) -> None:
    """Send ``sig`` to ``signalled``, wait up to ``timeout`` for ``awaited`` to exit, SIGKILL
    whichever has not."""
    for process in signalled:
        try:
            process.send_signal(sig)
        except psutil.Error:
            pass
    _, left = psutil.wait_procs(awaited, timeout=timeout)
    for process in left:
        try:
            process.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(left, timeout=5)
