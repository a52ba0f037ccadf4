"""Checks made before anything starts, each failing with one line naming the setting."""

from __future__ import annotations

import fcntl
import os
import socket
import tempfile
from datetime import timedelta
from pathlib import Path

from upc.settings import SettingError


def check_port_free(setting: str, host: str, port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            raise SettingError(
                f"{setting}: port {port} on {host} is already in use ({exc.strerror})") from None


def check_data_dir(path: Path) -> None:
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".probe-"):
            pass
    except OSError as exc:
        raise SettingError(f"UPC_DATA_DIR: {path} is not writable ({exc.strerror})") from None


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class DataDirLock:
    """An exclusive lock on the data directory (``flock`` on ``upc.pid``), held while
    ``upc serve`` runs; the file names the holder's pid. The kernel drops the lock when the
    holder dies, however it dies, so a lock is never stale."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / "upc.pid"
        self.fd: int | None = None

    def acquire(self) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise SettingError(
                f"UPC_DATA_DIR: {self.path.parent} is in use by a running upc serve "
                f"(pid {holder}); stop it first or choose another UPC_DATA_DIR") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self.fd = fd

    def release(self) -> None:
        if self.fd is not None:
            os.ftruncate(self.fd, 0)
            os.close(self.fd)  # closing the only descriptor drops the lock
            self.fd = None


CHILD_CHECK = "import sys; from upc.preflight import _temporal_report; _temporal_report(*sys.argv[1:])"


def check_temporal(address: str, namespace: str, timeout: float = 10.0) -> None:
    """Temporal answers, the namespace exists and carries upc's search attributes.

    Asked from a short-lived child process: a Temporal client leaves the core runtime's
    threads behind, which can abort the interpreter at exit (and the supervisor lives on).
    """
    import json
    import subprocess
    import sys

    try:
        done = subprocess.run(
            [sys.executable, "-c", CHILD_CHECK, address, namespace, str(timeout)],
            check=False, capture_output=True, text=True, timeout=timeout + 20)
        report = json.loads(done.stdout.strip().splitlines()[-1])
    except subprocess.TimeoutExpired:
        report = {"error": f"TEMPORAL_ADDRESS: {address} did not answer in {timeout:.0f}s"}
    except (ValueError, IndexError):
        report = {"error": f"TEMPORAL_ADDRESS: checking {address} failed: "
                           f"{(done.stderr.strip().splitlines() or ['no output'])[-1]}"}
    if report.get("error"):
        raise SettingError(report["error"])
    missing = report.get("missing") or []
    if missing:
        from workflows.temporal import SEARCH_ATTRIBUTES

        kinds = {SEARCH_ATTRIBUTES[name] for name in missing}  # all Keyword today
        create = " ".join(f"--name {name}" for name in missing) + f" --type {min(kinds)}"
        raise SettingError(
            f"TEMPORAL_NAMESPACE: namespace '{namespace}' on {address} lacks the search "
            f"attributes {', '.join(missing)}; register them with `temporal operator "
            f"search-attribute create --namespace {namespace} {create}`")


def _temporal_report(address: str, namespace: str, timeout_text: str) -> None:
    """In the child of ``check_temporal``: one JSON line, then exit without finalising."""
    import asyncio
    import json
    import sys

    from temporalio.api.operatorservice.v1 import ListSearchAttributesRequest
    from temporalio.service import RPCError

    from workflows.temporal import SEARCH_ATTRIBUTES, TemporalUnavailable, connect

    timeout = float(timeout_text)

    async def check() -> list[str]:
        client = await connect(address, namespace)
        response = await client.operator_service.list_search_attributes(
            ListSearchAttributesRequest(namespace=namespace), timeout=timedelta(seconds=timeout))
        return [name for name in SEARCH_ATTRIBUTES if name not in response.custom_attributes]

    report: dict[str, object]
    try:
        report = {"missing": asyncio.run(asyncio.wait_for(check(), timeout))}
    except TimeoutError:
        report = {"error": f"TEMPORAL_ADDRESS: {address} did not answer in {timeout:.0f}s"}
    except TemporalUnavailable as exc:
        report = {"error": str(exc)}
    except RPCError as exc:
        report = {"error": f"TEMPORAL_NAMESPACE: cannot read the search attributes of "
                           f"namespace '{namespace}' on {address}: {exc.message}"}
    sys.stdout.write(json.dumps(report) + "\n")
    sys.stdout.flush()
    os._exit(0)
