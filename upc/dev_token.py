"""``upc token``: a development bearer token, refused when it could not work, and a warning
on stderr when the API it is meant for would likely refuse it (stdout stays the token
alone, for ``TOKEN=$(upc token ...)``)."""

from __future__ import annotations

import sys

from upc.settings import SettingError, Settings


def print_token(settings: Settings, user: str, role_name: str, hours: float) -> int:
    from api.auth import issue_token, token_secret
    from domain.actors import Role

    try:
        role = Role(role_name)
    except ValueError:
        roles = ", ".join(r.value for r in Role if r is not Role.SYSTEM)
        raise SettingError(f"--role: unknown role '{role_name}'; one of: {roles}") from None
    if role is Role.SYSTEM:
        raise SettingError("--role: 'system' is reserved for the clocks")
    if settings.upc_oidc_issuer:
        raise SettingError("UPC_OIDC_ISSUER is set: the API accepts only your issuer's tokens, "
                           "so a development token would be refused")
    if not hours > 0 or hours * 3600 > 2**31:
        raise SettingError(f"--hours: {hours:g} is not a lifetime; give the hours the "
                           "token stays valid, more than 0 (e.g. --hours 8)")
    for warning in token_warnings(settings):
        print(f"upc: warning: {warning}", file=sys.stderr)
    secret = token_secret(settings.upc_token_secret, settings.data_dir)
    print(issue_token(secret, user, role, ttl_seconds=max(1, int(hours * 3600))))
    return 0


def token_warnings(settings: Settings) -> list[str]:
    """Why the API may refuse this token: no `upc serve` on this data directory, or a
    signing key about to be made afresh."""
    from upc.hints import serve_pid

    if settings.upc_token_secret:
        return []
    data_dir = settings.data_dir
    warnings = []
    if serve_pid(data_dir) is None:
        warnings.append(f"no upc serve is running on {data_dir}; its API accepts only tokens "
                        f"signed with its own data directory's key, so run upc token with "
                        f"the same UPC_DATA_DIR (or from the same directory) as upc serve")
    if not (data_dir / "token-secret").exists():
        warnings.append(f"{data_dir / 'token-secret'} did not exist: a new signing key is "
                        f"made there, and an API using another key answers 401 'Signature "
                        f"verification failed'")
    return warnings
