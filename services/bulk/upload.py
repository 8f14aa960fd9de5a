"""One bulk upload, streamed: read lines, check them a chunk at a time, write with bulk
inserts, all inside the caller's transaction.

Per chunk of ``chunk_lines`` lines: each line's fields are checked on their own (no
database), then the chunk's references are loaded with one statement per referenced table
and checked, then the chunk is written with one multi-row INSERT per table and page of rows.
After the first bad line nothing more is written (the caller rolls back anyway) but every
line is still checked, so the report counts all the bad ones. Memory holds one chunk, the
capped report and the capped ids; never the body.

The caller owns the transaction (EXAMPLES #3): it commits when ``Outcome.commit`` says so
and rolls back otherwise. ``BodyTooLarge`` propagates: roll back and answer 413.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import AsyncIterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.bulk import replay
from services.bulk.kinds import BulkKind
from services.bulk.lines import LineSplitter, RawLine, read_lines
from services.bulk.report import Outcome, Tally, line_fault
from services.bulk.tenancy import UploadPermit
from services.bulk.wire import decode, loads, not_an_object
from services.errors import FieldError
from services.validation import Checker
from store.models.idempotency_key import IdempotencyKey

log = logging.getLogger("anzexian.bulk")
PROGRESS_EVERY = 10_000  # lines between progress log lines of a large upload
YIELD_EVERY = 16  # lines parsed between turns given to a pending write


@dataclass(frozen=True, slots=True)
class Limits:
    max_body_bytes: int  # ANZEXIAN_BULK_MAX_BYTES: beyond it, HTTP 413
    max_line_bytes: int = 1 << 20  # a longer line is LINE_TOO_LONG
    chunk_lines: int = 1_000  # lines checked and written together
    max_errors: int = 1_000  # errors reported; the rest are only counted
    max_ids: int = 10_000  # above this many created rows the answer carries no ids


@dataclass(frozen=True, slots=True)
class Uploader:
    """Who uploads: the principal's name keys idempotency, the permit decides tenancy."""

    principal: str
    permit: UploadPermit


async def ingest(
    session: AsyncSession,
    kind: BulkKind[Any, Any],
    uploader: Uploader,
    body: AsyncIterable[bytes],
    *,
    limits: Limits,
    idempotency_key: str | None = None,
) -> Outcome:
    at = datetime.now(UTC)  # created_at of every row of this upload (see replay)
    tally = Tally(limits.max_errors, limits.max_ids)
    stored = (
        None
        if idempotency_key is None
        else await replay.earlier(session, uploader.principal, kind.operation, idempotency_key)
    )
    chunk = _Chunk(session, kind, uploader.permit, tally, at, limits.max_line_bytes)
    hasher = hashlib.sha256()
    splitter = LineSplitter(limits.max_line_bytes)
    started, reported = time.monotonic(), 0
    try:
        async for lines in read_lines(
            body, splitter, max_body_bytes=limits.max_body_bytes, hasher=hasher
        ):
            tally.lines += len(lines)
            if stored is not None:
                continue  # a retry: hashing is all there is to do
            for i, line in enumerate(lines, 1):
                chunk.add(line)
                if len(chunk) >= limits.chunk_lines:
                    await chunk.flush()
                    if tally.lines // PROGRESS_EVERY > reported:
                        reported = tally.lines // PROGRESS_EVERY
                        _progress(kind, tally, started, "so far")
                elif i % YIELD_EVERY == 0 and chunk.writing is not None:
                    await asyncio.sleep(0)  # let the previous chunk's write move on
        await chunk.flush()
        await chunk.settle()
    except BaseException:
        await chunk.abandon()
        raise
    _progress(kind, tally, started, "read")
    if idempotency_key is None:
        return Outcome(tally, kind.model.__name__)
    return await _settle_key(
        session, kind, uploader, idempotency_key, hasher.hexdigest(), tally, stored, limits, at
    )


