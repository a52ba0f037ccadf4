"""An encrypting payload codec: the second line of defence for what Temporal stores.

Workflow inputs, results, signals and activity payloads already carry only opaque ids (see
``workflows.schedule``); this codec seals every payload anyway, with AES-256-GCM under a key
derived from ``UPC_MASTER_KEY`` (HKDF-SHA256, its own context, so it opens no person's key),
before it leaves the process. Failure messages and stack traces are encoded too. Search
attributes and workflow ids are not payloads and stay in clear: keep them opaque.

A payload this codec did not write (no ``binary/upc-encrypted`` encoding) passes through
undecoded, so histories written before the codec still replay. Every client and worker of
one deployment must use ``data_converter()`` (``workflows.temporal.connect`` does).
Without ``UPC_MASTER_KEY`` a fixed development key is used: never in production. During a
master-key rotation the keys in ``UPC_MASTER_KEY_PREVIOUS`` still open what they sealed
(each payload names its key), so running workflows keep replaying; new payloads are sealed
with the current key.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from base64 import b64decode
from collections.abc import Mapping, Sequence

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from temporalio.api.common.v1 import Payload
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import (
    DataConverter,
    DefaultFailureConverterWithEncodedAttributes,
    PayloadCodec,
)

ENCODING = b"binary/upc-encrypted"
KEY_ID = "upc-key-id"
NONCE_BYTES = 12
_CONTEXT = b"upc-temporal-payload-codec-v1"
_DEVELOPMENT_MASTER = hashlib.sha256(b"upc-development-master-key:temporal").digest()


def _derive(master: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_CONTEXT).derive(master)


def codec_key(env: Mapping[str, str] | None = None) -> bytes:
    configured = (os.environ if env is None else env).get("UPC_MASTER_KEY")
    master = b64decode(configured) if configured else _DEVELOPMENT_MASTER
    if len(master) != 32:
        raise ValueError("UPC_MASTER_KEY must be base64 of exactly 32 bytes")
    return _derive(master)


def previous_codec_keys(env: Mapping[str, str] | None = None) -> list[bytes]:
    listed = (os.environ if env is None else env).get("UPC_MASTER_KEY_PREVIOUS", "")
    masters = [b64decode(k) for k in listed.split(",") if k.strip()]
    if any(len(m) != 32 for m in masters):
        raise ValueError("UPC_MASTER_KEY_PREVIOUS must be base64 keys of exactly 32 bytes")
    return [_derive(m) for m in masters]


def _key_id(key: bytes) -> bytes:
    return hashlib.sha256(b"key-id:" + key).hexdigest()[:16].encode()


class EncryptionCodec(PayloadCodec):
    def __init__(self, key: bytes, previous: Sequence[bytes] = ()) -> None:
        self._aead = AESGCM(key)
        self.key_id = _key_id(key)
        self._openers = {_key_id(k): AESGCM(k) for k in (*previous, key)}

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        sealed = []
        for payload in payloads:
            nonce = os.urandom(NONCE_BYTES)
            data = nonce + self._aead.encrypt(nonce, payload.SerializeToString(), self.key_id)
            sealed.append(Payload(metadata={"encoding": ENCODING, KEY_ID: self.key_id},
                                  data=data))
        return sealed

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        opened = []
        for payload in payloads:
            if payload.metadata.get("encoding") != ENCODING:
                opened.append(payload)
                continue
            key_id = payload.metadata.get(KEY_ID, b"")
            opener = self._openers.get(key_id)
            if opener is None:
                raise ValueError("a Temporal payload was sealed with another UPC_MASTER_KEY")
            data = payload.data
            plain = opener.decrypt(data[:NONCE_BYTES], data[NONCE_BYTES:], key_id)
            opened.append(Payload.FromString(plain))
        return opened


def data_converter(env: Mapping[str, str] | None = None) -> DataConverter:
    """The pydantic data converter, with payloads and failures sealed by the codec."""
    return dataclasses.replace(
        pydantic_data_converter, payload_codec=EncryptionCodec(codec_key(env), previous_codec_keys(env)),
        failure_converter_class=DefaultFailureConverterWithEncodedAttributes)
