"""One typed settings object, read from the environment."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from pydantic import Field, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class SettingError(ValueError):
    """A setting is present but unusable; the message names the setting."""


MIN_SECRET_BYTES = 32
#: Words of the placeholders that documentation and examples ship with.
PLACEHOLDER_WORDS = ("change-me", "changeme", "change_me", "change-this", "replace-me",
                     "placeholder", "example", "your-secret", "secret-here", "insecure")


def weak_secret(value: str) -> str | None:
    """Why ``value`` is no secret (a placeholder, too short, too repetitive), else None."""
    lowered = value.lower()
    if any(word in lowered for word in PLACEHOLDER_WORDS):
        return "is a placeholder"
    if len(value.encode()) < MIN_SECRET_BYTES:
        return f"is shorter than {MIN_SECRET_BYTES} bytes"
    if len(set(value)) < 8:
        return "is too repetitive to be random"
    return None


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore", frozen=True)

    database_url: str | None = Field(
        default=None, description="PostgreSQL URL; unset: `upc serve` starts an embedded server")
    upc_owner_database_url: str | None = Field(
        default=None, description="PostgreSQL URL of the schema's owner, for `upc migrate`; "
        "unset: DATABASE_URL")
    temporal_address: str | None = Field(
        default=None, description="host:port of Temporal; unset: `upc serve` starts a dev server")
    temporal_namespace: str = Field(default="default", description="Temporal namespace")
    temporal_task_queue: str = Field(default="upc", description="Temporal task queue")
    upc_data_dir: Path = Field(default=Path(".upc"), description="embedded data directory")
    upc_host: str = Field(default="127.0.0.1", description="API bind address")
    upc_port: int = Field(default=8000, ge=1, le=65535, description="API port")
    upc_temporal_port: int = Field(
        default=7233, ge=1, le=65535, description="embedded Temporal gRPC port")
    upc_temporal_ui_port: int = Field(
        default=8233, ge=1, le=65535, description="embedded Temporal Web UI port")
    upc_api_workers: int = Field(default=1, ge=1, le=64, description="API worker processes")
    upc_token_secret: str | None = Field(
        default=None, description="HS256 key for development tokens; default: a file in the data dir")
    upc_master_key: str | None = Field(
        default=None, description="base64 of 32 bytes wrapping every per-person key; "
        "`upc serve` keeps a random one in the data dir when unset")
    upc_master_key_previous: str | None = Field(
        default=None, description="during a rotation: the old master key(s), comma-separated")
    upc_codec_origins: str | None = Field(
        default=None, description="origins (comma-separated) of the Temporal UI allowed to call "
        "/codec/; default: the embedded UI")
    upc_smtp_url: str | None = Field(
        default=None, description="SMTP server for notices, smtp://[user:password@]host:port "
        "(STARTTLS when offered) or smtps://; unset: `upc serve` starts a local sink that "
        "writes every message to $UPC_DATA_DIR/outbox")
    upc_smtp_sender: str = Field(
        default="notices@upc.invalid", description="From address of notices sent by email")
    upc_smtp_sink_port: int = Field(
        default=0, ge=0, le=65535, description="port of the embedded SMTP sink; 0: a free "
        "one, written to $UPC_DATA_DIR/smtp-sink for `upc demo`")
    upc_oidc_issuer: str | None = Field(
        default=None, description="OIDC issuer; set: tokens are validated against its JWKS only")
    upc_oidc_audience: str | None = Field(
        default=None, description="audience the API expects in OIDC tokens (`aud`)")
    upc_oidc_jwks_url: str | None = Field(
        default=None, description="JWKS URL; default: <issuer>/.well-known/jwks.json")
    upc_oidc_role_claim: str = Field(
        default="role", description="claim (dotted path) holding the upc role")
    upc_oidc_algorithms: str = Field(
        default="RS256", description="comma-separated asymmetric algorithms accepted")
    upc_oidc_client_id: str = Field(
        default="upc-web", description="the web pages' OIDC client id (authorization code + PKCE)")
    upc_oidc_client_secret: str | None = Field(
        default=None, description="the web pages' OIDC client secret, if the issuer wants one")
    upc_oidc_scopes: str = Field(
        default="openid", description="scopes the web pages ask the issuer for")
    upc_max_body_bytes: int = Field(
        default=65536, ge=1024, description="largest request body the API accepts")
    upc_readiness_max_lag: int = Field(
        default=1000, ge=0, description="events a projection may lag before /readyz is 503")
    upc_log_level: str = Field(default="info", description="log level")

    @field_validator("database_url", "upc_owner_database_url")
    @classmethod
    def _check_database_url(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("postgresql", "postgres"):
            raise ValueError("must start with postgresql://")
        query = parse_qs(parts.query)
        if not (parts.hostname or query.get("host")):
            raise ValueError("must name a host (or a socket directory with ?host=)")
        if not parts.path.strip("/"):
            raise ValueError("must name a database, e.g. postgresql://user@host:5432/upc")
        try:
            parts.port  # noqa: B018 - raises on a non-numeric port
        except ValueError:
            raise ValueError("has an invalid port") from None
        return value

    @field_validator("upc_token_secret")
    @classmethod
    def _check_token_secret(cls, value: str | None, info: ValidationInfo) -> str | None:
        """Outside embedded mode (``DATABASE_URL`` set) a token secret must be a real one."""
        if value in (None, ""):
            return None
        if info.data.get("database_url") and (reason := weak_secret(value)):
            raise ValueError(f"{reason}; outside embedded mode set it to at least "
                             f"{MIN_SECRET_BYTES} random bytes (e.g. `openssl rand -base64 48`) "
                             "or use UPC_OIDC_ISSUER")
        return value

    @field_validator("temporal_address")
    @classmethod
    def _check_temporal_address(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        host, sep, port = value.rpartition(":")
        if not sep or not host or not port.isdigit():
            raise ValueError("must be host:port, e.g. 127.0.0.1:7233")
        return value

    @cached_property
    def data_dir(self) -> Path:
        return self.upc_data_dir.expanduser().resolve()


def load_settings() -> Settings:
    """Read settings, turning validation errors into one line naming the setting."""
    from pydantic import ValidationError

    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "settings"
        raise SettingError(f"{name}: {first['msg'].removeprefix('Value error, ')}") from None


def eventsourcing_env(database_url: str, schema: str = "") -> dict[str, str]:
    """The eventsourcing PostgreSQL settings derived from one ``DATABASE_URL``."""
    parts = urlsplit(database_url)
    query = parse_qs(parts.query)
    host = parts.hostname or query.get("host", [""])[0]
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": unquote(parts.path.lstrip("/")),
        "POSTGRES_HOST": unquote(host),
        "POSTGRES_PORT": str(parts.port or query.get("port", ["5432"])[0]),
        "POSTGRES_USER": unquote(parts.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(parts.password or ""),
        "POSTGRES_CONNECT_TIMEOUT": "5",
        "POSTGRES_POOL_SIZE": "5",
        "POSTGRES_MAX_OVERFLOW": "10",
        "POSTGRES_LOCK_TIMEOUT": "5",
    }
    if schema:
        env["POSTGRES_SCHEMA"] = schema
    return env


def psycopg_conninfo(database_url: str) -> str:
    """A libpq connection string (handles ``?host=/socket/dir`` URLs too)."""
    return database_url.replace("postgres://", "postgresql://", 1)
