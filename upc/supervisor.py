"""``upc serve``: embedded servers, then the worker, launcher, projections and API.

Children run as ``python -m upc <part>`` in their own sessions, so Ctrl-C reaches only
the supervisor, which then stops them in order: API, launcher, projections, worker,
Temporal, PostgreSQL. Children also get SIGTERM if the supervisor itself dies.
"""

from __future__ import annotations

import base64
import ctypes
import logging
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from upc import bootstrap, preflight
from upc.embedded import EmbeddedPostgres, EmbeddedTemporal
from upc.settings import SettingError, Settings

log = logging.getLogger("upc.serve")

PARTS = ("worker", "projections", "launcher", "api")  # start order; stop is the reverse
MAX_RESTARTS_PER_MINUTE = 5


def _die_with_parent() -> None:  # runs in the child before exec
    try:
        ctypes.CDLL("libc.so.6").prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


@dataclass
class Child:
    name: str
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    restarts: list[float] = field(default_factory=list)

    def start(self) -> None:
        with open(self.log_path, "ab") as out:
            self.process = subprocess.Popen(  # noqa: S603 - our own interpreter
                [sys.executable, "-m", "upc", self.name], env=self.env, stdout=out,
                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
                preexec_fn=_die_with_parent)  # noqa: PLW1509

    def stop(self, timeout: float = 10.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            log.warning("%s did not stop in %.0fs; killing it", self.name, timeout)
            self.process.kill()
            self.process.wait(5)


class Supervisor:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.postgres: EmbeddedPostgres | None = None
        self.temporal: EmbeddedTemporal | None = None
        self.children: list[Child] = []
        self.stopping = threading.Event()

    def preflight(self) -> None:
        s = self.settings
        preflight.check_port_free("UPC_PORT", s.upc_host, s.upc_port)
        if not s.temporal_address:
            preflight.check_port_free("UPC_TEMPORAL_PORT", "127.0.0.1", s.upc_temporal_port)
            preflight.check_port_free("UPC_TEMPORAL_UI_PORT", "127.0.0.1",
                                      s.upc_temporal_ui_port)
        if s.database_url:
            bootstrap.check_database(s.database_url)
        preflight.check_data_dir(s.data_dir)

    def start(self) -> float:
        started = time.monotonic()
        s = self.settings
        database_url = s.database_url
        if not database_url:
            self.postgres = EmbeddedPostgres(s.data_dir / "pg")
            database_url = self.postgres.start()
        temporal_address = s.temporal_address
        if not temporal_address:
            from workflows.temporal import SEARCH_ATTRIBUTES

            self.temporal = EmbeddedTemporal(s.data_dir / "temporal", s.upc_temporal_port,
                                             s.upc_temporal_ui_port, s.temporal_namespace)
            temporal_address = self.temporal.start(SEARCH_ATTRIBUTES)
        database_url = bootstrap.serve_database(s, database_url, embedded=bool(self.postgres))
        if self.temporal:
            self.temporal.wait_ready()
        logs = s.data_dir / "logs"
        logs.mkdir(exist_ok=True)
        env = {**os.environ, "DATABASE_URL": database_url, "TEMPORAL_ADDRESS": temporal_address,
               "UPC_DATA_DIR": str(s.data_dir),
               "UPC_MASTER_KEY": s.upc_master_key or master_key_file(s.data_dir)}
        for name in PARTS:
            child = Child(name, env, logs / f"{name}.log")
            child.start()
            self.children.append(child)
        self._wait_for_api()
        return time.monotonic() - started

    def _wait_for_api(self, timeout: float = 60.0) -> None:
        url = f"http://{self.settings.upc_host}:{self.settings.upc_port}/healthz"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            api = self.children[-1]
            if api.process is not None and api.process.poll() is not None:
                raise SettingError(f"the API exited at start; see {api.log_path}")
            try:
                with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise SettingError(f"the API did not answer on {url} within {timeout:.0f}s")

    def watch(self) -> int:
        """Restart a child that dies; give up if one keeps dying."""
        while not self.stopping.wait(0.5):
            for child in self.children:
                assert child.process is not None
                code = child.process.poll()
                if code is None:
                    continue
                now = time.monotonic()
                child.restarts = [t for t in child.restarts if now - t < 60] + [now]
                if len(child.restarts) > MAX_RESTARTS_PER_MINUTE:
                    log.error("%s keeps exiting (code %s); stopping; see %s",
                              child.name, code, child.log_path)
                    return 1
                log.warning("%s exited with code %s; restarting", child.name, code)
                child.start()
        return 0

    def stop(self) -> float:
        started = time.monotonic()
        self.stopping.set()
        for child in reversed(self.children):
            child.stop()
        if self.temporal:
            self.temporal.stop()
        if self.postgres:
            self.postgres.stop()
        return time.monotonic() - started

    def banner(self, seconds: float) -> str:
        s = self.settings
        base = f"http://{s.upc_host}:{s.upc_port}"
        temporal_ui = (f"http://127.0.0.1:{s.upc_temporal_ui_port}" if self.temporal
                       else f"(your Temporal at {s.temporal_address})")
        return "\n".join([
            f"upc is ready in {seconds:.1f}s",
            f"  API        {base}/api/v1   (docs {base}/docs)",
            f"  Temporal   {temporal_ui}",
            f"  Data       {s.data_dir}" + ("" if self.postgres else "  (PostgreSQL: DATABASE_URL)"),
            f"  Logs       {s.data_dir / 'logs'}",
            "  Token      upc token --user alice --role caseworker",
            "  Stop       Ctrl-C",
        ])


def master_key_file(data_dir: Path) -> str:
    """The embedded default master key: random, kept beside the data it protects (0600)."""
    path = data_dir / "master-key"
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(base64.b64encode(secrets.token_bytes(32)).decode("ascii"))
    return path.read_text().strip()


def serve(settings: Settings) -> int:
    supervisor = Supervisor(settings)

    def _on_signal(signum: int, _frame: object) -> None:
        supervisor.stopping.set()

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    supervisor.preflight()  # fails with one line before anything is started or written
    code = 0
    try:
        seconds = supervisor.start()
        print(supervisor.banner(seconds), flush=True)
        code = supervisor.watch()
    finally:
        took = supervisor.stop()
        print(f"upc stopped in {took:.1f}s", flush=True)
    return code
