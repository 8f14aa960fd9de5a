"""Registering principals (users and insurers' API clients) with their role bindings."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from services.credential_errors import PrincipalInactive, UnknownPrincipal
from services.role_binding import CleanBinding, RoleBindingInput, check_references, clean_binding
from services.validation import Checker
from services.validation.messages import duplicate
from store.enums import PrincipalKind
from store.models.principal import Principal
from store.repositories.principal import PrincipalRepository

# Login names: lower case, safe in URLs, tokens and Casbin policy lines.
_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{2,63}")


@dataclass(frozen=True, slots=True)
class PrincipalInput:
    kind: PrincipalKind | str
    name: str
    display_name: str
    bindings: tuple[RoleBindingInput, ...] = ()


def _clean_bindings(check: Checker, items: tuple[RoleBindingInput, ...]) -> list[CleanBinding]:
    cleaned: list[CleanBinding] = []
    seen: set[tuple[object, ...]] = set()
    for i, item in enumerate(items):
        binding = clean_binding(check, f"bindings[{i}].", item)
        if binding is None:
            continue
        if binding.key() in seen:
            check.fail(
                "DUPLICATE_ENTRY",
                f"bindings[{i}]",
                "相同的角色绑定重复出现",
                "the same role binding is listed twice",
            )
        seen.add(binding.key())
        cleaned.append(binding)
    return cleaned


async def create_principal(session: AsyncSession, data: PrincipalInput) -> Principal:
    check = Checker()
    kind = check.enum("kind", data.kind, PrincipalKind)
    name = check.pattern(
        "name",
        data.name,
        _NAME,
        code="PRINCIPAL_NAME_FORMAT",
        zh="名称应为3至64位小写字母、数字、点、下划线或连字符，以字母或数字开头",
        en="must be 3–64 lower-case letters, digits, dots, underscores or hyphens, "
        "starting with a letter or digit",
        max_len=64,
    )
    display_name = check.text("displayName", data.display_name, max_len=128)
    bindings = _clean_bindings(check, tuple(data.bindings))
    check.raise_if_any()
    assert kind is not None and name is not None and display_name is not None

    repo = PrincipalRepository(session)
    if await repo.taken(name=name):
        duplicate(check, "name", "名称", "principal name")
    for i, binding in enumerate(bindings):
        await check_references(check, session, f"bindings[{i}].", binding)
    check.raise_if_any()
    return await repo.add(
        Principal(
            kind=kind,
            name=name,
            display_name=display_name,
            active=True,
            bindings=[binding.row() for binding in bindings],
        )
    )


async def require_principal(session: AsyncSession, name: str, *, active: bool = False) -> Principal:
    """The principal called ``name`` (and active, when asked), else a coded error."""
    principal = await PrincipalRepository(session).by_name(name)
    if principal is None:
        raise UnknownPrincipal(name)
    if active and not principal.active:
        raise PrincipalInactive(name)
    return principal
