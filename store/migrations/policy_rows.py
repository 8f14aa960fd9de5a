"""Policy rows that a migration grants to a database whose policy is already stored.

``anzexian migrate`` stores the default policy (policies/policy.csv) only into an empty
``policy_rule`` table, so a deployment migrated before a release that adds rights to the
default would never see them: the migration of that release grants them here. A row for the
same (role, resource, action) is left as the operator set it, whatever its scope kind; an
empty table is left empty, for the default policy that follows to fill. The rows are listed
in each migration, never read from policy.csv, so the migration means the same forever.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from store.base import UTCDateTime

Row = tuple[str, str, str, str]  # role, resource, action, scope kind

_RULES = sa.table(
    "policy_rule",
    sa.column("ptype", sa.String),
    sa.column("v0", sa.String),
    sa.column("v1", sa.String),
    sa.column("v2", sa.String),
    sa.column("v3", sa.String),
)


def grant_if_stored(rows: Iterable[Row]) -> int:
    """Add each row not yet decided; returns how many were added."""
    bind = op.get_bind()
    if not bind.execute(sa.select(sa.func.count()).select_from(_RULES)).scalar():
        return 0
    added = []
    for role, resource, action, scope in rows:
        present = bind.execute(
            sa.select(sa.func.count())
            .select_from(_RULES)
            .where(
                _RULES.c.ptype == "p",
                _RULES.c.v0 == role,
                _RULES.c.v1 == resource,
                _RULES.c.v2 == action,
            )
        ).scalar()
        if not present:
            added.append({"ptype": "p", "v0": role, "v1": resource, "v2": action, "v3": scope})
    if added:
        op.bulk_insert(_RULES, added)
        _announce()
    return len(added)


def _announce() -> None:
    """Bump the version every server process polls (server/policy_source.py), as the
    policy repository does on every change, so running gateways take the new rows within
    their refresh bound rather than at the next full reload."""
    version = sa.table(
        "auth_version",
        sa.column("id", sa.Integer),
        sa.column("version", sa.BigInteger),
        sa.column("changed_at", UTCDateTime(timezone=True)),
    )
    op.execute(
        version.update()
        .where(version.c.id == 1)
        .values(version=version.c.version + 1, changed_at=datetime.now(UTC))
    )


def revoke(rows: Iterable[Row]) -> None:
    """Remove exactly these rows (a downgrade)."""
    rows = list(rows)
    for role, resource, action, scope in rows:
        op.execute(
            _RULES.delete().where(
                _RULES.c.ptype == "p",
                _RULES.c.v0 == role,
                _RULES.c.v1 == resource,
                _RULES.c.v2 == action,
                _RULES.c.v3 == scope,
            )
        )
    if rows:
        _announce()
