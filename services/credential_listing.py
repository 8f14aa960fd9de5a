"""Every credential the server knows of, with its state, for `anzexian token list`.

Bearer tokens are stateless: the server only knows the ones revoked (by jti, until they
expire) and the principals logged out everywhere (tokens issued before a cut-off).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from services.principal import require_principal
from services.token_lifetime import MAX_TOKEN_LIFETIME
from store.base import utcnow
from store.repositories.api_key import ApiKeyRepository
from store.repositories.principal import PrincipalRepository
from store.repositories.revoked_token import RevokedTokenRepository

Kind = Literal["api-key", "jwt", "logout"]


@dataclass(frozen=True, slots=True)
class CredentialRow:
    kind: Kind
    principal: str | None  # None: a jti revoked without its token, so its owner is unknown
    ident: str  # API key prefix, JWT id, or "*" for all tokens before a cut-off
    created: datetime | None
    expires: datetime | None
    last_used: datetime | None
    revoked: datetime | None
    label: str = ""


async def credential_listing(
    session: AsyncSession, principal_name: str | None = None, *, now: datetime | None = None
) -> list[CredentialRow]:
    """API keys (all), revoked JWTs not yet purged, and logouts that still refuse tokens."""
    now = now or utcnow()
    principal_id = None
    if principal_name is not None:
        principal_id = (await require_principal(session, principal_name)).id
    rows = [
        CredentialRow(
            kind="api-key",
            principal=name,
            ident=key.prefix,
            created=key.created_at,
            expires=key.expires_at,
            last_used=key.last_used_at,
            revoked=key.revoked_at,
            label=key.label,
        )
        for key, name in await ApiKeyRepository(session).listing(principal_id)
    ]
    rows += [
        CredentialRow(
            kind="jwt",
            principal=token.principal_name,
            ident=token.jti,
            created=None,
            expires=token.expires_at,
            last_used=None,
            revoked=token.revoked_at,
        )
        for token in await RevokedTokenRepository(session).listing(principal_name)
    ]
    cutoffs = await PrincipalRepository(session).tokens_valid_after(since=now - MAX_TOKEN_LIFETIME)
    rows += [
        CredentialRow(
            kind="logout",
            principal=name,
            ident="*",
            created=None,
            expires=None,
            last_used=None,
            revoked=when,
            label="tokens issued before this are refused / 此前签发的令牌均已失效",
        )
        for name, when in sorted(cutoffs.items())
        if principal_name is None or name == principal_name
    ]
    return rows
