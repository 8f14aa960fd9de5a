"""API keys: long-lived credentials for insurers' systems, stored only as a hash.

The key handed out once is ``azx_<prefix>_<secret>``. ``prefix`` is public (it names the key
in listings and finds its row); ``secret`` is 32 random bytes, of which only the SHA-256 is
kept: with that much entropy a fast hash is enough (nothing to brute-force), and a stolen
table yields no usable key.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base, CreatedAtMixin, IdType

PREFIX_LENGTH = 8
SHA256_HEX_LENGTH = 64
LABEL_MAX_LENGTH = 128


class ApiKey(CreatedAtMixin, Base):
    __tablename__ = "api_key"
    __table_args__ = (
        CheckConstraint(f"length(prefix) = {PREFIX_LENGTH}", name="prefix_length"),
        CheckConstraint(f"length(secret_hash) = {SHA256_HEX_LENGTH}", name="secret_hash_sha256"),
        CheckConstraint("length(label) >= 1", name="label_not_empty"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    principal_id: Mapped[int] = mapped_column(
        ForeignKey("principal.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(String(LABEL_MAX_LENGTH))  # what the operator calls it
    prefix: Mapped[str] = mapped_column(String(PREFIX_LENGTH), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(SHA256_HEX_LENGTH))  # sha256 hex
    expires_at: Mapped[datetime | None]  # None: until revoked
    revoked_at: Mapped[datetime | None]
    # Written at most once a minute per key (server/api_key_usage.py), so it lags by <= 60 s.
    last_used_at: Mapped[datetime | None]
