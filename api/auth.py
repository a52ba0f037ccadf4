"""Bearer tokens: the acting user comes from the token, never from the body.

Two modes, chosen by settings:

- **embedded** (no ``UPC_OIDC_ISSUER``): HS256 tokens signed with the local key, printed by
  ``upc token``; issuer ``upc-embedded``, audience ``upc-api``.
- **OIDC** (``UPC_OIDC_ISSUER`` set): tokens signed by the issuer's keys, fetched from its JWKS
  (cached); only the configured asymmetric algorithms are accepted, so a token signed with a
  public key as an HMAC secret (algorithm confusion) or with ``none`` never passes. Embedded
  tokens are refused in this mode.

Either way ``exp``, ``nbf``, ``iss``, ``aud`` and ``sub`` are required and checked, and the
role must be exactly one of POLICY.md's roles (``system`` is reserved for the clocks).
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import jwt
from fastapi import Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from domain.actors import Actor, Role

ISSUER = "upc-embedded"
AUDIENCE = "upc-api"
ALGORITHM = "HS256"
# Asymmetric algorithms only: an HMAC algorithm with a JWKS invites algorithm confusion.
OIDC_ALLOWED_ALGORITHMS = frozenset({"RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
                                     "ES256", "ES384", "ES512", "EdDSA"})
REQUIRED_CLAIMS = ["exp", "nbf", "sub", "iss", "aud"]
LEEWAY_SECONDS = 30
# Verified tokens remembered per process (until they expire), so a client's next request
# skips the signature check; cleared when it holds this many.
VERIFIED_TOKENS_KEPT = 4096

_bearer = HTTPBearer(auto_error=False, description="A JWT from `upc token` or your OIDC issuer")


class TokenRejected(Exception):
    """The token is missing, malformed, expired, for someone else, or carries no usable role."""


class IssuerUnreachable(Exception):
    """The issuer's JWKS could not be fetched: not the caller's fault."""


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


def _claim(claims: dict[str, Any], path: str) -> Any:
    value: Any = claims
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def actor_from_claims(claims: dict[str, Any], role_claim: str = "role") -> Actor:
    raw = _claim(claims, role_claim)
    values = [raw] if isinstance(raw, str) else list(raw) if isinstance(raw, list) else []
    known = {r.value for r in Role if r is not Role.SYSTEM}
    roles = sorted({v for v in values if isinstance(v, str) and v in known})
    if len(roles) != 1:
        found = "no upc role" if not roles else f"several upc roles ({', '.join(roles)})"
        raise TokenRejected(f"the token's '{role_claim}' claim carries {found}; "
                            "it needs exactly one")
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject.strip() or len(subject) > 200:
        raise TokenRejected("the token has no usable subject")
    return Actor(user_id=subject, role=Role(roles[0]))


# A development token signed with another data directory's key: say how to get a good one.
SIGNATURE_HINT = ("its signature does not match this API's key: make the token with upc token "
                  "in the same directory (or with the same UPC_DATA_DIR or UPC_TOKEN_SECRET) "
                  "as the upc serve you are calling")


@dataclass
class Authenticator:
    """Turns a bearer token into an ``Actor``; one per app, from settings."""

    secret: str | None = None
    oidc_issuer: str | None = None
    oidc_audience: str | None = None
    oidc_algorithms: tuple[str, ...] = ("RS256",)
    role_claim: str = "role"
    jwks_client: jwt.PyJWKClient | None = None
    _verified: dict[str, tuple[float, float, Actor]] = field(default_factory=dict, repr=False)

    @classmethod
    def from_settings(cls, settings: Any) -> Authenticator:
        if not settings.upc_oidc_issuer:
            return cls(secret=token_secret(settings.upc_token_secret, settings.data_dir))
        algorithms = tuple(a.strip() for a in settings.upc_oidc_algorithms.split(",")
                           if a.strip())
        bad = [a for a in algorithms if a not in OIDC_ALLOWED_ALGORITHMS]
        if bad or not algorithms:
            raise ValueError(f"UPC_OIDC_ALGORITHMS: not allowed: {', '.join(bad) or 'empty'}")
        issuer = settings.upc_oidc_issuer.rstrip("/")
        jwks_url = settings.upc_oidc_jwks_url or f"{issuer}/.well-known/jwks.json"
        return cls(oidc_issuer=settings.upc_oidc_issuer,
                   oidc_audience=settings.upc_oidc_audience or AUDIENCE,
                   oidc_algorithms=algorithms, role_claim=settings.upc_oidc_role_claim,
                   jwks_client=jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=300,
                                               timeout=5))

    @property
    def mode(self) -> str:
        return "oidc" if self.oidc_issuer else "embedded"

    def remembered(self, token: str) -> Actor | None:
        """The actor of a token verified before and still in its validity window."""
        known = self._verified.get(token)
        if known is None:
            return None
        not_before, expires, actor = known
        if not_before <= time.time() < expires:
            return actor
        self._verified.pop(token, None)
        return None

    def actor(self, token: str) -> Actor:
        """The token's actor; a token verified before is not verified again until it expires
        (each check is against the clock with the same leeway as the first)."""
        known = self.remembered(token)
        if known is not None:
            return known
        actor, claims = self._verify(token)
        if len(self._verified) >= VERIFIED_TOKENS_KEPT:
            self._verified.clear()
        self._verified[token] = (float(claims["nbf"]) - LEEWAY_SECONDS,
                                 float(claims["exp"]) + LEEWAY_SECONDS, actor)
        return actor

    def _verify(self, token: str) -> tuple[Actor, dict[str, Any]]:
        try:
            if self.oidc_issuer:
                claims = self._oidc_claims(token)
            else:
                assert self.secret is not None
                claims = jwt.decode(token, self.secret, algorithms=[ALGORITHM],
                                    audience=AUDIENCE, issuer=ISSUER, leeway=LEEWAY_SECONDS,
                                    options={"require": REQUIRED_CLAIMS})
        except jwt.PyJWKClientConnectionError as exc:
            raise IssuerUnreachable(str(exc)) from None
        except jwt.InvalidSignatureError:
            raise TokenRejected(SIGNATURE_HINT if not self.oidc_issuer
                                else "Signature verification failed") from None
        except (jwt.PyJWTError, ValueError, TypeError) as exc:
            raise TokenRejected(str(exc) or type(exc).__name__) from None
        return actor_from_claims(claims, self.role_claim), claims

    def _oidc_claims(self, token: str) -> dict[str, Any]:
        assert self.jwks_client is not None
        header = jwt.get_unverified_header(token)
        if header.get("alg") not in self.oidc_algorithms:
            raise TokenRejected(f"algorithm {header.get('alg')!r} is not accepted")
        key = self.jwks_client.get_signing_key_from_jwt(token)
        claims: dict[str, Any] = jwt.decode(
            token, key.key, algorithms=list(self.oidc_algorithms),
            audience=self.oidc_audience, issuer=self.oidc_issuer, leeway=LEEWAY_SECONDS,
            options={"require": REQUIRED_CLAIMS})
        return claims


def _unauthenticated(detail: str) -> HTTPException:
    return HTTPException(401, detail, headers={"WWW-Authenticate": 'Bearer realm="upc"'})


def actor_from_request(request: Request, token: str | None) -> Actor:
    if not token:
        raise _unauthenticated("A bearer token is required (Authorization: Bearer <token>).")
    authenticator: Authenticator = request.app.state.authenticator
    try:
        return authenticator.actor(token)
    except TokenRejected as exc:
        raise _unauthenticated(f"The bearer token was refused: {exc}.") from None
    except IssuerUnreachable:
        raise HTTPException(503, "The identity provider's keys could not be fetched; "
                                 "try again shortly.") from None


async def current_actor(request: Request,
                        credentials: Annotated[HTTPAuthorizationCredentials | None,
                                               Depends(_bearer)]) -> Actor:
    """The request's actor. A token this process verified before is answered here, on the
    event loop; a new one is verified in the thread pool (OIDC may fetch the issuer's keys)."""
    cached = getattr(request.state, "actor", None)
    if isinstance(cached, Actor):
        return cached
    token = credentials.credentials if credentials else None
    authenticator: Authenticator = request.app.state.authenticator
    known = authenticator.remembered(token) if token else None
    actor = known or await run_in_threadpool(actor_from_request, request, token)
    request.state.actor = actor
    return actor


CurrentActor = Annotated[Actor, Depends(current_actor)]
