"""Role bindings: each role carries exactly the subject its scope is compiled from.

regulator → a jurisdiction (region) and optionally an industry set; insurer → its tenant;
unit → the insured unit; agency → the agency; public and admin → nothing. A missing subject
would leave the scope compiler nothing to filter by, an extra one would suggest a scope the
role does not have, so both are refused here rather than guessed later.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from services import references
from services.errors import NotFoundError
from services.validation import Checker
from services.validation.messages import duplicate, unknown_reference
from store.enums import Role
from store.models.role_binding import RoleBinding
from store.repositories.industry import IndustryRepository
from store.repositories.principal import PrincipalRepository
from store.repositories.role_binding import RoleBindingRepository

# Subject attribute -> input field name (camelCase, as the client writes it).
SUBJECT_FIELDS = {
    "region_code": "regionCode",
    "industry_codes": "industryCodes",
    "insurer_id": "insurerId",
    "unit_id": "unitId",
    "agency_id": "agencyId",
}
# The subject each role must carry, and the ones it may carry besides.
REQUIRED_SUBJECT: dict[Role, str | None] = {
    Role.REGULATOR: "region_code",
    Role.INSURER: "insurer_id",
    Role.UNIT: "unit_id",
    Role.AGENCY: "agency_id",
    Role.PUBLIC: None,
    Role.ADMIN: None,
}
OPTIONAL_SUBJECTS: dict[Role, frozenset[str]] = {Role.REGULATOR: frozenset({"industry_codes"})}


@dataclass(frozen=True, slots=True)
class RoleBindingInput:
    role: Role | str
    region_code: str | None = None  # regulator: the jurisdiction
    industry_codes: tuple[str, ...] | None = None  # regulator: None = every industry
    insurer_id: int | None = None
    unit_id: int | None = None
    agency_id: int | None = None


@dataclass(frozen=True, slots=True)
class CleanBinding:
    """A binding whose fields passed their checks; references are not looked up yet."""

    role: Role
    region_code: str | None
    industry_codes: tuple[str, ...] | None
    insurer_id: int | None
    unit_id: int | None
    agency_id: int | None

    @classmethod
    def of(cls, row: RoleBinding) -> CleanBinding:
        """A stored binding, to compare with a new one."""
        industries = None if row.industry_codes is None else tuple(row.industry_codes)
        return cls(
            row.role, row.region_code, industries, row.insurer_id, row.unit_id, row.agency_id
        )

    def key(self) -> tuple[object, ...]:
        """Two bindings with the same key grant the same thing."""
        industries = (
            None if self.industry_codes is None else tuple(sorted(set(self.industry_codes)))
        )
        return (
            self.role,
            self.region_code,
            industries,
            self.insurer_id,
            self.unit_id,
            self.agency_id,
        )

    def row(self, principal_id: int | None = None) -> RoleBinding:
        return RoleBinding(
            principal_id=principal_id,
            role=self.role,
            region_code=self.region_code,
            # a repeated industry code adds nothing to the set
            industry_codes=None
            if self.industry_codes is None
            else list(dict.fromkeys(self.industry_codes)),
            insurer_id=self.insurer_id,
            unit_id=self.unit_id,
            agency_id=self.agency_id,
        )


def _check_subjects(check: Checker, prefix: str, role: Role, data: RoleBindingInput) -> None:
    required = REQUIRED_SUBJECT[role]
    allowed = OPTIONAL_SUBJECTS.get(role, frozenset()) | ({required} if required else set())
    for attribute, name in SUBJECT_FIELDS.items():
        given = getattr(data, attribute) is not None
        if attribute == required and not given:
            check.fail(
                "ROLE_SUBJECT_REQUIRED",
                prefix + name,
                f"角色“{role.label_zh}”必须指定此项",
                f"role '{role.value}' needs this subject",
            )
        elif given and attribute not in allowed:
            check.fail(
                "ROLE_SUBJECT_NOT_ALLOWED",
                prefix + name,
                f"角色“{role.label_zh}”不能指定此项",
                f"role '{role.value}' takes no such subject",
            )


def _clean_industries(
    check: Checker, field: str, codes: tuple[str, ...] | None
) -> tuple[str, ...] | None:
    if codes is None:
        return None
    # An empty set would read as "no restriction" to some and "nothing" to others: refuse it.
    if not check.non_empty(field, codes):
        return None
    cleaned = [check.text(f"{field}[{j}]", code, max_len=8) for j, code in enumerate(codes)]
    # Positions stay as given, so a later error on industryCodes[j] points at the input.
    return tuple(code for code in cleaned if code is not None) if None not in cleaned else None


def clean_binding(check: Checker, prefix: str, data: RoleBindingInput) -> CleanBinding | None:
    """Field checks of one binding; ``prefix`` is its path (``"bindings[0]."`` or ``""``)."""
    start = len(check.errors)
    role = check.enum(prefix + "role", data.role, Role)
    if role is not None:
        _check_subjects(check, prefix, role, data)
    region_code = check.region_code(prefix + "regionCode", data.region_code, required=False)
    industry_codes = _clean_industries(check, prefix + "industryCodes", data.industry_codes)
    insurer_id = check.identifier(prefix + "insurerId", data.insurer_id, required=False)
    unit_id = check.identifier(prefix + "unitId", data.unit_id, required=False)
    agency_id = check.identifier(prefix + "agencyId", data.agency_id, required=False)
    if role is None or len(check.errors) > start:
        return None
    return CleanBinding(role, region_code, industry_codes, insurer_id, unit_id, agency_id)


async def check_references(
    check: Checker, session: AsyncSession, prefix: str, binding: CleanBinding
) -> None:
    """Every subject the binding names exists (in the writer's scope)."""
    await references.region(check, session, prefix + "regionCode", binding.region_code)
    if binding.industry_codes is not None:
        known = await IndustryRepository(session).existing_codes(binding.industry_codes)
        for j, code in enumerate(binding.industry_codes):
            if code not in known:
                unknown_reference(check, f"{prefix}industryCodes[{j}]", "行业", "industry")
    await references.insurer(check, session, prefix + "insurerId", binding.insurer_id)
    await references.insured_unit(check, session, prefix + "unitId", binding.unit_id)
    await references.agency(check, session, prefix + "agencyId", binding.agency_id)


async def bind_role(
    session: AsyncSession, principal_id: int, data: RoleBindingInput
) -> RoleBinding:
    """Grant an existing principal one more role binding."""
    check = Checker()
    key = check.identifier("principalId", principal_id)
    binding = clean_binding(check, "", data)
    check.raise_if_any()
    assert key is not None and binding is not None

    principal = await PrincipalRepository(session).with_bindings(key)
    if principal is None:
        raise NotFoundError("principal", key)
    if any(CleanBinding.of(row).key() == binding.key() for row in principal.bindings):
        duplicate(check, "role", "相同的角色绑定", "the same role binding")
    await check_references(check, session, "", binding)
    check.raise_if_any()
    return await RoleBindingRepository(session).add(binding.row(principal.id))
