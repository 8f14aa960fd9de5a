"""Signed checkpoints of the archive chain heads (R-7.4-archive).

A checkpoint lists every chain's newest entry (unit, seq, hash) at one moment, signed with
the platform's Ed25519 key (setting ``ARCHIVE_SIGNING_KEY``, a PKCS#8 PEM file that
``anzexian archive keygen`` writes). Kept outside the database (handed to the regulator,
stored offline), it catches what the chain alone cannot: a whole chain rewritten with
consistent hashes, or its newest entries dropped with the head row edited to match.

The file is JSON; the signature covers the canonical JSON (store/archive/canonical.py) of
every other member.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from services.archive.errors import CheckpointError, SigningKeyError
from store.archive import canonical

FORMAT = "anzexian-archive-checkpoint/1"


@dataclass(frozen=True, slots=True)
class Head:
    unit_id: int
    credit_code: str
    seq: int
    hash: str


@dataclass(frozen=True, slots=True)
class Checkpoint:
    created_at: str
    heads: dict[int, Head]  # by unit id
    public_key: str  # hex of the raw Ed25519 public key that signed it


def keygen(path: Path) -> str:
    """Write a new private key (owner-only file); returns the public key in hex."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(pem)
    return public_hex(key.public_key())


def public_hex(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return raw.hex()


def load_key(path: str) -> Ed25519PrivateKey:
    if not path:
        raise SigningKeyError(
            "未设置 ANZEXIAN_ARCHIVE_SIGNING_KEY（可用 anzexian archive keygen 生成）",
            "ANZEXIAN_ARCHIVE_SIGNING_KEY is not set (anzexian archive keygen writes one)",
        )
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise SigningKeyError(f"无法读取 {path}", f"cannot read {path}: {exc}") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(f"{path} 不是 Ed25519 私钥", f"{path} is not an Ed25519 key")
    return key


def _body(created_at: datetime, heads: list[Head], public_key: str) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "created_at": canonical.value(created_at),
        "public_key": public_key,
        "heads": [
            {"unit_id": h.unit_id, "credit_code": h.credit_code, "seq": h.seq, "hash": h.hash}
            for h in sorted(heads, key=lambda h: h.unit_id)
        ],
    }


def sign(key: Ed25519PrivateKey, created_at: datetime, heads: list[Head]) -> dict[str, Any]:
    """The checkpoint document: the heads, and the signature over them."""
    body = _body(created_at, heads, public_hex(key.public_key()))
    signature = key.sign(canonical.dumps(body).encode("utf-8"))
    return {**body, "signature": signature.hex()}


def read(path: Path, trusted: Ed25519PublicKey | None) -> Checkpoint:
    """Parse and check a checkpoint file. ``trusted``: the key it must be signed with (the
    configured key's public half); without it the file's own key is used, which proves the
    file intact but not who made it."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        signature = bytes.fromhex(document.pop("signature"))
        if document.get("format") != FORMAT:
            raise CheckpointError("格式不符", f"format is not {FORMAT}")
        signer = Ed25519PublicKey.from_public_bytes(bytes.fromhex(document["public_key"]))
        heads = {
            int(h["unit_id"]): Head(
                int(h["unit_id"]), str(h["credit_code"]), int(h["seq"]), h["hash"]
            )
            for h in document["heads"]
        }
    except CheckpointError:
        raise
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise CheckpointError("无法解析文件", f"cannot parse {path}: {exc}") from exc
    if trusted is not None and public_hex(trusted) != document["public_key"]:
        raise CheckpointError("签名密钥不是本平台的密钥", "signed by another key than ours")
    try:
        signer.verify(signature, canonical.dumps(document).encode("utf-8"))
    except InvalidSignature as exc:
        raise CheckpointError("签名不符，文件已被改动", "the signature does not match") from exc
    return Checkpoint(document["created_at"], heads, document["public_key"])
