"""The fault suite: `upc serve` under a bounded write load, every process killed (-9) in turn.

Load: 10 contacts a second over three cases, each request with its own Idempotency-Key and
retried with that key until it is acknowledged. Killed in turn: the API, the worker, the
launcher, the projection runner, PostgreSQL, the Temporal server, then the supervisor itself
(and a second `upc serve` started on the same data directory). After each kill a warning that
is already due to lapse is seeded, so each recovery is timed end to end: a write acknowledged,
the case view showing it, and a due clock fired. At the end every acknowledged contact is in
the event store exactly once, the views agree, every due clock fired exactly once, and no
process or lock is left behind. Recovery times are printed (run with -s to read them).
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import psutil
import pytest

from domain.application import CaseService
from tests.e2e.test_serve import Served, run_upc, serve_env, token
from upc.demo import Clock, Seeding
from upc.embedded import find_database_url
from upc.preflight import free_port
from upc.settings import eventsourcing_env

pytestmark = pytest.mark.e2e

CASES = 3
RATE = 10  # contacts a second
LAPSED = "upc.case:Case.WarningLapsed"
BASE_TIME = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@dataclass
class Load:
    """One writer: a contact every 1/RATE s, each retried with its key until acknowledged."""

    base: str
    headers: dict[str, str]
    case_ids: list[str]
    acked: dict[int, tuple[str, int]] = field(default_factory=dict)  # n -> (case, position)
    refused: list[str] = field(default_factory=list)
    ack_times: list[float] = field(default_factory=list)
    last: str = ""
    stopping: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None

    def start(self) -> None:
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        assert self.thread is not None
        self.thread.join(60)
        assert not self.thread.is_alive(), "the last write was never acknowledged"

    def acks_since(self, moment: float) -> int:
        return sum(1 for t in self.ack_times if t > moment)

    def _run(self) -> None:
        n = 0
        with httpx.Client(base_url=self.base, headers=self.headers, timeout=5) as http:
            while not self.stopping.is_set():
                began = time.monotonic()
                case_id = self.case_ids[n % len(self.case_ids)]
                body = {"channel": "phone", "direction": "inbound",
                        "occurred_at": (BASE_TIME + timedelta(seconds=n)).isoformat(),
                        "summary": f"Load contact {n}."}
                while True:  # the same key until acknowledged, even while stopping
                    try:
                        reply = http.post(f"/api/v1/cases/{case_id}/contacts", json=body,
                                          headers={"Idempotency-Key": f"load-{n}"})
                    except httpx.HTTPError as exc:
                        self.last = f"{type(exc).__name__}"
                        time.sleep(0.1)
                        continue
                    self.last = f"{reply.status_code} {reply.text[:300]}"
                    if reply.status_code == 201:
                        self.acked[n] = (case_id, int(reply.json()["position"]))
                        self.ack_times.append(time.monotonic())
                        break
                    if reply.status_code in (409, 500, 502, 503):
                        time.sleep(0.1)
                        continue
                    self.refused.append(f"{reply.status_code} {reply.text[:200]}")
                    break
                n += 1
                time.sleep(max(0.0, 1 / RATE - (time.monotonic() - began)))


class Deployment:
    """The running `upc serve`, its processes, and a seeding service beside it."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.data_dir = Path(env["UPC_DATA_DIR"])
        self.base = f"http://127.0.0.1:{env['UPC_PORT']}"
        self.served = self.start()
        self.headers = {"Authorization": f"Bearer {token(env, 'manager')}"}
        self.seeded: list[UUID] = []

    def start(self) -> Served:
        served = Served(self.env)
        threading.Thread(target=_drain, args=(served,), daemon=True).start()
        return served

    def process(self, role: str) -> psutil.Process | None:
        for p in self.served.descendants():
            try:
                cmdline = p.cmdline()
                if role == "postgresql" and p.name() == "postgres" \
                        and p.ppid() == self.served.process.pid:
                    return p
                if role == "temporal" and "start-dev" in cmdline:
                    return p
                if cmdline[-3:] == ["-m", "upc", role]:
                    return p
            except psutil.Error:
                continue
        return None

    def service(self, clock: Clock | None = None) -> CaseService:
        url = find_database_url(self.data_dir)
        key = (self.data_dir / "master-key").read_text().strip()
        return CaseService(env={**eventsourcing_env(url), "CREATE_TABLE": "false",
                                "UPC_MASTER_KEY": key}, clock=clock)

    def seed_due_warning(self) -> UUID:
        """A case whose informal warning was given 300 days ago: its lapse is due now."""
        ref = f"FAULT-{len(self.seeded):02d}-{os.getpid()}"
        clock = Clock(datetime.now(UTC) - timedelta(days=300))
        while True:
            try:
                service = self.service(clock)
                break
            except Exception:  # noqa: BLE001 - PostgreSQL is restarting: try again
                time.sleep(0.1)
        try:
            seeding = Seeding(service, clock, ref).open()
            seeding.incident("abusive_or_aggressive", "Swore at the officer on the phone.")
            seeding.concern("Abusive language to staff.", ("abusive_or_aggressive",))
            seeding.informal_warning()
            self.seeded.append(seeding.case_id)
            return seeding.case_id
        finally:
            service.close()

    def lapses(self, case_id: UUID) -> int:
        service = self.service()
        try:
            return sum(1 for e in service.recorder.select_events(case_id) if e.topic == LAPSED)
        finally:
            service.close()

    def ready(self, http: httpx.Client) -> bool:
        try:
            return http.get("/readyz", timeout=4).status_code == 200
        except httpx.HTTPError:
            return False


