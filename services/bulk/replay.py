"""Idempotent uploads on top of ``services.idempotency``'s key table (operation
``bulk:<kind>``, payload hash = sha256 of the raw body).

The hash is known only once the body is read, so the key is settled at the end, before the
caller commits. A key already stored when the upload starts marks a retry: the body is only
hashed (nothing validated or written), then answered with the first result (same hash) or
refused (IDEMPOTENCY_KEY_REUSED, HTTP 409). The key table holds one result id per key: the
first created row. Every row of one upload carries the upload's instant in ``created_at``,
and so does its key, which is how a replay finds the ids again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services import idempotency
from services.bulk.report import Refusal
from services.errors import InputError
from store.models.idempotency_key import IdempotencyKey
from store.repositories.base import Repository
from store.repositories.bulk import ids_created_at
from store.repositories.idempotency_key import IdempotencyKeyRepository


def key_refusal(key: str) -> Refusal | None:
    """IDEMPOTENCY_KEY_INVALID (HTTP 400) for a malformed key, before any byte is read."""
    try:
        idempotency.check_key(key)  # the mutations' own rule: 1-128 printable ASCII
    except InputError as refused:
        error = refused.errors[0]
        return Refusal(400, error.code, error.message_zh, error.message_en)
    return None


def reuse_refusal() -> Refusal:
    return Refusal(
        409,
        "IDEMPOTENCY_KEY_REUSED",
        "该幂等键已用于内容不同的上传；新上传请使用新的幂等键",
        "this idempotency key was used for an upload with a different body; "
        "use a new key for a new upload",
    )


async def earlier(
    session: AsyncSession, principal: str, operation: str, key: str
) -> IdempotencyKey | None:
    return await IdempotencyKeyRepository(session).find(principal, operation, key)


async def remember(
    session: AsyncSession,
    *,
    principal: str,
    operation: str,
    key: str,
    digest: str,
    result_type: str,
    first_id: int,
    at: datetime,
) -> IdempotencyKey | None:
    """Store the key of a fresh upload; if a concurrent upload with the same key committed
    first (the unique constraint decides), return its key instead of ours."""
    try:
        async with session.begin_nested():
            await IdempotencyKeyRepository(session).add(
                IdempotencyKey(
                    principal_name=principal,
                    operation=operation,
                    key=key,
                    payload_hash=digest,
                    result_type=result_type,
                    result_id=first_id,  # 0 for an empty upload: nothing was created
                    created_at=at,
                )
            )
    except IntegrityError:
        winner = await earlier(session, principal, operation, key)
        if winner is None:
            raise
        return winner
    return None


async def first_ids(
    repo: Repository[Any], stored: IdempotencyKey, created: int, max_ids: int
) -> list[int] | None:
    """The ids the first upload created, or ``None`` past ``max_ids`` or when the rows
    stamped with its instant are not exactly ``created`` (another upload shared it)."""
    if created == 0:
        return []
    if created > max_ids:
        return None
    ids = await ids_created_at(repo, stored.created_at, stored.result_id, created + 1)
    return ids if len(ids) == created else None
