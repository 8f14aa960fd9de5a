"""API keys: created for active principals only, checked by hash, refused once revoked or
expired, and every revocation bumps auth_version (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from services.api_keys import authenticate_api_key, create_api_key, revoke_api_key
from services.credential_errors import (
    CredentialRefused,
    PrincipalInactive,
    UnknownApiKey,
    UnknownPrincipal,
)
from services.errors import InputError
from store.base import utcnow
from store.repositories.auth_version import AuthVersionRepository
from tests.factories.principal import create_principal


async def test_a_created_key_authenticates_its_principal(session: AsyncSession) -> None:
    principal = await create_principal(session)
    created = await create_api_key(session, principal.name, "  nightly upload  ")
    assert created.key.startswith(f"azx_{created.row.prefix}_")
    assert created.row.label == "nightly upload"
    assert created.row.expires_at is None
    assert created.key.split("_", 2)[2] not in created.row.secret_hash  # only the hash is kept
    use = await authenticate_api_key(session, created.key, utcnow())
    assert (use.principal_name, use.prefix) == (principal.name, created.row.prefix)


async def test_days_set_the_expiry(session: AsyncSession) -> None:
    principal = await create_principal(session)
    now = utcnow()
    created = await create_api_key(session, principal.name, "ci", days=30, now=now)
    assert created.row.expires_at == now + timedelta(days=30)


async def test_creation_is_refused_for_unknown_or_inactive_principals(
    session: AsyncSession,
) -> None:
    with pytest.raises(UnknownPrincipal) as unknown:
        await create_api_key(session, "nobody-here", "x")
    assert unknown.value.code == "UNKNOWN_PRINCIPAL" and "nobody-here" in unknown.value.message_zh
    inactive = await create_principal(session, active=False)
    with pytest.raises(PrincipalInactive):
        await create_api_key(session, inactive.name, "x")


async def test_label_and_days_are_checked_together(session: AsyncSession) -> None:
    principal = await create_principal(session)
    with pytest.raises(InputError) as refused:
        await create_api_key(session, principal.name, " ", days=0)
    assert [(e.field, e.code) for e in refused.value.errors] == [
        ("label", "REQUIRED"),
        ("days", "OUT_OF_RANGE"),
    ]


@pytest.mark.parametrize("tamper", ["secret", "prefix", "shape"])
async def test_a_wrong_key_is_refused_without_saying_why(
    session: AsyncSession, tamper: str
) -> None:
    principal = await create_principal(session)
    key = (await create_api_key(session, principal.name, "x")).key
    wrong = {
        "secret": key[:-1] + ("B" if key.endswith("A") else "A"),
        "prefix": "azx_zzzzzzzz" + key[12:],
        "shape": key + "x",
    }[tamper]
    with pytest.raises(CredentialRefused) as refused:
        await authenticate_api_key(session, wrong, utcnow())
    assert refused.value.code == "UNAUTHENTICATED"
    assert "revoked" not in refused.value.message_en and "expired" not in refused.value.message_en


async def test_revoked_expired_and_deactivated_keys_are_refused(session: AsyncSession) -> None:
    principal = await create_principal(session)
    now = utcnow()
    revoked = await create_api_key(session, principal.name, "r")
    await revoke_api_key(session, revoked.row.prefix)
    expired = await create_api_key(
        session, principal.name, "e", days=1, now=now - timedelta(days=2)
    )
    for key, reason in ((revoked.key, "revoked"), (expired.key, "expired")):
        with pytest.raises(CredentialRefused) as refused:
            await authenticate_api_key(session, key, now)
        assert reason in refused.value.message_en
    live = await create_api_key(session, principal.name, "live")
    principal.active = False
    await session.flush()
    with pytest.raises(CredentialRefused, match="inactive"):
        await authenticate_api_key(session, live.key, now)


async def test_revocation_bumps_the_version_once(session: AsyncSession) -> None:
    principal = await create_principal(session)
    created = await create_api_key(session, principal.name, "x")
    versions = AuthVersionRepository(session)
    before = await versions.current()
    assert before is not None
    key, fresh = await revoke_api_key(session, created.row.prefix)
    assert fresh and key.revoked_at is not None
    assert await versions.current() == before + 1
    again, fresh = await revoke_api_key(session, created.row.prefix)  # idempotent
    assert not fresh and again.revoked_at == key.revoked_at
    assert await versions.current() == before + 1


async def test_revoking_an_unknown_prefix_is_a_coded_error(session: AsyncSession) -> None:
    with pytest.raises(UnknownApiKey) as unknown:
        await revoke_api_key(session, "zzzzzzzz")
    assert unknown.value.code == "UNKNOWN_API_KEY"
    assert "zzzzzzzz" in unknown.value.message_zh
