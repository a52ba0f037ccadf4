"""Personal data in events, encrypted with a key that belongs to the person (crypto-shredding).

An event holds a ``PersonalData`` value: the data subject's id and, in memory, the clear text.
The application registers ``PersonalDataTranscoding`` on its JSON transcoder, so on the way to
the event store the text is sealed with AES-256-GCM under the subject's own key (the subject
id is bound in as associated data) and on the way back it is opened again. Destroying a
subject's key in the ``KeyStore`` erases every personal value of that person at once, while
every other field of every event stays readable: a destroyed key decodes to
``PersonalData(subject_id, None)``, shown as ``[erased]``, so aggregates and projections
still rebuild. Pure computation (``cryptography``), no I/O: key stores live behind the
``KeyStore`` protocol; the PostgreSQL one is ``upc.keystore.PostgresKeyStore``.
"""

from __future__ import annotations

import os
import threading
from base64 import b64decode, b64encode
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.persistence import Transcoding

from domain.errors import SubjectErased

ERASED_TEXT = "[erased]"
KEY_BYTES = 32
NONCE_BYTES = 12


@dataclass(frozen=True)
class PersonalData:
    subject_id: str
    text: str | None  # None once the subject's key has been destroyed

    @property
    def erased(self) -> bool:
        return self.text is None

    def __str__(self) -> str:
        return ERASED_TEXT if self.text is None else self.text

    def __repr__(self) -> str:  # never leak personal data into logs or tracebacks
        return f"PersonalData(subject_id={self.subject_id!r}, {'erased' if self.erased else '…'})"


def sealed_for(subject_id: str, text: str | None, erased: Collection[str]) -> PersonalData:
    """A personal value for ``subject_id``; nothing new is recorded about an erased person."""
    clean = (text or "").strip()
    if subject_id in erased:
        if clean:
            raise SubjectErased("This person's personal data has been erased; nothing personal "
                                "can be recorded about them any more.")
        return PersonalData(subject_id, None)
    return PersonalData(subject_id, clean)


def plain_as_personal(subject_id: str, value: str | PersonalData | None) -> PersonalData | None:
    """Free text an older event version stored in clear, read as the subject's personal data
    (blank: None). Upcasters use it; it cannot seal what is already at rest in clear."""
    if isinstance(value, PersonalData):
        return value
    if value is None or not str(value).strip():
        return None
    return PersonalData(subject_id, str(value))


class KeyStore(Protocol):
    def key_for(self, subject_id: str) -> bytes:
        """The subject's key, created on first use; ``SubjectErased`` once destroyed."""

    def existing_key(self, subject_id: str) -> bytes | None:
        """The subject's key, or None if it never existed or has been destroyed."""

    def destroy(self, subject_id: str) -> None:
        """Destroy the key for good: everything sealed with it becomes unreadable."""


class InMemoryKeyStore:
    """Keys in a dict: for tests and the in-memory persistence."""

    def __init__(self) -> None:
        self._keys: dict[str, bytes] = {}
        self._destroyed: set[str] = set()
        self._lock = threading.Lock()

    def key_for(self, subject_id: str) -> bytes:
        with self._lock:
            if subject_id in self._destroyed:
                raise SubjectErased(f"the personal data of {subject_id} has been erased")
            return self._keys.setdefault(subject_id, AESGCM.generate_key(bit_length=256))

    def existing_key(self, subject_id: str) -> bytes | None:
        return self._keys.get(subject_id)

    def destroy(self, subject_id: str) -> None:
        with self._lock:
            self._keys.pop(subject_id, None)
            self._destroyed.add(subject_id)


def seal(key: bytes, plaintext: bytes, associated: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, associated)


def unseal(key: bytes, sealed: bytes, associated: bytes) -> bytes:
    return AESGCM(key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], associated)


class PersonalDataTranscoding(Transcoding):
    type = PersonalData
    name = "personal_data"

    def __init__(self, keys: KeyStore) -> None:
        self.keys = keys
        self._memo = threading.local()

    @contextmanager
    def remembering_keys(self) -> Iterator[None]:
        """Within this block (on this thread) each subject's key is fetched once.

        For replaying one aggregate: its events share a few subjects, so the key store is
        asked once per subject, not once per event. Nothing outlives the block, so a key
        destroyed after it is never used again from here.
        """
        if getattr(self._memo, "keys", None) is not None:
            yield
            return
        self._memo.keys = {}
        try:
            yield
        finally:
            self._memo.keys = None

    def encode(self, obj: PersonalData) -> dict[str, Any]:
        if obj.text is None:
            return {"subject": obj.subject_id, "erased": True}
        key = self.keys.key_for(obj.subject_id)
        sealed = seal(key, obj.text.encode("utf-8"), obj.subject_id.encode("utf-8"))
        return {"subject": obj.subject_id, "sealed": b64encode(sealed).decode("ascii")}

    def decode(self, data: dict[str, Any]) -> PersonalData:
        subject = str(data["subject"])
        key = None if data.get("erased") else self._existing_key(subject)
        if key is None:
            return PersonalData(subject, None)
        plain = unseal(key, b64decode(data["sealed"]), subject.encode("utf-8"))
        return PersonalData(subject, plain.decode("utf-8"))

    def _existing_key(self, subject: str) -> bytes | None:
        memo: dict[str, bytes | None] | None = getattr(self._memo, "keys", None)
        if memo is None:
            return self.keys.existing_key(subject)
        if subject not in memo:
            memo[subject] = self.keys.existing_key(subject)
        return memo[subject]