class _Chunk:
    """The lines read since the last flush that passed their field checks."""

    def __init__(
        self,
        session: AsyncSession,
        kind: BulkKind[Any, Any],
        permit: UploadPermit,
        tally: Tally,
        at: datetime,
        max_line_bytes: int,
    ) -> None:
        self.session, self.kind, self.permit = session, kind, permit
        self.tally, self.at, self.max_line_bytes = tally, at, max_line_bytes
        self.numbers: list[int] = []
        self.lines: list[Any] = []
        self.read = 0
        self.writing: asyncio.Task[list[int]] | None = None  # the previous chunk's write

    def __len__(self) -> int:
        return self.read

    def add(self, raw: RawLine) -> None:
        self.read += 1
        clean, errors = _parse(self.kind, self.permit, raw, self.max_line_bytes)
        if errors:
            self.tally.refuse(raw.number, errors)
        else:
            self.numbers.append(raw.number)
            self.lines.append(clean)

    async def flush(self) -> None:
        await self.settle()  # one statement at a time on the session
        if self.lines:
            refs = await self.kind.load(self.session, self.lines, self.permit.scope)
            for number, line in zip(self.numbers, self.lines, strict=True):
                check = Checker()
                self.kind.check_references(check, line, refs)
                if check.errors:
                    self.tally.refuse(number, check.errors)
            if self.tally.clean:  # all or nothing: after a bad line, only check
                # Written while the next chunk is parsed: the database works on its own
                # core meanwhile. Nothing else touches the session until ``settle``.
                write = self.kind.write(self.session, self.lines, self.at)
                self.writing = asyncio.ensure_future(write)
        self.numbers, self.lines, self.read = [], [], 0

    async def settle(self) -> None:
        """Wait for the pending write (its error, if any, is raised here)."""
        if self.writing is not None:
            task, self.writing = self.writing, None
            self.tally.wrote(await task)

    async def abandon(self) -> None:
        """After a failure: let the pending write finish (never cancel a statement half
        sent), drop its outcome; the caller rolls everything back."""
        if self.writing is not None:
            task, self.writing = self.writing, None
            await asyncio.wait([task])
            if not task.cancelled():
                task.exception()  # retrieved, so asyncio does not log it as lost


def _parse(
    kind: BulkKind[Any, Any], permit: UploadPermit, raw: RawLine, max_line_bytes: int
) -> tuple[Any, list[FieldError]]:
    """A line's clean value, or the errors of its JSON, wire types and field checks."""
    if raw.too_long:
        zh, en = f"单行超过{max_line_bytes}字节的上限", f"longer than {max_line_bytes} bytes"
        return None, [line_fault("LINE_TOO_LONG", zh, en)]
    try:
        obj = loads(raw.data.decode("utf-8"))
    except UnicodeDecodeError:
        return None, [line_fault("BAD_ENCODING", "该行不是UTF-8编码", "the line is not UTF-8")]
    except (ValueError, RecursionError) as exc:  # JSONDecodeError is a ValueError
        return None, [line_fault("BAD_JSON", f"该行不是有效的JSON：{exc}", f"not JSON: {exc}")]
    if not isinstance(obj, dict):
        return None, [not_an_object("")]
    wire_errors: list[FieldError] = []
    data = decode(obj, kind.spec, wire_errors)
    check = Checker()
    clean = kind.validate(check, data, permit)
    if not wire_errors:
        return clean, check.errors
    # A field the wire refused reached the Checker as None; drop its echo (REQUIRED...).
    refused = tuple(e.field for e in wire_errors)
    echoes = tuple(f + sep for f in refused for sep in (".", "["))
    kept = [e for e in check.errors if e.field not in refused and not e.field.startswith(echoes)]
    return None, wire_errors + kept


async def _settle_key(
    session: AsyncSession,
    kind: BulkKind[Any, Any],
    uploader: Uploader,
    key: str,
    digest: str,
    tally: Tally,
    stored: IdempotencyKey | None,
    limits: Limits,
    at: datetime,
) -> Outcome:
    """The key at the end of an upload: remember it, or answer as its first upload did."""
    name = kind.model.__name__
    if stored is None:
        if not tally.clean:
            return Outcome(tally, name)  # a refused upload leaves no key: retry afresh
        first = tally.first_id or 0
        stored = await replay.remember(
            session,
            principal=uploader.principal,
            operation=kind.operation,
            key=key,
            digest=digest,
            result_type=name,
            first_id=first,
            at=at,
        )
        if stored is None:
            return Outcome(tally, name)
    if stored.payload_hash != digest:
        return Outcome(tally, name, refusal=replay.reuse_refusal())
    # The same body: every line created one row the first time.
    repo = kind.repository(session, uploader.permit.scope)
    replayed = Tally(limits.max_errors, limits.max_ids, lines=tally.lines, created=tally.lines)
    replayed.ids = await replay.first_ids(repo, stored, tally.lines, limits.max_ids)
    return Outcome(replayed, name, replayed=True)


def _progress(kind: BulkKind[Any, Any], tally: Tally, started: float, state: str) -> None:
    elapsed = max(time.monotonic() - started, 1e-9)
    log.info(
        "bulk %s: %d lines %s (%.0f/s), %d bad, %d created",
        kind.name,
        tally.lines,
        state,
        tally.lines / elapsed,
        tally.bad_lines,
        tally.created,
    )
