"""One row whose ``version`` grows with every revocation and every change of the access
policy (``policy_rule``), in the transaction of that change.

Each server process keeps the revocation state and the policy in memory and compares this
number every few seconds (``server/revocation.py``, ``server/policy_source.py``); a change
makes it reload both. One number for the two, because the table admits one row only (a
second key would need a migration) and both are rare operator actions: a revocation costs
a policy reload of a few hundred rules, a policy edit a reload of the revocation list. One
row, not a sequence, so that SQLite and PostgreSQL read it the same way and a rolled-back
change leaves it unchanged.
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
