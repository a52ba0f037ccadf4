"""Outside embedded mode (DATABASE_URL set) a placeholder or weak UPC_TOKEN_SECRET is refused
in one line naming the setting, with a non-zero exit; embedded, any secret will do."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from upc.settings import SettingError, load_settings, weak_secret

PLACEHOLDER = "change-me-to-a-long-random-secret-of-48-characters"  # the old compose file's


@pytest.mark.parametrize("secret, reason", [
    (PLACEHOLDER, "is a placeholder"),
    ("s3cret", "is shorter than 32 bytes"),
    ("ab" * 24, "is too repetitive to be random"),
])
def test_a_weak_secret_is_refused_outside_embedded_mode(
        monkeypatch: pytest.MonkeyPatch, secret: str, reason: str) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://upc@db.internal:5432/upc")
    monkeypatch.setenv("UPC_TOKEN_SECRET", secret)
    with pytest.raises(SettingError, match=f"^UPC_TOKEN_SECRET: {reason}; "):
        load_settings()


def test_a_real_secret_and_the_embedded_mode_are_accepted(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UPC_TOKEN_SECRET", PLACEHOLDER)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert load_settings().upc_token_secret == PLACEHOLDER  # embedded: a developer's machine
    monkeypatch.setenv("DATABASE_URL", "postgresql://upc@db.internal:5432/upc")
    monkeypatch.setenv("UPC_TOKEN_SECRET", "Zq8vR1xN4pL7sT0wY3bE6hJ9kM2cF5gA")
    assert weak_secret("Zq8vR1xN4pL7sT0wY3bE6hJ9kM2cF5gA") is None
    assert load_settings().upc_token_secret is not None


def test_the_service_refuses_the_placeholder_in_one_line() -> None:
    env = {**os.environ, "DATABASE_URL": "postgresql://upc@127.0.0.1:1/upc",
           "UPC_TOKEN_SECRET": PLACEHOLDER}
    result = subprocess.run([sys.executable, "-m", "upc", "api"], env=env, capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [(
        "upc: UPC_TOKEN_SECRET: is a placeholder; outside embedded mode set it to at least 32 "
        "random bytes (e.g. `openssl rand -base64 48`) or use UPC_OIDC_ISSUER")]
