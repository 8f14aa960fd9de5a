"""One row whose ``version`` grows with every revocation, in the revocation's transaction.

Each server process keeps the revocation state in memory and compares this number every
few seconds (``server/revocation.py``); a change makes it reload. One row, not a sequence,
so that SQLite and PostgreSQL read it the same way and a rolled-back revocation leaves it
unchanged.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Integer
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base, utcnow

SINGLETON_ID = 1


class AuthVersion(Base):
    __tablename__ = "auth_version"
    __table_args__ = (CheckConstraint(f"id = {SINGLETON_ID}", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(BigInteger, default=0)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
