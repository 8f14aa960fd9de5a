"""agency contracts and agency status history (issue 6: R-7.1-staff, R-7.4-archive)

- ``agency_status_change``: one row per suspension or reinstatement of an agency
  (R-7.1-staff: a suspended agency gets no new work), written by services/agency.py; the
  agencies suspended now get one row each, dated by ``status_changed_at`` (else by the
  agency's ``created_at``), so the findings can tell when work was given during a suspension;
- ``agency_contract``: an insurer's contract with a hired agency for a unit (or one of its
  policies), part of the unit's archive (R-7.4-archive "contracts and records of hired experts
  and agencies"): chained (store/archive/sources.py), and refused by triggers, like the tables
  of 0008, any update and any delete inside the retention period (TRUNCATE too on PostgreSQL);
  the triggers reuse 0008's functions. The table is new, so there is nothing to backfill;
- the read and create rights on ``agency_contract`` and the read rights on
  ``agency_status_change`` granted in a stored policy (store/migrations/policy_rows.py).

Written by hand to match the models (tests/store/test_migrations.py compares them).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import store.base
from store.migrations.policy_rows import Row, grant_if_stored, revoke

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
RETENTION_YEARS = 5  # 0008's, the ruleset AQ9010-draft's ``[retention] years``

CONTRACT_RULES: tuple[Row, ...] = (
    ("regulator", "agency_contract", "read", "jurisdiction"),
    ("insurer", "agency_contract", "read", "own_tenant"),
    ("insurer", "agency_contract", "create", "own_tenant"),
    ("unit", "agency_contract", "read", "own_unit"),
    ("agency", "agency_contract", "read", "assigned"),
)

# R-7.1-staff: the status history, read like the agency it belongs to (policies/resources.py
# CHILDREN); a unit reads the history of the agencies that served it.
HISTORY_RULES: tuple[Row, ...] = (
    ("regulator", "agency_status_change", "read", "all"),
    ("insurer", "agency_status_change", "read", "all"),
    ("unit", "agency_status_change", "read", "own_unit"),
    ("agency", "agency_status_change", "read", "assigned"),
)

# Archived table → its columns, every one frozen (a contract is never changed: a new
# contract is a new row); dated by its own created_at.
FROZEN: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "agency_contract": (
        (
            "id",
            "insurer_id",
            "agency_id",
            "unit_id",
            "policy_id",
            "signed_on",
            "valid_from",
            "valid_to",
            "scope_of_services",
            "document_ref",
            "document_sha256",
            "created_at",
        ),
        (),
    ),
}

_MESSAGE = (
    "R-7.4-archive: archived rows are kept %s years; %s on %s refused / 档案保存期内不得修改或删除"
)


def _changed(frozen: tuple[str, ...], pg: bool) -> str:
    differs = "IS DISTINCT FROM" if pg else "IS NOT"
    return " OR ".join(f"OLD.{c} {differs} NEW.{c}" for c in frozen)


def _raise(event: str, table: str) -> str:
    return f"SELECT RAISE(ABORT, '{_MESSAGE % (RETENTION_YEARS, event, table)}')"


def _triggers() -> None:
    pg = op.get_bind().dialect.name == "postgresql"
    years = RETENTION_YEARS
    since = f"datetime('now', '-{years} years')"
    for table, (frozen, _once) in FROZEN.items():
        if pg:
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION archive_refuse()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_archived_update BEFORE UPDATE ON {table} FOR EACH ROW "
                f"WHEN ({_changed(frozen, pg=True)}) EXECUTE FUNCTION archive_refuse()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_archived_delete BEFORE DELETE ON {table} FOR EACH ROW "
                f"EXECUTE FUNCTION archive_refuse_young_delete('{years}', 'created_at')"
            )
        else:
            op.execute(
                f"CREATE TRIGGER {table}_archived_update BEFORE UPDATE ON {table} "
                f"WHEN {_changed(frozen, pg=False)} BEGIN {_raise('UPDATE', table)}; END"
            )
            op.execute(
                f"CREATE TRIGGER {table}_archived_delete BEFORE DELETE ON {table} "
                f"WHEN OLD.created_at > {since} BEGIN {_raise('DELETE', table)}; END"
            )


def _drop_triggers() -> None:
    pg = op.get_bind().dialect.name == "postgresql"
    for table in FROZEN:
        suffixes = ("archived_update", "archived_delete", *(("no_truncate",) if pg else ()))
        for suffix in suffixes:
            name = f"{table}_{suffix}"
            op.execute(
                f"DROP TRIGGER IF EXISTS {name} ON {table}"
                if pg
                else f"DROP TRIGGER IF EXISTS {name}"
            )


def _backfill_history() -> None:
    """One row per agency suspended now: the suspension in force (R-7.1-staff)."""
    op.execute(
        "INSERT INTO agency_status_change (agency_id, status, changed_at, reason, changed_by) "
        "SELECT id, 'suspended', COALESCE(status_changed_at, created_at), status_reason, NULL "
        "FROM agency WHERE status = 'suspended' ORDER BY id"
    )


def upgrade() -> None:
    op.create_table(
        "agency_status_change",
        sa.Column("id", _ID, nullable=False),
        sa.Column("agency_id", _ID, nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "suspended",
                name="agency_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("changed_at", store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("changed_by", _ID, nullable=True),
        sa.Column(
            "created_at",
            store.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_agency_status_change_agency_id_agency")
        ),
        sa.ForeignKeyConstraint(
            ["changed_by"],
            ["principal.id"],
            name=op.f("fk_agency_status_change_changed_by_principal"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_status_change")),
    )
    with op.batch_alter_table("agency_status_change", schema=None) as batch_op:
        batch_op.create_index(
            "ix_agency_status_change_agency_at", ["agency_id", "changed_at"], unique=False
        )
    op.create_table(
        "agency_contract",
        sa.Column("id", _ID, nullable=False),
        sa.Column("insurer_id", _ID, nullable=False),
        sa.Column("agency_id", _ID, nullable=False),
        sa.Column("unit_id", _ID, nullable=False),
        sa.Column("policy_id", _ID, nullable=True),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("scope_of_services", sa.Text(), nullable=False),
        sa.Column("document_ref", sa.String(length=256), nullable=False),
        sa.Column("document_sha256", sa.String(length=64), nullable=True),
        sa.Column(
            "created_at",
            store.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "valid_to IS NULL OR valid_to >= valid_from",
            name=op.f("ck_agency_contract_valid_in_order"),
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_agency_contract_agency_id_agency")
        ),
        sa.ForeignKeyConstraint(
            ["insurer_id"], ["insurer.id"], name=op.f("fk_agency_contract_insurer_id_insurer")
        ),
        sa.ForeignKeyConstraint(
            ["policy_id"],
            ["insurance_policy.id"],
            name=op.f("fk_agency_contract_policy_id_insurance_policy"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["insured_unit.id"], name=op.f("fk_agency_contract_unit_id_insured_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_contract")),
    )
    with op.batch_alter_table("agency_contract", schema=None) as batch_op:
        for column in ("agency_id", "insurer_id", "policy_id", "unit_id"):
            batch_op.create_index(
                batch_op.f(f"ix_agency_contract_{column}"), [column], unique=False
            )
    _backfill_history()
    _triggers()
    grant_if_stored((*CONTRACT_RULES, *HISTORY_RULES))  # store/migrations/policy_rows.py


def downgrade() -> None:
    revoke((*CONTRACT_RULES, *HISTORY_RULES))
    _drop_triggers()
    with op.batch_alter_table("agency_contract", schema=None) as batch_op:
        for column in ("unit_id", "policy_id", "insurer_id", "agency_id"):
            batch_op.drop_index(batch_op.f(f"ix_agency_contract_{column}"))
    op.drop_table("agency_contract")
    with op.batch_alter_table("agency_status_change", schema=None) as batch_op:
        batch_op.drop_index("ix_agency_status_change_agency_at")
    op.drop_table("agency_status_change")
