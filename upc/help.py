"""The command line's help: what each command does and the settings it reads, with their
defaults, from ``upc.settings.Settings`` (so the help cannot drift from what is read)."""

from __future__ import annotations

import textwrap

from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from upc.settings import Settings

OVERVIEW = """\
upc runs the Unreasonably Persistent Contact / Unreasonable Behaviour case service.

Start here: `upc serve` runs everything on one machine (it starts an embedded PostgreSQL
and Temporal unless DATABASE_URL and TEMPORAL_ADDRESS are set), `upc token` prints a
bearer token for the API, `upc demo` seeds demo cases beside a running `upc serve`.
In production run `upc api`, `upc worker`, `upc launcher` and `upc projections` as
separate processes against your own PostgreSQL and Temporal.

Every command reads its settings from the environment (`upc COMMAND --help` lists the
ones it reads). A bad setting stops the command with one line naming it and exit 2."""

# Settings every command reads.
COMMON = ("upc_data_dir", "upc_log_level")
DATABASE = ("database_url", "upc_owner_database_url")
TEMPORAL = ("temporal_address", "temporal_namespace", "temporal_task_queue")
KEYS = ("upc_master_key",)
OIDC = ("upc_oidc_issuer", "upc_oidc_audience", "upc_oidc_jwks_url", "upc_oidc_role_claim",
        "upc_oidc_algorithms", "upc_oidc_client_id", "upc_oidc_client_secret",
        "upc_oidc_scopes")
API = ("upc_host", "upc_port", "upc_token_secret", "upc_max_body_bytes",
       "upc_readiness_max_lag", *OIDC)

READS: dict[str, tuple[str, ...]] = {
    "serve": (*DATABASE, *TEMPORAL, "upc_temporal_port", "upc_temporal_ui_port", *KEYS, *API),
    "api": (*DATABASE, "upc_api_workers", *KEYS, *API, "temporal_address",
            "temporal_namespace"),
    "worker": (*DATABASE, *TEMPORAL, *KEYS),
    "launcher": (*DATABASE, *TEMPORAL, *KEYS),
    "projections": DATABASE,
    "migrate": DATABASE,
    "token": ("upc_token_secret", "upc_oidc_issuer"),
    "demo": (*DATABASE, *KEYS, "upc_host", "upc_port"),
    "rebuild": DATABASE,
    "reconcile": (*DATABASE, *TEMPORAL, "upc_temporal_port", *KEYS),
    "bench": (*DATABASE, *KEYS),
}

DETAILS: dict[str, str] = {
    "serve": """\
Runs the API, the Temporal worker, the workflow launcher and the projection runner, and
starts an embedded PostgreSQL (data in $UPC_DATA_DIR/pg) when DATABASE_URL is unset and an
embedded Temporal dev server (SQLite in $UPC_DATA_DIR/temporal) when TEMPORAL_ADDRESS is
unset. Prints the API's address, the token command and where the logs are once ready.
Ctrl-C or SIGTERM stops everything, in order, within seconds. One `upc serve` per data
directory. Change the ports with UPC_PORT, UPC_TEMPORAL_PORT and UPC_TEMPORAL_UI_PORT.""",
    "token": """\
Prints a development bearer token (a JWT signed with UPC_TOKEN_SECRET, else with the key
kept in $UPC_DATA_DIR/token-secret, created on first use). The API started by `upc serve`
accepts it only when both use the same key: run `upc token` with the same UPC_DATA_DIR
(from the same directory) as `upc serve`. Refused when UPC_OIDC_ISSUER is set (the API
then accepts only your issuer's tokens).

Example: TOKEN=$(.venv/bin/upc token --user maya --role manager)""",
    "demo": """\
Seeds fourteen invented demo cases at every stage of the lifecycle (concern, warnings,
restrictions, appeals, reviews due, lifted, closed) through the application service, beside
a running `upc serve` (the same UPC_DATA_DIR, or the same DATABASE_URL). Safe to run twice.""",
}


def _default(info: FieldInfo) -> str:
    if info.default is PydanticUndefined or info.default in (None, ""):
        return "unset"
    return str(info.default)


def settings_text(command: str) -> str:
    """The settings ``command`` reads: name, default and meaning, one per line."""
    names = [*READS.get(command, ()), *COMMON]
    fields = Settings.model_fields
    lines = ["settings read (environment variables):"]
    for name in dict.fromkeys(names):
        info = fields.get(name)
        if info is None:
            continue
        text = f"  {name.upper():<24} {info.description or ''} (default: {_default(info)})"
        lines.extend(textwrap.wrap(text, width=92, subsequent_indent=" " * 27))
    return "\n".join(lines)


def description(command: str, summary: str) -> str:
    detail = DETAILS.get(command)
    return f"{summary[:1].upper()}{summary[1:]}." + (f"\n\n{detail}" if detail else "")
