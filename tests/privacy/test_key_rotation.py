"""upc keys rotate: every per-person key re-wrapped under a new master key; old and new both
open during the rotation; resumable; a wrong old key changes nothing; personal data sealed
before still opens with the new master key alone."""

from __future__ import annotations

import os
from base64 import b64encode
from datetime import UTC, datetime

import psycopg
import pytest

from domain.actors import Actor, Role
from domain.application import CaseService
from upc import bootstrap, cli
from upc.keystore import PostgresKeyStore, RotationError, master_id
from upc.settings import eventsourcing_env, psycopg_conninfo
from workflows.codec import EncryptionCodec, codec_key, data_converter, previous_codec_keys

OLD, NEW, WRONG = bytes(range(32)), bytes(range(1, 33)), bytes(range(2, 34))


def b64(key: bytes) -> str:
    return b64encode(key).decode()


def rows(conninfo: str) -> dict[str, tuple[bytes | None, str | None]]:
    with psycopg.connect(conninfo) as conn:
        return {r[0]: (bytes(r[1]) if r[1] is not None else None, r[2]) for r in conn.execute(
            "SELECT subject_id, wrapped_key, master_id FROM upc_subject_keys")}


def test_rotation_rewraps_every_key_and_the_old_data_still_opens(
        fresh_database_url: str) -> None:
    bootstrap.migrate(fresh_database_url)
    conninfo = psycopg_conninfo(fresh_database_url)
    env = {**eventsourcing_env(fresh_database_url), "CREATE_TABLE": "false"}
    old_app = CaseService(env={**env, "UPC_MASTER_KEY": b64(OLD)})
    cara = Actor("cara", Role.CASEWORKER)
    case = old_app.open_case("T-ROTATE-1", cara)
    old_app.record_contact(case.id, cara, channel="phone", direction="inbound",
                           occurred_at=datetime.now(UTC), summary="Rang about the boiler.")
    other = old_app.open_case("T-ROTATE-2", cara)
    old_app.record_contact(other.id, cara, channel="email", direction="inbound",
                           occurred_at=datetime.now(UTC), summary="Wrote about the fence.")
    old_app.close()
    old = PostgresKeyStore(conninfo, OLD, create_table=False, cache_seconds=0)
    old.key_for("erased-subject")
    old.destroy("erased-subject")
    keys_before = {s: old.existing_key(s) for s in rows(conninfo)}
    old.close()
    before = rows(conninfo)
    assert len(before) == 4  # two customers, the erased subject, the customer-index key

    wrong = PostgresKeyStore(conninfo, NEW, create_table=False, previous_masters=[WRONG])
    with pytest.raises(RotationError):
        wrong.rotate()
    wrong.close()
    assert rows(conninfo) == before  # a failed rotation changed nothing

    during = PostgresKeyStore(conninfo, NEW, create_table=False, cache_seconds=0,
                              previous_masters=[OLD])
    try:
        outcome = during.rotate(batch=1)  # one row per page: the paging is exercised too
        assert (outcome.rewrapped, outcome.already, outcome.erased) == (3, 0, 1)
        again = during.rotate()
        assert (again.rewrapped, again.already) == (0, 3)  # resumable: nothing left to do
    finally:
        during.close()
    after = rows(conninfo)
    for subject, (wrapped, wrapped_by) in after.items():
        if wrapped is None:
            continue
        assert wrapped_by == master_id(NEW) and wrapped != before[subject][0]
        assert keys_before[subject] is not None and keys_before[subject] not in wrapped
    new_only = PostgresKeyStore(conninfo, NEW, create_table=False, cache_seconds=0)
    try:
        assert {s: new_only.existing_key(s) for s in after} == keys_before  # same keys
    finally:
        new_only.close()
    new_app = CaseService(env={**env, "UPC_MASTER_KEY": b64(NEW)})
    try:
        (contact,) = new_app.repository.get(case.id).contacts.values()
        assert contact.summary.text == "Rang about the boiler."
    finally:
        new_app.close()


async def test_the_temporal_codec_opens_payloads_sealed_before_the_rotation() -> None:
    from temporalio.api.common.v1 import Payload

    before = EncryptionCodec(codec_key({"UPC_MASTER_KEY": b64(OLD)}))
    sealed = await before.encode([Payload(data=b"restriction-1")])
    rotating = {"UPC_MASTER_KEY": b64(NEW), "UPC_MASTER_KEY_PREVIOUS": b64(OLD)}
    during = EncryptionCodec(codec_key(rotating), previous_codec_keys(rotating))
    assert (await during.decode(sealed))[0].data == b"restriction-1"
    assert data_converter(rotating).payload_codec is not None
    after = EncryptionCodec(codec_key({"UPC_MASTER_KEY": b64(NEW)}))
    with pytest.raises(ValueError, match="another UPC_MASTER_KEY"):
        await after.decode(sealed)


def test_keys_rotate_without_the_previous_key_is_one_line_and_exit_2(
        fresh_database_url: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DATABASE_URL", fresh_database_url)
    monkeypatch.setenv("UPC_MASTER_KEY", b64(NEW))
    monkeypatch.delenv("UPC_MASTER_KEY_PREVIOUS", raising=False)
    assert cli.main(["keys", "rotate"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "UPC_MASTER_KEY_PREVIOUS" in err
    assert "UPC_MASTER_KEY_PREVIOUS" not in os.environ