def _drain(served: Served) -> None:
    assert served.process.stdout is not None
    for line in served.process.stdout:
        served.banner.append(line)


def wait_for(what: str, check: Callable[[], Any], timeout: float = 60,
             detail: Callable[[], str] = str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception:  # noqa: BLE001, S110 - not yet: a server is restarting
            pass
        time.sleep(0.1)
    raise AssertionError(f"not recovered in {timeout:.0f}s: {what} {detail()}")


def recover(deployment: Deployment, load: Load, http: httpx.Client, killed_at: float,
            old_pid: int | None, role: str) -> dict[str, float]:
    """Seconds from the kill until each thing works again; "all" is the last of them."""
    times: dict[str, float] = {}

    def mark(name: str) -> None:
        times[name] = time.monotonic() - killed_at

    if old_pid is not None:
        wait_for(f"{role} restarted", lambda: (p := deployment.process(role)) is not None
                 and p.pid != old_pid)
        mark("replaced")
    warning_case = deployment.seed_due_warning()
    wait_for("/readyz 200", lambda: deployment.ready(http))
    mark("ready")
    wait_for("a write acknowledged", lambda: load.acks_since(killed_at) > 0,
             detail=lambda: f"after killing {role}: last reply {load.last}")
    mark("write")
    last = max(load.acked)
    case_id, position = load.acked[last]
    wait_for("the case view shows it", lambda: http.get(
        f"/api/v1/cases/{case_id}", params={"min_position": position}).status_code == 200)
    mark("view")
    wait_for("a due clock fired", lambda: deployment.lapses(warning_case) >= 1)
    mark("clock")
    times["all"] = max(times.values())
    return times


def test_every_process_killed_in_turn_loses_nothing_and_leaves_nothing(
        serve_dir: Path) -> None:
    env = serve_env(serve_dir / "data", free_port(), free_port(), free_port())
    deployment = Deployment(env)
    first_tree = [deployment.served.process, *deployment.served.descendants()]
    recoveries: dict[str, dict[str, float]] = {}
    with httpx.Client(base_url=deployment.base, headers=deployment.headers, timeout=10) as http:
        case_ids = [http.post("/api/v1/cases", json={"customer_ref": f"LOAD-{i}"}).json()[
            "case_id"] for i in range(CASES)]
        load = Load(deployment.base, deployment.headers, case_ids)
        load.start()
        second = run_upc(["serve"], serve_env(serve_dir / "data", free_port(), free_port(),
                                              free_port()))
        assert second.returncode == 2  # a second serve on this directory, other ports
        assert second.stderr.strip().splitlines() == [(
            f"upc: UPC_DATA_DIR: {serve_dir / 'data'} is in use by a running upc serve "
            f"(pid {deployment.served.process.pid}); stop it first or choose another "
            "UPC_DATA_DIR")] and "ready" not in second.stdout
        try:
            before = deployment.seed_due_warning()
            wait_for("the first due clock fired", lambda: deployment.lapses(before) >= 1)
            for role in ("api", "worker", "launcher", "projections", "postgresql", "temporal"):
                time.sleep(1.0)  # load flows before each kill
                victim = deployment.process(role)
                assert victim is not None, f"no {role} process under upc serve"
                killed_at = time.monotonic()
                victim.kill()
                recoveries[role] = recover(deployment, load, http, killed_at, victim.pid, role)

            # The supervisor itself: its children die with it; a second serve takes over.
            time.sleep(1.0)
            tree = [deployment.served.process, *deployment.served.descendants()]
            first_tree += tree
            killed_at = time.monotonic()
            deployment.served.process.kill()
            deployment.served.process.wait(10)
            # At once, while its children may still be stopping: the new one stops them first.
            deployment.served = deployment.start()
            recoveries["supervisor"] = recover(deployment, load, http, killed_at, None,
                                               "supervisor")
            children_gone = not [p for p in tree if _running(p)]
            time.sleep(1.0)
        finally:
            load.stop()

        assert load.refused == []
        assert len(load.acked) >= 50, len(load.acked)
        # Every acknowledged write is in the event store exactly once ...
        service = deployment.service()
        try:
            for case_id in case_ids:
                recorded = [c.occurred_at for c in service.get_case(UUID(case_id))
                            .contacts.values()]
                expected = sorted(BASE_TIME + timedelta(seconds=n)
                                  for n, (case, _) in load.acked.items() if case == case_id)
                assert sorted(recorded) == expected, f"case {case_id}"
        finally:
            service.close()
        # ... the views converge on it ...
        last_position = max(position for _, position in load.acked.values())
        for case_id in case_ids:
            view = http.get(f"/api/v1/cases/{case_id}", params={"min_position": last_position})
            assert view.status_code == 200
            assert view.json()["contacts_total"] == sum(
                1 for case, _ in load.acked.values() if case == case_id)
        # ... and every due clock fired exactly once.
        for warning_case in [before, *deployment.seeded]:
            wait_for("every clock fired", lambda c=warning_case: deployment.lapses(c) >= 1)
        assert [deployment.lapses(c) for c in deployment.seeded] == [1] * len(deployment.seeded)
        orphans = [p for p in first_tree if _running(p)]
        assert orphans == [], f"left by the killed serve: {orphans}"
        # A command beside serve finds its embedded servers, and finds no drift between the
        # event store, the views and Temporal's clocks.
        reconciled = run_upc(["reconcile"], env, timeout=120)
        assert reconciled.returncode == 0, reconciled.stdout + reconciled.stderr

    second_tree = [deployment.served.process, *deployment.served.descendants()]
    stop_seconds = deployment.served.terminate()
    assert deployment.served.process.returncode == 0
    wait_for("nothing left running", lambda: not [p for p in first_tree + second_tree
                                                  if _running(p)], timeout=15)
    assert not (deployment.data_dir / "pg" / "postmaster.pid").exists()
    with open(deployment.data_dir / "upc.pid", "a+") as lock:  # the lock is not stale
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)

    print("\nseconds from kill -9 until: the process is replaced, /readyz is 200, a write is "
          "acknowledged, the case view shows it, a due clock fired")
    for role, times in recoveries.items():
        print(f"  {role:<12} " + "  ".join(f"{k} {v:5.1f}" for k, v in times.items()))
    print(f"  nothing of the killed supervisor left once the next was ready: {children_gone}; "
          f"{len(load.acked)} contacts acknowledged, each recorded once; "
          f"stopped {stop_seconds:.1f}s after SIGTERM")


def _running(process: psutil.Process | Any) -> bool:
    if not isinstance(process, psutil.Process):
        process = psutil.Process(process.pid) if psutil.pid_exists(process.pid) else None
        if process is None:
            return False
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False
