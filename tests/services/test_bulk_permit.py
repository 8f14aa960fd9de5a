"""Who may upload in bulk comes from the policy (``create`` on the kind's table), not from
role names in code: insurers for their own tenant; nobody else under the default policy."""

from __future__ import annotations

import pytest

from policies.enforcer import Decisions, default_rules
from policies.scope import Scope
from services.bulk import KINDS, UploadPermit
from services.identity import Identity, RoleGrant
from store.enums import Role

DEFAULT = Decisions(default_rules())


def _identity(*grants: RoleGrant) -> Identity:
    return Identity(name="uploader", display_name="上传者", grants=grants)


def _permit(identity: Identity, kind: str, decisions: Decisions = DEFAULT) -> UploadPermit | None:
    return UploadPermit.of(Scope(identity, decisions.decide), KINDS[kind].model.__tablename__)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_an_insurer_uploads_for_its_own_tenant(kind: str) -> None:
    permit = _permit(_identity(RoleGrant(role=Role.INSURER, insurer_id=7)), kind)

    assert permit is not None
    assert permit.insurer_ids == frozenset({7})
    assert permit.allows(7) and not permit.allows(8)


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize(
    "grant",
    [
        RoleGrant(role=Role.PUBLIC),
        RoleGrant(role=Role.REGULATOR, region_code="440000"),
        RoleGrant(role=Role.UNIT, unit_id=1),
        RoleGrant(role=Role.AGENCY, agency_id=1),
        RoleGrant(role=Role.ADMIN),  # the platform's operator keeps no business rows
        RoleGrant(role=Role.INSURER),  # an insurer grant with no insurer bounds nothing
    ],
    ids=lambda g: f"{g.role.value}{'' if g.insurer_id is None else g.insurer_id}",
)
def test_no_other_grant_uploads(kind: str, grant: RoleGrant) -> None:
    assert _permit(_identity(grant), kind) is None


def test_an_all_grant_uploads_for_any_insurer_and_an_empty_policy_for_none() -> None:
    admin = _identity(RoleGrant(role=Role.ADMIN))
    wide = Decisions([*default_rules(), ("admin", "service_record", "create", "all")])

    permit = _permit(admin, "service-records", wide)

    assert permit is not None and permit.insurer_ids is None
    insurer = _identity(RoleGrant(role=Role.INSURER, insurer_id=7))
    assert _permit(insurer, "service-records", Decisions([])) is None
