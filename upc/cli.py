"""The ``upc`` command line. Errors are one line on stderr and a non-zero exit."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Callable, Sequence

from upc.settings import SettingError, Settings, load_settings


def _serve(settings: Settings, _: argparse.Namespace) -> int:
    from upc.supervisor import serve

    return serve(settings)


def _api(settings: Settings, _: argparse.Namespace) -> int:
    import uvicorn

    from upc import bootstrap, preflight

    database_url = bootstrap.require_database_url(settings)
    preflight.check_port_free("UPC_PORT", settings.upc_host, settings.upc_port)
    bootstrap.prepare(database_url, settings.upc_owner_database_url)
    uvicorn.run("upc.asgi:app", host=settings.upc_host, port=settings.upc_port,
                workers=settings.upc_api_workers, log_level=settings.upc_log_level,
                access_log=False, timeout_graceful_shutdown=5)
    return 0


def _stopping_on_signals() -> asyncio.Event:
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopping.set)
    return stopping


def _temporal_part(settings: Settings,
                   body: Callable[..., object]) -> int:
    from upc import bootstrap
    from workflows.temporal import connect

    database_url = bootstrap.require_database_url(settings)
    if not settings.temporal_address:
        raise SettingError("TEMPORAL_ADDRESS: not set (only `upc serve` starts an embedded Temporal)")
    bootstrap.prepare(database_url, settings.upc_owner_database_url)

    async def main() -> None:
        stopping = _stopping_on_signals()
        client = await connect(settings.temporal_address or "", settings.temporal_namespace)
        app = bootstrap.case_service(database_url)
        try:
            await body(client, app, database_url, stopping)  # type: ignore[misc]
        finally:
            app.close()

    asyncio.run(main())
    return 0


def _worker(settings: Settings, _: argparse.Namespace) -> int:
    from upc.reconcile import daily_activity
    from workflows.worker import run_worker

    async def body(client, app, url, stopping):  # type: ignore[no-untyped-def]
        await run_worker(client, app, stopping, settings.temporal_task_queue,
                         reconcile_activity=daily_activity(url, settings.temporal_task_queue,
                                                           app))

    return _temporal_part(settings, body)


def _launcher(settings: Settings, _: argparse.Namespace) -> int:
    from upc.settings import eventsourcing_env
    from workflows.launcher import Launcher, tracking_recorder

    async def body(client, app, url, stopping):  # type: ignore[no-untyped-def]
        tracking = tracking_recorder({**eventsourcing_env(url), "CREATE_TABLE": "false"})
        await Launcher(app, tracking, client,
                       task_queue=settings.temporal_task_queue).run(stopping)

    return _temporal_part(settings, body)


def _projections(settings: Settings, _: argparse.Namespace) -> int:
    import threading

    from projections.runner import ProjectionRunner
    from upc import bootstrap
    from upc.settings import psycopg_conninfo

    database_url = bootstrap.require_database_url(settings)
    bootstrap.prepare(database_url, settings.upc_owner_database_url)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    app = bootstrap.case_service(database_url)
    runner = ProjectionRunner(app, bootstrap.views(database_url), psycopg_conninfo(database_url))
    runner.start()
    try:
        stop.wait()
    finally:
        runner.stop()
        app.close()
    return 0


def _token(settings: Settings, args: argparse.Namespace) -> int:
    from upc.dev_token import print_token

    return print_token(settings, args.user, args.role, args.hours)


def _demo(settings: Settings, _: argparse.Namespace) -> int:
    from upc.demo import run

    return run(settings)


def _rebuild(settings: Settings, args: argparse.Namespace) -> int:
    from projections.rebuild import rebuild
    from upc import bootstrap
    from upc.settings import eventsourcing_env

    database_url = bootstrap.owner_url(settings)  # drops and creates tables: the owner
    bootstrap.migrate(database_url, settings.database_url)
    app = bootstrap.case_service(database_url)
    try:
        counts = rebuild(app, eventsourcing_env(database_url), args.views)
    except KeyError as exc:
        raise SettingError(str(exc.args[0])) from None
    finally:
        app.close()
    for name, count in counts.items():
        print(f"{name}: rebuilt from {count} events")
    return 0


def _migrate(settings: Settings, _: argparse.Namespace) -> int:
    from upc import bootstrap, roles

    owner = bootstrap.owner_url(settings)
    bootstrap.migrate(owner, settings.database_url)
    service = roles.user_of(settings.database_url) if settings.database_url else None
    granted = (f"; granted {service} its share" if service and service != roles.user_of(owner)
               else "")
    print(f"upc: schema {bootstrap.schema_fingerprint()} migrated as "
          f"{roles.user_of(owner)}{granted}")
    return 0


def _reconcile(settings: Settings, args: argparse.Namespace) -> int:
    from upc import bootstrap
    from upc.reconcile import reconcile, table
    from workflows.temporal import connect

    database_url = bootstrap.require_database_url(settings)  # or beside `upc serve`
    owner = (settings.upc_owner_database_url or database_url) if args.repair else None
    bootstrap.prepare(database_url, settings.upc_owner_database_url)
    address = settings.temporal_address or f"127.0.0.1:{settings.upc_temporal_port}"

    async def main() -> int:
        client = await connect(address, settings.temporal_namespace)
        result = await reconcile(database_url, client, settings.temporal_task_queue,
                                 repair_clocks=args.repair, owner_url=owner)
        print(table(result))
        return 1 if result.unrepaired else 0

    return asyncio.run(main())


def _keys(settings: Settings, args: argparse.Namespace) -> int:
    import os

    from upc import bootstrap
    from upc.keystore import PostgresKeyStore, RotationError, generate_master_key
    from upc.settings import eventsourcing_env

    if args.action == "new":
        print(generate_master_key())
        return 0
    if not settings.upc_master_key:
        raise SettingError("UPC_MASTER_KEY: set it to the new master key (`upc keys new` "
                           "prints one)")
    if not os.environ.get("UPC_MASTER_KEY_PREVIOUS", "").strip():
        raise SettingError("UPC_MASTER_KEY_PREVIOUS: set it to the master key the keys are "
                           "wrapped with now (comma-separated if more than one)")
    database_url = bootstrap.require_database_url(settings)
    bootstrap.prepare(database_url, settings.upc_owner_database_url)
    try:
        store = PostgresKeyStore.from_env(
            {**os.environ, **eventsourcing_env(database_url), "CREATE_TABLE": "false",
             "UPC_KEY_CACHE_SECONDS": "0"})
    except ValueError as exc:
        raise SettingError(str(exc)) from None
    try:
        done = store.rotate()
    except RotationError as exc:
        raise SettingError(f"{exc}; nothing was changed") from None
    finally:
        store.close()
    print(f"upc: re-wrapped {done.rewrapped} keys under the new master key ({done.already} "
          f"already were, {done.erased} erased); UPC_MASTER_KEY alone now opens every key")
    return 0


def _backup(settings: Settings, args: argparse.Namespace) -> int:
    from pathlib import Path

    from upc.backup import backup, read_manifest

    target = backup(settings, Path(args.directory))
    manifest = read_manifest(target)
    tables = ", ".join(f"{t} {n}" for t, n in manifest["tables"].items())
    extra = " + Temporal's SQLite" if manifest.get("temporal") else ""
    key = (" + the master key (keep this backup as safe as the data directory)"
           if manifest.get("master_key") else "; the master key is NOT in it: keep "
           "UPC_MASTER_KEY in your secret store")
    print(f"upc: backed up {tables}{extra}{key} to {target}")
    return 0


def _restore(settings: Settings, args: argparse.Namespace) -> int:
    from pathlib import Path

    from upc.backup import restore

    restored = restore(settings, Path(args.directory))
    where = "DATABASE_URL" if settings.database_url else str(settings.data_dir)
    print(f"upc: restored {', '.join(f'{t} {n}' for t, n in restored.items())} into {where}; "
          "the views rebuild when the parts start; then run `upc reconcile --repair`")
    return 0


def _bench(settings: Settings, args: argparse.Namespace) -> int:
    import importlib.util
    from pathlib import Path

    if args.suite == "projections":
        path = Path(__file__).resolve().parents[1] / "bench" / "projections_bench.py"
        if not path.exists():
            raise SettingError(f"upc bench runs from a clone of the repository ({path} is missing)")
        spec = importlib.util.spec_from_file_location("projections_bench", path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return int(module.main(settings, args))
    name = {"launcher": "launcher_bench", "all": "suite"}.get(args.suite, "api_bench")
    path = Path(__file__).resolve().parents[1] / "bench" / f"{name}.py"
    if not path.exists():
        raise SettingError(f"upc bench runs from a clone of the repository ({path} is missing)")
    sys.path.insert(0, str(path.parents[1]))
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if args.suite == "launcher":
        return int(module.main(["--warnings", str(args.warnings),
                                "--decisions", str(args.decisions)]))
    if args.suite == "all":
        return int(module.main(["--quick"] * args.quick + ["--smoke"] * args.smoke))
    return int(module.main(["--workers", args.workers, "--seconds", str(args.seconds),
                            "--concurrency", args.concurrency]))


COMMANDS: dict[str, tuple[str, Callable[[Settings, argparse.Namespace], int]]] = {
    "serve": ("run everything: embedded PostgreSQL and Temporal where unset, then all parts",
              _serve),
    "api": ("run the HTTP API alone (needs DATABASE_URL)", _api),
    "worker": ("run the Temporal worker alone (needs DATABASE_URL, TEMPORAL_ADDRESS)", _worker),
    "launcher": ("run the workflow launcher alone (needs DATABASE_URL, TEMPORAL_ADDRESS)",
                 _launcher),
    "projections": ("run the projection runner alone (needs DATABASE_URL)", _projections),
    "migrate": (("create or upgrade the schema as its owner (UPC_OWNER_DATABASE_URL, else "
                 "DATABASE_URL) and grant the service role in DATABASE_URL its share"),
                _migrate),
    "token": ("print a development bearer token", _token),
    "keys": ("`upc keys rotate`: re-wrap every per-person key under UPC_MASTER_KEY (the old "
             "key in UPC_MASTER_KEY_PREVIOUS); `upc keys new`: print a new master key", _keys),
    "bench": ("measure the API against a raw psycopg floor (`upc bench`), the projections "
              "(`upc bench projections`), the launcher (`upc bench launcher`) or everything "
              "with plots (`upc bench all [--quick]`)", _bench),
    "rebuild": ("drop and rebuild one or all views from the event store", _rebuild),
    "reconcile": ("compare the event store with the views and with Temporal's clocks; print "
                  "the drift (exit 1 when any is left); --repair rebuilds views, starts or "
                  "signals workflows", _reconcile),
    "backup": ("back up the event store, key store and access log (pg_dump), and in embedded "
               "mode Temporal's SQLite and the master key, into a new directory", _backup),
    "restore": ("restore a backup into an empty DATABASE_URL or, unset, an empty UPC_DATA_DIR",
                _restore),
    "demo": ("seed fourteen demo cases at every stage (beside `upc serve`)", _demo),
}


def parser() -> argparse.ArgumentParser:
    from upc import help

    raw = argparse.RawDescriptionHelpFormatter
    root = argparse.ArgumentParser(prog="upc", description=help.OVERVIEW, formatter_class=raw,
                                   epilog="`upc COMMAND --help` says what a command does, "
                                          "its options and the settings it reads.")
    sub = root.add_subparsers(dest="command", required=True, metavar="COMMAND",
                              title="commands")
    for name, (help_text, _) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, formatter_class=raw,
                           description=help.description(name, help_text),
                           epilog=help.settings_text(name))
        if name == "token":
            p.add_argument("--user", required=True, help="user id (the token's subject)")
            p.add_argument("--role", required=True, help="caseworker, manager, senior_manager, "
                           "auditor, committee or admin")
            p.add_argument("--hours", type=float, default=8.0,
                           help="lifetime in hours, more than 0 (default 8)")
        if name == "bench":
            p.add_argument("--workers", default="2", help="API worker counts (default 2)")
            p.add_argument("--seconds", type=float, default=8.0, help="per measurement")
            p.add_argument("--concurrency", default="16",
                           help="api: wrk connections, comma separated (default 16)")
            p.add_argument("suite", nargs="?", default="api",
                           choices=["api", "projections", "launcher", "all"],
                           help="what to measure (default api; all: the whole suite, one "
                                "JSON and PNG plots)")
            p.add_argument("--quick", action="store_true",
                           help="all: about two minutes")
            p.add_argument("--smoke", action="store_true",
                           help="all: a few seconds, proves the suite runs (CI)")
            p.add_argument("--warnings", type=int, default=300,
                           help="launcher: warnings to launch (each starts two workflows)")
            p.add_argument("--decisions", type=int, default=20,
                           help="launcher: decisions timed from event to workflow")
            p.add_argument("--cases", type=int, default=100_000,
                           help="projections: cases to seed (default 100000)")
            p.add_argument("--events-per-case", type=int, default=20,
                           help="projections: average events per case (default 20)")
        if name in ("backup", "restore"):
            p.add_argument("directory", help="the backup directory (backup: a new one)")
        if name == "keys":
            p.add_argument("action", choices=["rotate", "new"], help="rotate or new")
        if name == "reconcile":
            p.add_argument("--repair", action="store_true",
                           help="rebuild drifting views (as the owner) and start or signal "
                                "missing or wrong clock workflows")
        if name == "rebuild":
            p.add_argument("views", nargs="*", metavar="VIEW",
                           help="case_view, contact_rules, case_timeline (default: all)")
    return root


def _metrics_directory(command: str) -> None:
    """Prometheus multiprocess mode for the long-running parts: one fresh directory per
    ``upc serve`` or standalone part, inherited by its children (API workers, serve's parts),
    set before anything imports prometheus_client."""
    import os
    import tempfile

    if command in ("serve", "api", "worker", "launcher", "projections") and not os.environ.get(
            "PROMETHEUS_MULTIPROC_DIR"):
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="upc-metrics-")


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    from upc import telemetry

    telemetry.setup_logging()
    _metrics_directory(args.command)
    telemetry.setup_tracing(args.command)
    try:
        settings = load_settings()
        logging.getLogger().setLevel(settings.upc_log_level.upper())
        return COMMANDS[args.command][1](settings, args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - one line, no traceback
        from upc.embedded import EmbeddedError
        from workflows.temporal import TemporalUnavailable

        if isinstance(exc, SettingError | EmbeddedError | TemporalUnavailable):
            print(f"upc: {exc}", file=sys.stderr)
            return 2
        raise
