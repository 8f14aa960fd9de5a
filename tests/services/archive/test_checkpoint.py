"""Signed checkpoints of the chain heads (services/archive/checkpoint.py): what is signed
reads back, and anything else is refused with ARCHIVE_CHECKPOINT_INVALID."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.archive.checkpoint import Head, keygen, load_key, read, sign
from services.archive.errors import CheckpointError, SigningKeyError

HEADS = [Head(2, "91440300MA5XXXXX2Y", 7, "b" * 64), Head(1, "91440300MA5XXXXX1X", 3, "a" * 64)]
AT = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)


def _write(path: Path, document: dict[str, object]) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_signed_checkpoint_reads_back(tmp_path: Path) -> None:
    public = keygen(tmp_path / "k.pem")
    key = load_key(str(tmp_path / "k.pem"))
    assert len(public) == 64
    checkpoint = read(_write(tmp_path / "c.json", sign(key, AT, HEADS)), key.public_key())
    assert checkpoint.created_at == "2026-11-29T09:00:00.000000Z"
    assert checkpoint.heads == {1: HEADS[1], 2: HEADS[0]}


def test_an_edited_or_foreign_checkpoint_is_refused(tmp_path: Path) -> None:
    key, other = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    document = sign(key, AT, HEADS)
    with pytest.raises(CheckpointError, match="another key"):
        read(_write(tmp_path / "a.json", document), other.public_key())
    edited = json.loads(json.dumps(document))
    edited["heads"][0]["hash"] = "c" * 64
    with pytest.raises(CheckpointError, match="signature") as refused:
        read(_write(tmp_path / "b.json", edited), key.public_key())
    assert refused.value.code == "ARCHIVE_CHECKPOINT_INVALID"
    assert "检查点" in refused.value.message_zh
    (tmp_path / "c.json").write_text("not json", encoding="utf-8")
    with pytest.raises(CheckpointError, match="cannot parse"):
        read(tmp_path / "c.json", None)


def test_only_an_ed25519_key_signs(tmp_path: Path) -> None:
    with pytest.raises(SigningKeyError, match="not set"):
        load_key("")
    (tmp_path / "bad.pem").write_text("-----BEGIN NOTHING-----\n", encoding="utf-8")
    with pytest.raises(SigningKeyError) as refused:
        load_key(str(tmp_path / "bad.pem"))
    assert refused.value.code == "ARCHIVE_SIGNING_KEY"
