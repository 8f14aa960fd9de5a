"""archive chain: archive_entry and archive_head, refusals in the database (issue 6, item 5)

Each insured unit's archive is an append-only hash chain (R-7.4-archive, store/archive/).
Written by hand to match the models (tests/store/test_migrations.py compares them). Also:

- triggers refusing, inside the retention period, what would alter the archive: UPDATE of an
  entry; DELETE of an entry or of an archived source row younger than ``RETENTION_YEARS``
  (a child row without ``created_at`` is dated by its parent); an UPDATE of a source row
  that changes a column the application never changes, or a set-once column that already
  has a value; TRUNCATE of any of these tables (PostgreSQL, statement level: it cannot look
  at the rows' age, so it is always refused). SQLite has no TRUNCATE;
- the chains of the rows already stored (backfill, store/archive/chain.py, deterministic
  order: table by table, ids ascending);
- the read rights on ``archive_entry`` granted in a stored policy (store/migrations/policy_rows.py).

``RETENTION_YEARS`` and the column lists are the values of this release, written here so the
migration means the same forever (the ruleset AQ9010-draft's ``[retention] years = 5``;
tests/services/archive/test_retention.py checks they agree with the ruleset in force).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 09:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import store.base
from store.migrations.policy_rows import Row, grant_if_stored, revoke

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
RETENTION_YEARS = 5

ARCHIVE_RULES: tuple[Row, ...] = (
    ("regulator", "archive_entry", "read", "jurisdiction"),
    ("insurer", "archive_entry", "read", "own_tenant"),
    ("unit", "archive_entry", "read", "own_unit"),
    ("admin", "archive_entry", "read", "all"),
)

# Archived table → (its parent table and foreign key when it has no created_at of its own).
AGED_BY: dict[str, tuple[str, str] | None] = {
    "insurance_policy": None,
    "policy_service_item": ("insurance_policy", "policy_id"),
    "service_scheme": None,
    "scheme_item": ("service_scheme", "scheme_id"),
    "service_record": None,
    "hazard": ("service_record", "service_record_id"),
    "follow_up": None,
    "unit_confirmation": None,
    "fee_ledger_entry": None,
    "complaint": None,
}
# Archived table → (columns never updated, columns set once from NULL); what the
# application updates besides (a record's status, process) is archived as a new entry.
FROZEN: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "insurance_policy": (
        (
            "id",
            "insurer_id",
            "branch_id",
            "unit_id",
            "policy_no",
            "period_start",
            "period_end",
            "premium",
            "prevention_fee_ratio",
            "created_at",
        ),
        (),
    ),
    "policy_service_item": (("id", "policy_id", "category", "frequency_per_year"), ()),
    "service_scheme": (
        (
            "id",
            "insurer_id",
            "policy_id",
            "unit_id",
            "version",
            "supersedes_id",
            "time_limits",
            "agency_id",
            "budget",
            "expected_effect",
            "guarantees",
            "liability_terms",
            "complaint_arbitration",
            "agreed_at",
            "created_at",
        ),
        (),
    ),
    "scheme_item": (("id", "scheme_id", "category", "frequency_per_year", "description"), ()),
    # A record is worked on: its description may be corrected through the application (each
    # correction a new archived version); only its anchors and its clock are frozen.
    "service_record": (
        ("id", "insurer_id", "unit_id", "policy_id", "created_at"),
        ("started_at", "completed_at", "organised_at"),
    ),
    "hazard": (
        ("id", "service_record_id", "description", "is_major", "found_at"),
        ("told_at", "rectified_at"),
    ),
    "follow_up": (
        (
            "id",
            "service_record_id",
            "method",
            "visited_at",
            "satisfaction",
            "comments",
            "staff_id",
            "created_at",
        ),
        (),
    ),
    "unit_confirmation": (
        ("id", "service_record_id", "unit_id", "decision", "reason", "decided_at", "created_at"),
        (),
    ),
    "fee_ledger_entry": (
        (
            "id",
            "insurer_id",
            "unit_id",
            "policy_id",
            "kind",
            "amount",
            "occurred_on",
            "purpose",
            "service_record_id",
            "counterparty",
            "corrects_id",
            "created_at",
        ),
        (),
    ),
    "complaint": (
        (
            "id",
            "insurer_id",
            "unit_id",
            "service_record_id",
            "filed_at",
            "request",
            "needs_verification",
            "created_at",
        ),
        (
            "answered_at",
            "answer_request",
            "answer_facts",
            "answer_measures",
            "extension_days",
            "extension_approver",
            "extension_reason",
            "extension_told_at",
        ),
    ),
}

_MESSAGE = (
    "R-7.4-archive: archived rows are kept %s years; %s on %s refused / 档案保存期内不得修改或删除"
)

_PG_FUNCTIONS = (
    """
