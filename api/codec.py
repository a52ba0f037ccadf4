"""A Temporal codec server: ``POST /codec/encode`` and ``POST /codec/decode``.

Point the Temporal UI's "Codec Server" at ``http://<api>/codec`` (with "pass the access
token"), and authorised staff see the payloads the worker sealed (``workflows.codec``) in
clear: opaque ids and instants only, by design. A bearer token is required; only admins and
auditors may use it. CORS is answered for ``/codec/`` only, for the origins in
``UPC_CODEC_ORIGINS`` (default: the embedded Temporal UI), without cookies, so no page of
another origin can reach the rest of the API through it.

The body is Temporal's JSON: ``{"payloads": [{"metadata": {"encoding": "<base64>"},
"data": "<base64>"}]}``.
"""

from __future__ import annotations

from base64 import b64decode, b64encode
from binascii import Error as Base64Error
from typing import Any

from fastapi import APIRouter, FastAPI, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.middleware.cors import CORSMiddleware
from temporalio.api.common.v1 import Payload

from api.auth import CurrentActor
from domain.actors import Role
from workflows.codec import EncryptionCodec, codec_key, previous_codec_keys

CODEC_ROLES = frozenset({Role.ADMIN, Role.AUDITOR})
MAX_PAYLOADS = 1000

router = APIRouter(prefix="/codec", tags=["operations"])


class PayloadJSON(BaseModel):
    metadata: dict[str, str] = Field(default_factory=dict, description="base64 values")
    data: str = Field(default="", description="base64")


class Payloads(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"payloads": [{
        "metadata": {"encoding": "YmluYXJ5L3BsYWlu"}, "data": "aGVsbG8="}]}]})
    payloads: list[PayloadJSON] = Field(max_length=MAX_PAYLOADS)


def _codec(request: Request) -> EncryptionCodec:
    state = request.app.state
    if getattr(state, "payload_codec", None) is None:
        state.payload_codec = EncryptionCodec(codec_key(), previous_codec_keys())
    codec: EncryptionCodec = state.payload_codec
    return codec


def _allowed(actor: Any) -> None:
    if actor.role not in CODEC_ROLES:
        raise HTTPException(403, "Only admins and auditors may decode Temporal payloads.")


def _from_json(body: Payloads) -> list[Payload]:
    try:
        return [Payload(metadata={k: b64decode(v, validate=True) for k, v in p.metadata.items()},
                        data=b64decode(p.data, validate=True)) for p in body.payloads]
    except (Base64Error, ValueError):
        raise HTTPException(422, "Every metadata value and data must be base64.") from None


def _to_json(payloads: list[Payload]) -> Payloads:
    return Payloads(payloads=[PayloadJSON(
        metadata={k: b64encode(v).decode() for k, v in p.metadata.items()},
        data=b64encode(p.data).decode()) for p in payloads])


@router.post("/encode", response_model=Payloads, summary="Seal payloads (Temporal codec)")
async def encode(body: Payloads, actor: CurrentActor, request: Request) -> Payloads:
    _allowed(actor)
    return _to_json(await _codec(request).encode(_from_json(body)))


@router.post("/decode", response_model=Payloads, summary="Open payloads (Temporal codec)")
async def decode(body: Payloads, actor: CurrentActor, request: Request) -> Payloads:
    _allowed(actor)
    try:
        opened = await _codec(request).decode(_from_json(body))
    except Exception:  # noqa: BLE001 - a payload of another key or tampered with
        raise HTTPException(422, "A payload could not be opened with this deployment's "
                                 "master keys.") from None
    return _to_json(opened)


class CodecCors:
    """CORS for ``/codec/`` alone (the Temporal UI calls it from its own origin)."""

    def __init__(self, app: Any, origins: list[str]) -> None:
        self.app = app
        self.cors = CORSMiddleware(app, allow_origins=origins, allow_methods=["POST"],
                                   allow_headers=["Authorization", "Content-Type",
                                                  "X-Namespace"], max_age=600)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/codec/"):
            await self.cors(scope, receive, send)
            return
        await self.app(scope, receive, send)


def install(app: FastAPI, settings: Any) -> None:
    configured = getattr(settings, "upc_codec_origins", None)
    port = getattr(settings, "upc_temporal_ui_port", 8233)
    origins = ([o.strip() for o in configured.split(",") if o.strip()] if configured
               else [f"http://127.0.0.1:{port}", f"http://localhost:{port}"])
    app.include_router(router)
    app.add_middleware(CodecCors, origins=origins)  # type: ignore[arg-type]
