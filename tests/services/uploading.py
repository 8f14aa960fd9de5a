"""Running a bulk upload at the service level as the HTTP endpoint does: one session, commit
only when the outcome says so, roll back otherwise."""

from __future__ import annotations

from collections.abc import AsyncIterator

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.bulk import KINDS, Limits, Outcome, Uploader, UploadPermit, ingest

ADMIN = UploadPermit(insurer_ids=None)
LIMITS = Limits(max_body_bytes=50 * 1024 * 1024)


async def chunked(body: bytes, size: int) -> AsyncIterator[bytes]:
    """The body in pieces of ``size`` bytes, cutting lines (and UTF-8 characters) anywhere."""
    for start in range(0, len(body), size):
        yield body[start : start + size]


async def upload(
    sessions: async_sessionmaker[AsyncSession],
    kind: str,
    body: bytes,
    *,
    permit: UploadPermit = ADMIN,
    principal: str = "insurer-system",
    key: str | None = None,
    chunk_bytes: int = 65_536,
    limits: Limits = LIMITS,
) -> Outcome:
    async with sessions() as session:
        outcome = await ingest(
            session,
            KINDS[kind],
            Uploader(principal, permit),
            chunked(body, chunk_bytes),
            limits=limits,
            idempotency_key=key,
        )
        if outcome.commit:
            await session.commit()
        else:
            await session.rollback()
    return outcome
