"""Operators' rules for bearer tokens: revoke one (by jti), log a principal out everywhere,
and list every credential with its state.

Every revocation bumps ``auth_version`` in its own transaction, which is how the other
server processes learn of it within ``ANZEXIAN_AUTH_REFRESH_SECONDS`` (server/revocation.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from services.principal import require_principal
from services.token_lifetime import MAX_TOKEN_LIFETIME
from services.validation import Checker
from store.base import utcnow
from store.models.principal import Principal
from store.models.revoked_token import JTI_MAX_LENGTH, RevokedToken
from store.repositories.api_key import ApiKeyRepository
from store.repositories.auth_version import AuthVersionRepository
from store.repositories.revoked_token import RevokedTokenRepository

_JTI = re.compile(rf"[A-Za-z0-9_-]{{1,{JTI_MAX_LENGTH}}}")


@dataclass(frozen=True, slots=True)
class PrincipalLogout:
    principal: Principal
    valid_after: datetime  # tokens issued (iat) before this instant are refused
    api_keys_revoked: int


def logout_instant(now: datetime) -> datetime:
    """The cut-off for "log out everywhere" at ``now``: the next whole second.

    A JWT's ``iat`` has whole seconds, so a token issued earlier in the same second as
    ``now`` carries an ``iat`` the cut-off must still refuse; rounding up refuses it (and a
    token issued later in that second too: the safe side).
    """
    return now.replace(microsecond=0) + timedelta(seconds=1)


async def revoke_jti(
    session: AsyncSession,
    jti: str,
    *,
    principal_name: str | None = None,
    expires_at: datetime | None = None,
    now: datetime | None = None,
) -> tuple[RevokedToken, bool]:
    """Refuse the token with this ``jti`` from now on; ``(row, False)`` if it already was.

    Without ``expires_at`` (the operator only has the id) the row is kept for the longest
    lifetime any token can have.
    """
    now = now or utcnow()
    check = Checker()
    clean = check.pattern(
        "jti",
        jti,
        _JTI,
        code="JTI_FORMAT",
        zh=f"令牌编号应为1至{JTI_MAX_LENGTH}位字母、数字、下划线或连字符",
        en=f"must be 1-{JTI_MAX_LENGTH} letters, digits, underscores or hyphens",
        max_len=JTI_MAX_LENGTH,
    )
    check.raise_if_any()
    assert clean is not None
    repo = RevokedTokenRepository(session)
    await repo.purge_expired(now)
    existing = await repo.by_jti(clean)
    if existing is not None:
        return existing, False
    row = await repo.add(
        RevokedToken(
            jti=clean,
            principal_name=principal_name,
            revoked_at=now,
            expires_at=expires_at or now + MAX_TOKEN_LIFETIME,
        )
    )
    await AuthVersionRepository(session).bump()
    return row, True


async def logout_everywhere(
    session: AsyncSession, principal_name: str, *, now: datetime | None = None
) -> PrincipalLogout:
    """Refuse every bearer token of the principal issued until now, and revoke its API keys."""
    now = now or utcnow()
    principal = await require_principal(session, principal_name)
    valid_after = logout_instant(now)
    principal.tokens_valid_after = valid_after
    await session.flush()
    revoked = await ApiKeyRepository(session).revoke_all_of(principal.id, now)
    await RevokedTokenRepository(session).purge_expired(now)
    await AuthVersionRepository(session).bump()
    return PrincipalLogout(principal=principal, valid_after=valid_after, api_keys_revoked=revoked)
