"""``upc serve``: embedded servers, then the worker, launcher, projections and API.

The supervisor holds an exclusive lock on its data directory (a second ``upc serve`` there
refuses, naming the running pid) and, at start, stops whatever an earlier, killed supervisor
left running there. Every child (PostgreSQL, Temporal and the four parts) runs in its own
session with a parent-death signal, so Ctrl-C reaches only the supervisor and a killed
supervisor takes its children with it. The supervisor watches them all: a part that exits is
restarted; an embedded server that exits is restarted, then the parts that depend on it
(the API is not among them: it reconnects by itself, and its ``/readyz`` names what is down).
"ready" is printed only once every dependency answers and ``/readyz`` says ready.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from letters.outbox import SINK_FILE, Outbox
from upc import bootstrap, preflight, processes
from upc.embedded import (
    EmbeddedError,
    EmbeddedPostgres,
    EmbeddedTemporal,
    master_key_file,
    stop_leftovers,
)
from upc.settings import SettingError, Settings

log = logging.getLogger("upc.serve")

__all__ = ["Supervisor", "master_key_file", "serve"]

PARTS = ("worker", "projections", "launcher", "api")  # start order; stop is the reverse
NEEDS_TEMPORAL = ("worker", "launcher")
NEEDS_POSTGRES = ("worker", "projections", "launcher")  # the API heals its own pools
MAX_RESTARTS_PER_MINUTE = 5
STOP_SECONDS = 5.0


@dataclass
class Budget:
    """At most ``MAX_RESTARTS_PER_MINUTE`` restarts in any minute."""

    times: list[float] = field(default_factory=list)

    def spend(self) -> bool:
        now = time.monotonic()
        self.times = [t for t in self.times if now - t < 60] + [now]
        return len(self.times) <= MAX_RESTARTS_PER_MINUTE


@dataclass
class Child:
    name: str
    env: dict[str, str]
    log_path: Path
    data_dir: Path
    process: subprocess.Popen[bytes] | None = None
    started_at: float | None = None
    budget: Budget = field(default_factory=Budget)

    def start(self) -> None:
        if self.process is not None:  # what the last one left in its group (API workers)
            processes.kill_group(self.process.pid, self.started_at)
        with open(self.log_path, "ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "upc", self.name], env=self.env, stdout=out,
                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
                preexec_fn=processes.die_with_parent())  # noqa: PLW1509
        self.started_at = processes.create_time(self.process.pid)
        processes.record(self.data_dir, self.name, self.process.pid)

    def exit_code(self) -> int | None:
        return None if self.process is None else self.process.poll()

    def signal_stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()

    def wait_stopped(self, deadline: float) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        try:
            self.process.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            log.warning("%s did not stop in time; killing it", self.name)
            self.process.kill()
            self.process.wait(5)
        processes.kill_group(self.process.pid, self.started_at)

    def stop(self, timeout: float = STOP_SECONDS) -> None:
        self.signal_stop()
        self.wait_stopped(time.monotonic() + timeout)


class Supervisor:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.lock = preflight.DataDirLock(settings.data_dir)
        self.postgres: EmbeddedPostgres | None = None
        self.temporal: EmbeddedTemporal | None = None
        self.temporal_address = settings.temporal_address or ""
        self.children: list[Child] = []
        self.outbox: Outbox | None = None  # the embedded SMTP sink (letters.outbox)
        self.server_budgets = {"postgresql": Budget(), "temporal": Budget()}
        self.stopping = threading.Event()

    def preflight(self) -> None:
        """Refuse with one line before anything is started (or, for a new directory, written)."""
        s = self.settings
        if s.data_dir.is_dir():
            self._take_over()  # a running instance is named before any port is looked at
        preflight.check_port_free("UPC_PORT", s.upc_host, s.upc_port)
        if not s.temporal_address:
            preflight.check_port_free("UPC_TEMPORAL_PORT", "127.0.0.1", s.upc_temporal_port)
            preflight.check_port_free("UPC_TEMPORAL_UI_PORT", "127.0.0.1",
                                      s.upc_temporal_ui_port)
        if s.database_url:
            bootstrap.check_database(s.database_url)
        if s.temporal_address:
            preflight.check_temporal(s.temporal_address, s.temporal_namespace)
        preflight.check_data_dir(s.data_dir)
        if not s.upc_smtp_url and s.upc_smtp_sink_port:
            preflight.check_port_free("UPC_SMTP_SINK_PORT", "127.0.0.1", s.upc_smtp_sink_port)
        if self.lock.fd is None:
            self._take_over()

    def _take_over(self) -> None:
        """Lock the data directory, then stop what a killed ``upc serve`` left running."""
        s = self.settings
        self.lock.acquire()
        left = processes.stop_orphans(s.data_dir)
        if not s.database_url and (s.data_dir / "pg").is_dir():
            left += [f"postgresql process {pid}" for pid in stop_leftovers(s.data_dir / "pg")]
        if not s.temporal_address:
            left += [f"temporal {pid}" for pid in self._embedded_temporal().stop_leftovers()]
        if left:
            log.warning("stopped what an earlier upc serve left running in %s: %s",
                        s.data_dir, ", ".join(left))

    def _embedded_temporal(self) -> EmbeddedTemporal:
        s = self.settings
        return EmbeddedTemporal(s.data_dir / "temporal", s.upc_temporal_port,
                                s.upc_temporal_ui_port, s.temporal_namespace)

    def start(self) -> float:
        started = time.monotonic()
        s = self.settings
        database_url = s.database_url
        if not database_url:
            self.postgres = EmbeddedPostgres(s.data_dir / "pg")
            database_url = self._start_postgres()
        if not self.temporal_address:
            self.temporal = self._embedded_temporal()
            self.temporal_address = self._start_temporal(wait=False)
        database_url = bootstrap.serve_database(s, database_url, embedded=bool(self.postgres))
        if self.temporal:
            self.temporal.wait_ready()
        preflight.check_temporal(self.temporal_address, s.temporal_namespace)
        logs = s.data_dir / "logs"
        logs.mkdir(exist_ok=True)
        env = {**os.environ, "DATABASE_URL": database_url,
               "TEMPORAL_ADDRESS": self.temporal_address, "UPC_DATA_DIR": str(s.data_dir),
               "UPC_MASTER_KEY": s.upc_master_key or master_key_file(s.data_dir)}
        if not s.upc_smtp_url:
            self.outbox = Outbox(s.data_dir / "outbox", port=s.upc_smtp_sink_port or None).start()
            env["UPC_SMTP_URL"] = self.outbox.url
            (s.data_dir / SINK_FILE).write_text(self.outbox.url)
        for name in PARTS:
            child = Child(name, env, logs / f"{name}.log", s.data_dir)
            child.start()
            self.children.append(child)
        self._wait_for_api()
        return time.monotonic() - started

    def _start_postgres(self) -> str:
        assert self.postgres is not None
        url = self.postgres.start()
        assert self.postgres.process is not None
        processes.record(self.settings.data_dir, "postgresql", self.postgres.process.pid)
        return url

    def _start_temporal(self, wait: bool = True) -> str:
        from workflows.temporal import SEARCH_ATTRIBUTES

        assert self.temporal is not None
        address = self.temporal.start(SEARCH_ATTRIBUTES)
        assert self.temporal.process is not None
        processes.record(self.settings.data_dir, "temporal", self.temporal.process.pid)
        if wait:
            self.temporal.wait_ready()
        return address

    def _wait_for_api(self, timeout: float = 90.0) -> None:
        """Until ``/readyz`` is 200: PostgreSQL, Temporal, every view and runner answer."""
        base = f"http://{self.settings.upc_host}:{self.settings.upc_port}"
        deadline = time.monotonic() + timeout
        reason = "the API did not answer"
        while time.monotonic() < deadline and not self.stopping.is_set():
            for child in self.children:
                if child.exit_code() is not None:
                    raise SettingError(f"the {child.name} exited at start; see {child.log_path}")
            try:
                with urllib.request.urlopen(f"{base}/readyz", timeout=5) as response:
                    if response.status == 200:
                        return
            except urllib.error.HTTPError as exc:
                reason = _detail(exc)
            except OSError:
                pass
            time.sleep(0.2)
        if self.stopping.is_set():
            return
        raise SettingError(f"upc was not ready in {timeout:.0f}s: {reason}")

    def watch(self) -> int:
        """Restart what dies; give up (exit 1) if one keeps dying."""
        while not self.stopping.wait(0.5):
            if self.postgres and not self.postgres.alive() and not self._restart_server(
                    "postgresql", self.postgres, self._start_postgres, NEEDS_POSTGRES):
                return 1
            if self.temporal and not self.temporal.alive() and not self._restart_server(
                    "temporal", self.temporal, self._start_temporal, NEEDS_TEMPORAL):
                return 1
            for child in self.children:
                code = child.exit_code()
                if code is None:
                    continue
                if not child.budget.spend():
                    log.error("%s keeps exiting (code %s); stopping; see %s",
                              child.name, code, child.log_path)
                    return 1
                log.warning("%s exited with code %s; restarting it", child.name, code)
                child.start()
        return 0

    def _restart_server(self, name: str, server: EmbeddedPostgres | EmbeddedTemporal,
                        start: Callable[[], str], dependents: Sequence[str]) -> bool:
        began = time.monotonic()
        code = server.process.returncode if server.process is not None else None
        if not self.server_budgets[name].spend():
            log.error("embedded %s keeps exiting (code %s); stopping", name, code)
            return False
        log.warning("embedded %s exited (code %s); restarting it, then %s", name, code,
                    ", ".join(dependents))
        try:
            start()
        except EmbeddedError as exc:
            log.error("embedded %s did not restart: %s", name, exc)
            return True  # the next pass tries again, within the budget
        restarted = [child for child in self.children if child.name in dependents]
        for child in restarted:
            child.signal_stop()
        deadline = time.monotonic() + 0.5  # its server died under it: nothing to finish
        for child in restarted:
            child.wait_stopped(deadline)
        for child in restarted:
            child.start()
        log.warning("embedded %s is back in %.1fs", name, time.monotonic() - began)
        return True

    def stop(self) -> float:
        """API first (it drains its requests), then the other parts at once, then Temporal,
        then PostgreSQL; whatever does not stop in its few seconds is killed."""
        started = time.monotonic()
        self.stopping.set()
        for child in self.children:
            if child.name == "api":
                child.stop()
        others = [child for child in self.children if child.name != "api"]
        for child in others:
            child.signal_stop()
        deadline = time.monotonic() + STOP_SECONDS
        for child in others:
            child.wait_stopped(deadline)
        if self.outbox:
            self.outbox.stop()
        if self.temporal:
            self.temporal.stop()
        if self.postgres:
            self.postgres.stop()
        processes.forget(self.settings.data_dir)
        self.lock.release()
        return time.monotonic() - started

    def banner(self, seconds: float) -> str:
        from upc.hints import api_base, upc_command

        s = self.settings
        base = api_base(s)
        temporal_ui = (f"http://127.0.0.1:{s.upc_temporal_ui_port}" if self.temporal
                       else f"(your Temporal at {s.temporal_address})")
        return "\n".join([
            f"upc is ready in {seconds:.1f}s",
            f"  Pages      {base}/   (sign in as any user and role)",
            f"  API        {base}/api/v1   (docs {base}/docs)",
            f"  Temporal   {temporal_ui}",
            f"  Data       {s.data_dir}" + ("" if self.postgres else "  (PostgreSQL: DATABASE_URL)"),
            f"  Logs       {s.data_dir / 'logs'}",
            *([f"  Outbox     {self.outbox.folder}  (letters sent by email)"] if self.outbox
              else []),
            f"  Token      {upc_command()} token --user alice --role caseworker",
            "  Stop       Ctrl-C",
        ])


def _detail(error: urllib.error.HTTPError) -> str:
    try:
        return str(json.loads(error.read()).get("detail") or error.reason)
    except (ValueError, OSError, AttributeError):
        return str(error.reason)


def serve(settings: Settings) -> int:
    supervisor = Supervisor(settings)

    def _on_signal(signum: int, _frame: object) -> None:
        supervisor.stopping.set()

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    try:
        supervisor.preflight()  # one line, and nothing started, before anything else
    except BaseException:
        supervisor.lock.release()
        raise
    code = 0
    ready = False
    try:
        seconds = supervisor.start()
        ready = True
        print(supervisor.banner(seconds), flush=True)
        code = supervisor.watch()
    finally:
        took = supervisor.stop()
        if ready:
            print(f"upc stopped in {took:.1f}s", flush=True)
    return code
