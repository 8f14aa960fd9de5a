"""Revoking bearer tokens: by jti, or a principal logged out everywhere; and the listing
operators read (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from services.api_keys import create_api_key
from services.credential_errors import UnknownPrincipal
from services.credential_listing import credential_listing
from services.errors import InputError
from services.token_lifetime import MAX_TOKEN_LIFETIME
from services.tokens_admin import logout_everywhere, logout_instant, revoke_jti
from store.base import utcnow
from store.repositories.auth_version import AuthVersionRepository
from store.repositories.revoked_token import RevokedTokenRepository
from tests.factories.principal import create_principal


async def test_a_bare_jti_is_kept_for_the_longest_token_lifetime(session: AsyncSession) -> None:
    now = utcnow()
    before = await AuthVersionRepository(session).current()
    assert before is not None
    row, fresh = await revoke_jti(session, "abc-DEF_123", now=now)
    assert fresh and row.principal_name is None
    assert row.expires_at == now + MAX_TOKEN_LIFETIME
    assert await AuthVersionRepository(session).current() == before + 1
    again, fresh = await revoke_jti(session, "abc-DEF_123")
    assert not fresh and again.revoked_at == row.revoked_at
    assert await AuthVersionRepository(session).current() == before + 1


@pytest.mark.parametrize("jti", ["", "has space", "x" * 65, "semi;colon"])
async def test_a_malformed_jti_is_refused(session: AsyncSession, jti: str) -> None:
    with pytest.raises(InputError) as refused:
        await revoke_jti(session, jti)
    assert refused.value.errors[0].field == "jti"


async def test_expired_revocations_are_purged_and_not_reported_as_live(
    session: AsyncSession,
) -> None:
    now = utcnow()
    await revoke_jti(session, "old", expires_at=now - timedelta(seconds=1), now=now)
    await revoke_jti(
        session, "young", principal_name="someone", expires_at=now + timedelta(hours=1)
    )
    repo = RevokedTokenRepository(session)
    assert await repo.unexpired_jtis(now) == {"young"}
    await revoke_jti(session, "another", now=now)  # each revocation purges the expired rows
    assert await repo.by_jti("old") is None


def test_the_logout_instant_is_the_next_whole_second() -> None:
    # A JWT's iat is whole seconds: a token issued at 10:00:00.7 says 10:00:00 and must be
    # refused by a logout at 10:00:00.9, so the cut-off is 10:00:01.
    assert logout_instant(datetime(2026, 1, 1, 10, 0, 0, 900_000, UTC)) == datetime(
        2026, 1, 1, 10, 0, 1, tzinfo=UTC
    )
    assert logout_instant(datetime(2026, 1, 1, 10, 0, 0, tzinfo=UTC)) == datetime(
        2026, 1, 1, 10, 0, 1, tzinfo=UTC
    )


async def test_logout_everywhere_sets_the_cutoff_and_revokes_every_key(
    session: AsyncSession,
) -> None:
    principal = await create_principal(session)
    bystander = await create_principal(session)
    for label in ("a", "b"):
        await create_api_key(session, principal.name, label)
    kept = await create_api_key(session, bystander.name, "kept")
    before = await AuthVersionRepository(session).current()
    assert before is not None
    now = utcnow()
    out = await logout_everywhere(session, principal.name, now=now)
    assert out.valid_after == logout_instant(now)
    assert principal.tokens_valid_after == out.valid_after
    assert out.api_keys_revoked == 2
    assert await AuthVersionRepository(session).current() == before + 1
    rows = {(r.kind, r.principal, r.ident): r for r in await credential_listing(session)}
    assert rows[("api-key", bystander.name, kept.row.prefix)].revoked is None
    assert rows[("logout", principal.name, "*")].revoked == out.valid_after
    mine = await credential_listing(session, principal.name)
    assert [r.kind for r in mine] == ["api-key", "api-key", "logout"]
    assert all(r.revoked is not None for r in mine)


async def test_unknown_principals_are_coded_errors(session: AsyncSession) -> None:
    with pytest.raises(UnknownPrincipal):
        await logout_everywhere(session, "nobody-here")
    with pytest.raises(UnknownPrincipal):
        await credential_listing(session, "nobody-here")
