"""Idempotency keys: the first result of a create, so a retried request writes nothing.

One row per (principal, mutation, key); the hash of the request's input tells a retry (same
payload: answer with the first result) from a mistaken reuse of the key (refused). The row
is written in the same transaction as the row it points at, so a refused or failed create
leaves no key behind.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, CheckConstraint, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base, CreatedAtMixin, IdType

KEY_MAX_LENGTH = 128
SHA256_HEX_LENGTH = 64


class IdempotencyKey(CreatedAtMixin, Base):
    __tablename__ = "idempotency_key"
    __table_args__ = (
        # The race between two identical requests is decided here, not in Python.
        UniqueConstraint("principal_name", "operation", "key"),
        CheckConstraint("length(key) >= 1", name="key_not_empty"),
        CheckConstraint(f"length(payload_hash) = {SHA256_HEX_LENGTH}", name="payload_hash_sha256"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    # The principal's name, not a foreign key: the public role has no principal row.
    principal_name: Mapped[str] = mapped_column(String(128))
    key: Mapped[str] = mapped_column(String(KEY_MAX_LENGTH))  # printable ASCII, client-chosen
    operation: Mapped[str] = mapped_column(String(64))  # the mutation, e.g. "createPolicy"
    payload_hash: Mapped[str] = mapped_column(String(SHA256_HEX_LENGTH))  # sha256 hex
    result_type: Mapped[str] = mapped_column(String(64))  # model name, e.g. "ServiceRecord"
    result_id: Mapped[int] = mapped_column(BigInteger)
