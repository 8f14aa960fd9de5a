"""An insurer's contract with a hired technical service agency (聘用技术服务机构的合同) for an
insured unit, or one policy of it. R-7.4-archive: the unit's archive holds the "contracts and
records of hired experts and agencies"; archived (store/archive/sources.py), never changed."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base, CreatedAtMixin, IdType


class AgencyContract(CreatedAtMixin, Base):
    __tablename__ = "agency_contract"
    __table_args__ = (
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="valid_in_order"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    insurer_id: Mapped[int] = mapped_column(ForeignKey("insurer.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("insured_unit.id"), index=True)
    # None: the contract covers every policy of the unit with the insurer in its validity.
    policy_id: Mapped[int | None] = mapped_column(ForeignKey("insurance_policy.id"), index=True)
    signed_on: Mapped[date]  # 签订日期
    valid_from: Mapped[date]  # 有效期起（含）
    valid_to: Mapped[date | None]  # 有效期止（含）; None: open-ended
    scope_of_services: Mapped[str] = mapped_column(Text)  # 服务范围
    document_ref: Mapped[str] = mapped_column(String(256))  # 合同文本编号或存放位置
    document_sha256: Mapped[str | None] = mapped_column(String(64))  # 合同文本的 SHA-256
