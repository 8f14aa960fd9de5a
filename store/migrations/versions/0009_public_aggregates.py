"""public aggregates: the portal's ``stats`` rights granted to an already stored policy (issue 7)

The public portal shows aggregates of the whole data set (units covered, services delivered,
satisfaction, complaint handling, fee use); the public role's ``aggregate`` rows of
policies/policy.csv are granted here to a policy stored before them
(store/migrations/policy_rows.py). Groups of few units are left out of the public's answers
by the stats resolver (services/stats_suppression.py), not by the policy. No schema change.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 09:20:00
"""

from collections.abc import Sequence

from store.migrations.policy_rows import Row, grant_if_stored, revoke

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The public's aggregate rows of policies/policy.csv on this day (role, resource, action, scope).
PUBLIC_AGGREGATES: tuple[Row, ...] = tuple(
    ("public", resource, "aggregate", "all")
    for resource in (
        "insured_unit",
        "insurance_policy",
        "service_record",
        "follow_up",
        "complaint",
        "fee_ledger_entry",
        "insurer",
        "region",
        "region_ancestor",
        "industry",
    )
)


def upgrade() -> None:
    grant_if_stored(PUBLIC_AGGREGATES)


def downgrade() -> None:
    revoke(PUBLIC_AGGREGATES)
