"""Idempotent creates (issue 3, item 4): a retried request returns the first result.

A client sends a key of its choosing with a create. The first request with that key stores
the key, the hash of its input and what it created, in the same transaction as the row; so
a create that is refused or fails leaves no key, and the retry runs afresh. Later requests
with the same key and the same input get the first result back and write nothing; the same
key with a different input is refused (IDEMPOTENCY_KEY_REUSED), since answering it with the
first result would silently drop the new input.

Keys are per principal and per operation: two insurers' systems may pick the same key, and
one key used for ``createPolicy`` and ``createScheme`` names two different requests.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar, cast

from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

import store.models  # noqa: F401  (every model on the registry, for _model_named)
from services.errors import FieldError, InputError, NotFoundError
from store.base import Base
from store.models.idempotency_key import KEY_MAX_LENGTH, IdempotencyKey
from store.repositories.idempotency_key import IdempotencyKeyRepository

KEY_FIELD = "idempotencyKey"


R = TypeVar("R")  # the model a create returns: a flushed row with an integer primary key


@dataclass(frozen=True, slots=True)
class IdempotentOutcome(Generic[R]):
    row: R  # the row just created, or the first result read back on a replay
    result_type: str  # model name, e.g. "ServiceRecord"
    result_id: int
    replayed: bool  # True: an earlier request with this key created ``row``; nothing written


async def run_idempotent(
    session: AsyncSession,
    *,
    principal: str,
    operation: str,
    key: str | None,
    payload: object,
    create: Callable[[], Awaitable[R]],
) -> IdempotentOutcome[R]:
    """Run ``create`` at most once per (principal, operation, key).

    ``principal`` is the principal's name; ``payload`` the client's input (dataclasses,
    mappings, lists and scalars), hashed as canonical JSON; ``create`` returns the flushed
    row, a model instance whose class name is recorded as the result type.
    """
    if key is None:
        row = await create()
        return IdempotentOutcome(row, type(row).__name__, _pk(row), replayed=False)
    check_key(key)
    digest = payload_hash(payload)
    repo = IdempotencyKeyRepository(session)
    existing = await repo.find(principal, operation, key)
    if existing is not None:
        return await _replay(repo, existing, digest)
    try:
        # The row and its key share one SAVEPOINT: if the key loses the race below, the
        # row goes with it and the transaction stays usable for the re-read.
        async with session.begin_nested():
            row = await create()
            await repo.add(
                IdempotencyKey(
                    principal_name=principal,
                    operation=operation,
                    key=key,
                    payload_hash=digest,
                    result_type=type(row).__name__,
                    result_id=_pk(row),
                )
            )
    except IntegrityError:
        # A concurrent request with this key committed first; the unique constraint decided
        # the race. Answer as a retry would. No key found: another constraint failed.
        existing = await repo.find(principal, operation, key)
        if existing is None:
            raise
        return await _replay(repo, existing, digest)
    return IdempotentOutcome(row, type(row).__name__, _pk(row), replayed=False)


async def _replay(
    repo: IdempotencyKeyRepository, existing: IdempotencyKey, digest: str
) -> IdempotentOutcome[R]:
    if existing.payload_hash != digest:
        raise InputError(
            [
                FieldError(
                    "IDEMPOTENCY_KEY_REUSED",
                    KEY_FIELD,
                    "该幂等键已用于内容不同的请求；新请求请使用新的幂等键",
                    "this idempotency key was used for a request with a different input; "
                    "use a new key for a new request",
                )
            ]
        )
    # The operation fixes what its create returns, so the recorded class is that of R.
    model = _model_named(existing.result_type)
    row = await repo.result(model, existing.result_id)
    if row is None:  # outside the caller's scope now: the same answer as absent
        raise NotFoundError(existing.result_type, existing.result_id)
    return IdempotentOutcome(cast(R, row), existing.result_type, existing.result_id, replayed=True)


def _pk(row: object) -> int:
    """The integer primary key of a flushed row."""
    identity = inspect(row).identity
    if identity is None or len(identity) != 1 or not isinstance(identity[0], int):
        raise TypeError(f"{type(row).__name__} is not a flushed row with an integer key")
    return identity[0]


def _model_named(name: str) -> type[Any]:
    """The mapped class a key's ``result_type`` names."""
    for mapper in Base.registry.mappers:
        if mapper.class_.__name__ == name:
            return mapper.class_
    raise LookupError(f"no model named {name!r}")


def check_key(key: str) -> None:
    """IDEMPOTENCY_KEY_INVALID unless ``key`` is 1–128 printable ASCII characters."""
    if not 1 <= len(key) <= KEY_MAX_LENGTH or not all(" " <= c <= "~" for c in key):
        raise InputError(
            [
                FieldError(
                    "IDEMPOTENCY_KEY_INVALID",
                    KEY_FIELD,
                    f"幂等键应为1至{KEY_MAX_LENGTH}个可打印的ASCII字符",
                    f"must be 1 to {KEY_MAX_LENGTH} printable ASCII characters",
                )
            ]
        )


def payload_hash(payload: object) -> str:
    """sha256 hex of the canonical JSON of ``payload`` (sorted keys, no spaces, UTF-8)."""
    text = json.dumps(
        _canonical(payload), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


JSONValue = None | bool | int | str | list["JSONValue"] | dict[str, "JSONValue"]


def _canonical(value: object) -> JSONValue:
    """One JSON form per meaning: the same instant in another zone, or 1.50 and 1.5, hash
    alike, because the services store them alike."""
    if isinstance(value, enum.Enum):  # before str: the store's enums are StrEnums
        return _canonical(value.value)
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value.is_finite() else str(value)
    if isinstance(value, datetime):
        return (value.astimezone(UTC) if value.tzinfo else value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _canonical(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    # Floats included: money and ratios are never floats (refused at the edge).
    raise TypeError(f"cannot hash a {type(value).__name__} in an idempotent payload")


_check_key = check_key  # the name services.bulk.replay imported first
