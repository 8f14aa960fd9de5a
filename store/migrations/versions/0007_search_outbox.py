"""search outbox: search_outbox, search_dead_letter, search_indexer_lease (issue 5)

Every write of a searchable row adds an outbox row in its own transaction (store/outbox.py);
the indexer drains them into the search backend and parks refused documents in the dead
letter table; the lease row lets one indexer at a time drain. Written by hand to match the
models (tests/store/test_migrations.py compares them).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import store.base

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "search_outbox",
        sa.Column("id", _ID, nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("row_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("processed_at", store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.SmallInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_outbox")),
    )
    with op.batch_alter_table("search_outbox", schema=None) as batch_op:
        batch_op.create_index("ix_search_outbox_pending", ["processed_at", "id"], unique=False)
    op.create_table(
        "search_dead_letter",
        sa.Column("id", _ID, nullable=False),
        sa.Column("outbox_id", sa.BigInteger(), nullable=False),
        sa.Column("doc_type", sa.String(length=32), nullable=False),
        sa.Column("doc_id", sa.String(length=32), nullable=False),
        sa.Column("backend", sa.String(length=16), nullable=False),
        sa.Column("status", sa.SmallInteger(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("failed_at", store.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_dead_letter")),
    )
    with op.batch_alter_table("search_dead_letter", schema=None) as batch_op:
        batch_op.create_index("ix_search_dead_letter_doc", ["doc_type", "doc_id"], unique=False)
    op.create_table(
        "search_indexer_lease",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("holder", sa.String(length=64), nullable=True),
        sa.Column("expires_at", store.base.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("id = 1", name=op.f("ck_search_indexer_lease_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_indexer_lease")),
    )


def downgrade() -> None:
    op.drop_table("search_indexer_lease")
    with op.batch_alter_table("search_dead_letter", schema=None) as batch_op:
        batch_op.drop_index("ix_search_dead_letter_doc")
    op.drop_table("search_dead_letter")
    with op.batch_alter_table("search_outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_search_outbox_pending")
    op.drop_table("search_outbox")
