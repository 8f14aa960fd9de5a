"""The audit log (审计日志): one row per GraphQL operation or bulk upload, append-only.

Who asked (principal, roles, the scope they read through), what (the operation's and the
variables' sha256, so the same request is recognisable without keeping its text or its
values), and what came back: the primary keys of the rows returned (every level of the
selection), keyed by GraphQL type, or for aggregates only how many groups. The insured units
whose archive rows an operation returned are in ``audit_subject``. The database refuses
UPDATE and DELETE on both tables (triggers of migration 0005): an entry once written is
never changed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base, IdType, str_enum
from store.enums import AuditOperationKind

SHA256_HEX_LENGTH = 64
PRINCIPAL_MAX_LENGTH = 128
OPERATION_NAME_MAX_LENGTH = 128
OMITTED_KEY = "omitted"  # in ``rows``: counts by type of the rows returned but not listed


class AuditEntry(Base):
    __tablename__ = "audit_entry"
    __table_args__ = (
        CheckConstraint(f"length(operation_hash) = {SHA256_HEX_LENGTH}", name="operation_sha256"),
        CheckConstraint(f"length(variables_hash) = {SHA256_HEX_LENGTH}", name="variables_sha256"),
        CheckConstraint("row_count >= 0", name="row_count_not_negative"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    at: Mapped[datetime]  # UTC, when the operation started
    # The principal's name, not a foreign key: the public has no principal row, and an entry
    # outlives any principal it names.
    principal: Mapped[str] = mapped_column(String(PRINCIPAL_MAX_LENGTH))
    roles: Mapped[str] = mapped_column(String(128))  # comma-separated role codes
    scope: Mapped[str] = mapped_column(Text)  # e.g. "regulator@jurisdiction:440000"
    kind: Mapped[AuditOperationKind] = mapped_column(
        str_enum(AuditOperationKind, "audit_operation_kind")
    )
    operation_name: Mapped[str | None] = mapped_column(String(OPERATION_NAME_MAX_LENGTH))
    operation_hash: Mapped[str] = mapped_column(String(SHA256_HEX_LENGTH))  # of the document
    variables_hash: Mapped[str] = mapped_column(String(SHA256_HEX_LENGTH))  # canonical JSON
    # Rows returned (reads), written (mutations, uploads) or groups (aggregates).
    row_count: Mapped[int]
    # {"ServiceRecord": [1, 2], "Hazard": [7]}: primary keys of the rows returned at every
    # level of the selection, by GraphQL type; past services.audit.MAX_IDS_PER_ENTRY ids,
    # "omitted": {"Hazard": 120} counts the rows returned but not listed.
    rows: Mapped[dict[str, Any]] = mapped_column(JSON)
    aggregate: Mapped[bool]  # figures without rows (stats): row_count counts groups
