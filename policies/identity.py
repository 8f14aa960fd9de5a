"""Who is asking: the authenticated principal and its role grants (or the public)."""

from __future__ import annotations

from dataclasses import dataclass, field

from store.enums import Role


@dataclass(frozen=True, slots=True)
class RoleGrant:
    """One role with the subject its scope is compiled from (DESIGN.md, roles and scopes)."""

    role: Role
    region_code: str | None = None  # regulator: jurisdiction
    industry_codes: tuple[str, ...] = ()  # regulator: optional industry set
    insurer_id: int | None = None
    unit_id: int | None = None
    agency_id: int | None = None


@dataclass(frozen=True, slots=True)
class Identity:
    name: str
    display_name: str
    grants: tuple[RoleGrant, ...] = field(default_factory=tuple)

    @property
    def roles(self) -> tuple[Role, ...]:
        return tuple(g.role for g in self.grants)

    @property
    def is_public(self) -> bool:
        return self.grants == (PUBLIC_GRANT,)


PUBLIC_GRANT = RoleGrant(role=Role.PUBLIC)
# No token → the public role (issue 4): published results and aggregates only.
PUBLIC = Identity(name="public", display_name="社会公众", grants=(PUBLIC_GRANT,))
