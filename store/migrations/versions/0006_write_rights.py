"""write rights: the policy's write actions granted to an already stored policy (issue 4)

Writes became authorized by the policy (services/write_access.py): a role writes only what
a ``create`` / ``record`` / ``confirm`` / ``answer`` / ``revise`` / ``submit`` / ``publish``
row allows, and names rows it cannot read only through ``refer``. A database migrated
before this has a stored policy without those rows, which would now refuse every write; this
grants the rows of policies/policy.csv to it (store/migrations/policy_rows.py). No schema
change.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 07:20:00
"""

from collections.abc import Sequence

from store.migrations.policy_rows import Row, grant_if_stored, revoke

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The write rows of policies/policy.csv on this day (role, resource, action, scope kind).
WRITE_RULES: tuple[Row, ...] = (
    ("insurer", "insurance_policy", "create", "own_tenant"),
    ("insurer", "service_scheme", "create", "own_tenant"),
    ("insurer", "service_record", "create", "own_tenant"),
    ("insurer", "service_record", "record", "own_tenant"),
    ("insurer", "follow_up", "create", "own_tenant"),
    ("insurer", "fee_ledger_entry", "create", "own_tenant"),
    ("insurer", "complaint", "answer", "own_tenant"),
    ("insurer", "annual_evaluation", "create", "own_tenant"),
    ("insurer", "annual_evaluation", "revise", "own_tenant"),
    ("insurer", "annual_evaluation", "submit", "own_tenant"),
    ("insurer", "annual_evaluation", "publish", "own_tenant"),
    ("insurer", "improvement_measure", "create", "own_tenant"),
    ("insurer", "improvement_measure", "record", "own_tenant"),
    ("insurer", "insured_unit", "refer", "all"),
    ("insurer", "staff_member", "refer", "all"),
    ("unit", "unit_confirmation", "confirm", "own_unit"),
    ("unit", "complaint", "create", "own_unit"),
    ("agency", "service_record", "record", "assigned"),
)


def upgrade() -> None:
    grant_if_stored(WRITE_RULES)


def downgrade() -> None:
    revoke(WRITE_RULES)
