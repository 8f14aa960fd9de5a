"""Bearer tokens (JWTs) revoked before their expiry, by their ``jti``.

A row matters only until ``expires_at``: after that the token is refused for its expiry
anyway, so expired rows may be purged (``services.tokens_admin`` does it on each revocation).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base, utcnow

JTI_MAX_LENGTH = 64


class RevokedToken(Base):
    __tablename__ = "revoked_token"

    jti: Mapped[str] = mapped_column(String(JTI_MAX_LENGTH), primary_key=True)
    # Known when the token itself was presented for revocation; a bare jti does not tell.
    principal_name: Mapped[str | None] = mapped_column(String(128))
    revoked_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
