"""API keys: create (the key is shown once), revoke, and check a presented key.

Rules: a key belongs to an existing, active principal; its label is 1-128 printable
characters; it lives ``days`` (1-3650) or until revoked; a revoked or expired key, or one
whose principal was deactivated, is refused. Revoking bumps ``auth_version`` in the same
transaction, like every revocation (server/revocation.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from services import api_key_material as material
from services.credential_errors import CredentialRefused, UnknownApiKey
from services.errors import ConflictError
from services.principal import require_principal
from services.validation import Checker
from store.base import utcnow
from store.models.api_key import LABEL_MAX_LENGTH, ApiKey
from store.repositories.api_key import ApiKeyRepository
from store.repositories.auth_version import AuthVersionRepository

MAX_DAYS = 3650  # ten years: a key must expire some day if it is given a lifetime at all
_PREFIX_ATTEMPTS = 5  # 36**8 prefixes: a second attempt is already a curiosity


@dataclass(frozen=True, slots=True)
class CreatedApiKey:
    key: str  # the only time the full key exists outside the client
    row: ApiKey


@dataclass(frozen=True, slots=True)
class ApiKeyUse:
    """A presented key that was accepted."""

    key_id: int
    prefix: str
    principal_name: str


async def create_api_key(
    session: AsyncSession,
    principal_name: str,
    label: str,
    *,
    days: int | None = None,
    now: datetime | None = None,
) -> CreatedApiKey:
    now = now or utcnow()
    check = Checker()
    clean_label = check.text("label", label, max_len=LABEL_MAX_LENGTH)
    if days is not None and not 1 <= days <= MAX_DAYS:
        check.fail(
            "OUT_OF_RANGE", "days", f"有效天数应为1至{MAX_DAYS}", f"must be 1 to {MAX_DAYS} days"
        )
    check.raise_if_any()
    assert clean_label is not None
    principal = await require_principal(session, principal_name, active=True)
    repo = ApiKeyRepository(session)
    for _ in range(_PREFIX_ATTEMPTS):
        fresh = material.generate()
        if not await repo.prefix_taken(fresh.prefix):
            break
    else:  # pragma: no cover - needs five collisions in 2.8e12
        raise ConflictError(
            "无法生成唯一的密钥前缀，请重试", "could not pick a unique prefix; retry"
        )
    row = await repo.add(
        ApiKey(
            principal_id=principal.id,
            label=clean_label,
            prefix=fresh.prefix,
            secret_hash=fresh.secret_hash,
            created_at=now,
            expires_at=None if days is None else now + timedelta(days=days),
        )
    )
    return CreatedApiKey(key=fresh.key, row=row)


async def revoke_api_key(
    session: AsyncSession, prefix: str, *, now: datetime | None = None
) -> tuple[ApiKey, bool]:
    """Revoke the key named by ``prefix``; ``(key, False)`` when it was revoked already."""
    repo = ApiKeyRepository(session)
    key = await repo.by_prefix(prefix.strip())
    if key is None:
        raise UnknownApiKey(prefix)
    if key.revoked_at is not None:
        return key, False
    key.revoked_at = now or utcnow()
    await session.flush()
    await AuthVersionRepository(session).bump()
    return key, True


async def authenticate_api_key(session: AsyncSession, presented: str, now: datetime) -> ApiKeyUse:
    """The accepted key behind ``presented``, else ``CredentialRefused``.

    Only a caller holding the whole secret learns that a key is revoked or expired; a wrong
    secret and an unknown prefix get the same answer.
    """
    parsed = material.parse(presented)
    if parsed is None:
        raise CredentialRefused(
            "API 密钥格式不正确（应为 azx_<前缀>_<密钥>）",
            "malformed API key (expected azx_<prefix>_<secret>)",
        )
    found = await ApiKeyRepository(session).for_authentication(parsed.prefix)
    if found is None or not material.secret_matches(parsed.secret, found[0].secret_hash):
        raise CredentialRefused("API 密钥无效", "unknown API key")
    key, principal_name, active = found
    if key.revoked_at is not None:
        raise CredentialRefused("API 密钥已被吊销", "API key has been revoked")
    if key.expires_at is not None and key.expires_at <= now:
        raise CredentialRefused("API 密钥已过期", "API key has expired")
    if not active:
        raise CredentialRefused("用户不存在或已停用", "unknown or inactive principal")
    return ApiKeyUse(key_id=key.id, prefix=key.prefix, principal_name=principal_name)