CREATE FUNCTION archive_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'R-7.4-archive: % on % refused (archive is append-only) / 档案不得修改或删除',
        TG_OP, TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END
$$
""",
    # TG_ARGV: (years, dating column) or (years, parent table, foreign key).
    """
CREATE FUNCTION archive_refuse_young_delete() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    born timestamptz;
BEGIN
    IF TG_NARGS = 2 THEN
        born := (to_jsonb(OLD) ->> TG_ARGV[1])::timestamptz;
    ELSE
        EXECUTE format('SELECT created_at FROM %I WHERE id = $1', TG_ARGV[1])
            INTO born USING (to_jsonb(OLD) ->> TG_ARGV[2])::bigint;
    END IF;
    IF born IS NOT NULL AND born > now() - make_interval(years => TG_ARGV[0]::int) THEN
        RAISE EXCEPTION 'R-7.4-archive: % on % refused within the % years of retention / 档案保存期内不得删除',
            TG_OP, TG_TABLE_NAME, TG_ARGV[0] USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN OLD;
END
$$
""",
)


def _changed(frozen: tuple[str, ...], once: tuple[str, ...], pg: bool) -> str:
    differs = "IS DISTINCT FROM" if pg else "IS NOT"
    parts = [f"OLD.{c} {differs} NEW.{c}" for c in frozen]
    parts += [f"(OLD.{c} IS NOT NULL AND OLD.{c} {differs} NEW.{c})" for c in once]
    return " OR ".join(parts)


def _sqlite_age(table: str, column_of_old: str) -> str:
    aged = AGED_BY.get(table)
    if aged is None:
        return f"OLD.{column_of_old}"
    parent, key = aged
    return f"(SELECT created_at FROM {parent} WHERE id = OLD.{key})"


def _triggers_postgresql() -> None:
    for function in _PG_FUNCTIONS:
        op.execute(function)
    years = RETENTION_YEARS
    op.execute(
        "CREATE TRIGGER archive_entry_no_update BEFORE UPDATE ON archive_entry "
        "FOR EACH ROW EXECUTE FUNCTION archive_refuse()"
    )
    op.execute(
        "CREATE TRIGGER archive_entry_no_delete BEFORE DELETE ON archive_entry "
        f"FOR EACH ROW EXECUTE FUNCTION archive_refuse_young_delete('{years}', 'recorded_at')"
    )
    op.execute(
        "CREATE TRIGGER archive_head_no_delete BEFORE DELETE ON archive_head "
        "FOR EACH ROW EXECUTE FUNCTION archive_refuse()"
    )
    for table in ("archive_entry", "archive_head", *FROZEN):
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION archive_refuse()"
        )
    for table, (frozen, once) in FROZEN.items():
        op.execute(
            f"CREATE TRIGGER {table}_archived_update BEFORE UPDATE ON {table} FOR EACH ROW "
            f"WHEN ({_changed(frozen, once, pg=True)}) EXECUTE FUNCTION archive_refuse()"
        )
        aged = AGED_BY[table]
        args = (
            f"'{years}', 'created_at'" if aged is None else f"'{years}', '{aged[0]}', '{aged[1]}'"
        )
        op.execute(
            f"CREATE TRIGGER {table}_archived_delete BEFORE DELETE ON {table} FOR EACH ROW "
            f"EXECUTE FUNCTION archive_refuse_young_delete({args})"
        )


def _raise(event: str, table: str) -> str:
    return f"SELECT RAISE(ABORT, '{_MESSAGE % (RETENTION_YEARS, event, table)}')"


def _triggers_sqlite() -> None:
    since = f"datetime('now', '-{RETENTION_YEARS} years')"
    op.execute(
        "CREATE TRIGGER archive_entry_no_update BEFORE UPDATE ON archive_entry "
        f"BEGIN {_raise('UPDATE', 'archive_entry')}; END"
    )
    op.execute(
        "CREATE TRIGGER archive_entry_no_delete BEFORE DELETE ON archive_entry "
        f"WHEN OLD.recorded_at > {since} BEGIN {_raise('DELETE', 'archive_entry')}; END"
    )
    op.execute(
        "CREATE TRIGGER archive_head_no_delete BEFORE DELETE ON archive_head "
        f"BEGIN {_raise('DELETE', 'archive_head')}; END"
    )
    for table, (frozen, once) in FROZEN.items():
        op.execute(
            f"CREATE TRIGGER {table}_archived_update BEFORE UPDATE ON {table} "
            f"WHEN {_changed(frozen, once, pg=False)} BEGIN {_raise('UPDATE', table)}; END"
        )
        op.execute(
            f"CREATE TRIGGER {table}_archived_delete BEFORE DELETE ON {table} "
            f"WHEN {_sqlite_age(table, 'created_at')} > {since} "
            f"BEGIN {_raise('DELETE', table)}; END"
        )


def _drop_triggers() -> None:
    pg = op.get_bind().dialect.name == "postgresql"
    names = ["archive_entry_no_update", "archive_entry_no_delete", "archive_head_no_delete"]
    on = {n: n.split("_no_")[0] for n in names}
    for table in FROZEN:
        for suffix in ("archived_update", "archived_delete"):
            on[f"{table}_{suffix}"] = table
    if pg:
        for table in ("archive_entry", "archive_head", *FROZEN):
            on[f"{table}_no_truncate"] = table
    for name, table in on.items():
        op.execute(
            f"DROP TRIGGER IF EXISTS {name} ON {table}" if pg else f"DROP TRIGGER IF EXISTS {name}"
        )
    if pg:
        op.execute("DROP FUNCTION IF EXISTS archive_refuse_young_delete()")
        op.execute("DROP FUNCTION IF EXISTS archive_refuse()")


def _backfill() -> None:
    from store.archive.chain import backfill  # the same code that appends at write time

    # The tables archived at this revision (a later one archives more, and backfills them).
    backfill(op.get_bind(), tables=tuple(AGED_BY))


def upgrade() -> None:
    op.create_table(
        "archive_entry",
        sa.Column("id", _ID, nullable=False),
        sa.Column("unit_id", _ID, nullable=False),
        sa.Column("insurer_id", _ID, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("source_table", sa.String(length=32), nullable=False),
        sa.Column("source_id", sa.BigInteger(), nullable=False),
        sa.Column("source_version", sa.Integer(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", store.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["insurer_id"], ["insurer.id"], name=op.f("fk_archive_entry_insurer_id_insurer")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["insured_unit.id"], name=op.f("fk_archive_entry_unit_id_insured_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_entry")),
        sa.UniqueConstraint("unit_id", "seq", name=op.f("uq_archive_entry_unit_id_seq")),
    )
    with op.batch_alter_table("archive_entry", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_archive_entry_insurer_id"), ["insurer_id"], unique=False
        )
        batch_op.create_index(
            "ix_archive_entry_source",
            ["source_table", "source_id", "source_version"],
            unique=False,
        )
    op.create_table(
        "archive_head",
        sa.Column("unit_id", _ID, autoincrement=False, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["insured_unit.id"], name=op.f("fk_archive_head_unit_id_insured_unit")
        ),
        sa.PrimaryKeyConstraint("unit_id", name=op.f("pk_archive_head")),
    )
    _backfill()
    if op.get_bind().dialect.name == "postgresql":
        _triggers_postgresql()
    else:
        _triggers_sqlite()
    grant_if_stored(ARCHIVE_RULES)  # store/migrations/policy_rows.py


def downgrade() -> None:
    revoke(ARCHIVE_RULES)
    _drop_triggers()
    op.drop_table("archive_head")
    with op.batch_alter_table("archive_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_archive_entry_source")
        batch_op.drop_index(batch_op.f("ix_archive_entry_insurer_id"))
    op.drop_table("archive_entry")
