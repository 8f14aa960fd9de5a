"""POST /bulk/{kind}: the NDJSON upload endpoint. Thin: HTTP in, ``services.bulk`` does the
work, the request owns the transaction (commit on acceptance, roll back otherwise)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import JSONResponse

from resolvers.refusals import note_refusal
from server.auth import AuthenticationFailed, Authenticator
from server.credentials import has_credential
from server.limits import RateLimiter, Refused
from server.settings import Settings
from services.audit import AuditSink, upload_entry
from services.bulk import KINDS, BodyTooLarge, Limits, Refusal, Uploader, UploadPermit, ingest
from services.bulk.replay import key_refusal
from services.identity import Identity
from services.write_access import Access
from store.database import begin_write

MEDIA_TYPE = "application/x-ndjson"


class BulkUpload:
    def __init__(
        self,
        settings: Settings,
        sessions: async_sessionmaker[AsyncSession],
        authenticator: Authenticator,
        access_of: Callable[[Identity], Awaitable[Access]],
        audit_log: AuditSink | None = None,
        rate_limiter: RateLimiter | None = None,
    ) -> None:
        # The GraphQL endpoint's limiter: one bucket per principal across both endpoints,
        # so uploads cannot be used to go around the rate of a principal's role.
        self.rate_limiter = rate_limiter
        self.audit_log = audit_log  # the audit log's writer (server/audit_writer.py)
        self.sessions = sessions
        self.authenticator = authenticator
        self.access_of = access_of  # the policy's answer for an identity (server/app.py)
        self.limits = Limits(max_body_bytes=settings.bulk_max_bytes)
        self.settings = settings
        # Turns to ingest (ANZEXIAN_BULK_CONCURRENCY): FIFO, so at 16 concurrent uploads they
        # finish one after another instead of all together at the end.
        self.turns = asyncio.Semaphore(settings.bulk_concurrency)

    async def endpoint(self, request: Request) -> JSONResponse:
        refusal = self._refuse_early(request)
        if refusal is not None:
            return _refused(refusal)
        kind = KINDS[request.path_params["kind"]]
        key = request.headers.get("idempotency-key")
        async with self.sessions() as session:
            try:
                identity = await self.authenticator.authenticate(request)
            except AuthenticationFailed as failed:
                return _refused(Refusal(401, "UNAUTHENTICATED", failed.reason_zh, failed.reason_en))
            if self.rate_limiter is not None:
                try:
                    self.rate_limiter.admit(
                        identity, request.client.host if request.client else None
                    )
                except Refused as refused:
                    return _rate_limited(refused)
            permit = UploadPermit.of(await self.access_of(identity), kind.model.__tablename__)
            if permit is None:
                return _refused(_forbidden())
            at = datetime.now(UTC)
            async with self.turns:  # no connection is held while waiting for a turn
                # The upload reads (idempotency key, references) before it writes: take
                # SQLite's write lock first (store.database.begin_write).
                await begin_write(session)
                try:
                    outcome = await ingest(
                        session,
                        kind,
                        Uploader(identity.name, permit),
                        request.stream(),
                        limits=self.limits,
                        idempotency_key=key,
                    )
                except BodyTooLarge:
                    await session.rollback()
                    return _refused(_too_large(self.limits.max_body_bytes))
                if outcome.commit:
                    await session.commit()
                else:
                    await session.rollback()
        if self.audit_log is not None:  # after the commit: outside the upload's transaction
            created = outcome.tally.created if outcome.accepted else 0
            entry = upload_entry(identity, at=at, operation=kind.operation, created=created)
            await self.audit_log.submit(entry)
        if not outcome.accepted:
            # anzexian_errors_total{code}: a refused upload counts as a refused mutation does
            # (resolvers/refusals.py); bad lines as the mutations' INVALID_INPUT.
            note_refusal(outcome.refusal.code if outcome.refusal else "INVALID_INPUT")
        return JSONResponse(outcome.as_dict(), status_code=outcome.status)

    def _refuse_early(self, request: Request) -> Refusal | None:
        """What can be refused before a byte of the body is read or the database asked."""
        if request.path_params["kind"] not in KINDS:
            return Refusal(
                404,
                "UNKNOWN_KIND",
                f"未知的上传类型，可选：{', '.join(KINDS)}",
                f"unknown kind of upload; one of: {', '.join(KINDS)}",
            )
        if not has_credential(request.headers):
            return _no_token()  # the public cannot upload
        media_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
        if media_type != MEDIA_TYPE:
            return Refusal(
                415,
                "UNSUPPORTED_MEDIA_TYPE",
                f"Content-Type 应为 {MEDIA_TYPE}",
                f"Content-Type must be {MEDIA_TYPE}",
            )
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > self.limits.max_body_bytes:
            return _too_large(self.limits.max_body_bytes)
        key = request.headers.get("idempotency-key")
        return None if key is None else key_refusal(key)


def _no_token() -> Refusal:
    return Refusal(
        401,
        "UNAUTHENTICATED",
        "上传须携带 Authorization: Bearer <令牌或 API 密钥>，或 X-API-Key",
        "an upload needs 'Authorization: Bearer <token or API key>' or 'X-API-Key'",
    )


def _forbidden() -> Refusal:
    return Refusal(
        403,
        "FORBIDDEN",
        "访问策略不允许您批量上传此类数据（只有保险机构为本机构上传）",
        "the access policy does not let you upload this kind of data (insurers upload their own)",
    )


def _rate_limited(refused: Refused) -> JSONResponse:
    """429 in the upload's own answer shape, with the limiter's Retry-After."""
    refusal = Refusal(refused.status, refused.code, refused.message_zh, refused.message_en)
    note_refusal(refusal.code)
    return JSONResponse(refusal.as_dict(), status_code=refusal.status, headers=refused.headers)


def _too_large(limit: int) -> Refusal:
    return Refusal(
        413,
        "BODY_TOO_LARGE",
        f"上传内容超过{limit}字节的上限，请分批上传",
        f"the body exceeds the limit of {limit} bytes; split the upload",
    )


def _refused(refusal: Refusal) -> JSONResponse:
    note_refusal(refusal.code)
    headers = {"WWW-Authenticate": "Bearer"} if refusal.status == 401 else None
    return JSONResponse(refusal.as_dict(), status_code=refusal.status, headers=headers)
