"""Bearer tokens: the acting user comes from the token, never from the body."""

from __future__ import annotations

import secrets
import time
from pathlib import Path
from typing import Annotated

import jwt
from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from domain.actors import Actor, Role

ISSUER = "upc-embedded"
AUDIENCE = "upc-api"
ALGORITHM = "HS256"

_bearer = HTTPBearer(auto_error=False, description="A JWT from `upc token` or your OIDC issuer")


def token_secret(configured: str | None, data_dir: Path) -> str:
    """The development signing key: configured, else a file in the data directory."""
    if configured:
        return configured
    path = data_dir / "token-secret"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    path.touch(mode=0o600)
    path.write_text(secret)
    return secret


def issue_token(secret: str, user: str, role: Role, ttl_seconds: int = 8 * 3600) -> str:
    now = int(time.time())
    claims = {"sub": user, "role": role.value, "iss": ISSUER, "aud": AUDIENCE,
              "iat": now, "nbf": now, "exp": now + ttl_seconds}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def decode_token(secret: str, token: str) -> Actor:
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], audience=AUDIENCE,
                            issuer=ISSUER, options={"require": ["exp", "nbf", "sub", "iss", "aud"]})
        return Actor(user_id=str(claims["sub"]), role=Role(claims["role"]))
    except (jwt.PyJWTError, KeyError, ValueError) as exc:
        raise HTTPException(401, f"invalid bearer token: {exc}",
                            headers={"WWW-Authenticate": "Bearer"}) from None


def current_actor(request: Request,
                  credentials: Annotated[HTTPAuthorizationCredentials | None,
                                         Depends(_bearer)]) -> Actor:
    if credentials is None:
        raise HTTPException(401, "a bearer token is required",
                            headers={"WWW-Authenticate": "Bearer"})
    return decode_token(request.app.state.token_secret, credentials.credentials)


CurrentActor = Annotated[Actor, Depends(current_actor)]
