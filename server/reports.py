"""GET /reports/evaluations/{id}.html and .pdf: an annual evaluation report as a document.

Thin: authenticate (no credential is the public role), build the identity's scope from the
policy exactly as GraphQL reads do (server/access.py), read the report through it
(services/evaluation_report.py) and render. A report outside the scope, or an id that names
none, is 404 whatever the reason, so existence does not leak (EXAMPLES #4). Each served
report is one audit entry, like a GraphQL read of the row.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from schema.ids import BadGlobalId, parse_int_id
from server.auth import AuthenticationFailed, Authenticator
from server.limits import RateLimiter, Refused
from server.report_html import render_html
from server.report_pdf import ReportFontMissing, font_path, render_pdf
from services.audit import AuditSink, OperationAudit, entry_for
from services.evaluation_report import FORMATS, REPORT_PATH, load_report
from services.identity import Identity
from store.enums import AuditOperationKind
from store.repositories.base import RowScope

TYPE_NAME = "AnnualEvaluation"


class EvaluationReports:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        authenticator: Authenticator,
        read_scope_of: Callable[[Identity], Awaitable[RowScope]],
        audit_log: AuditSink | None = None,
        rate_limiter: RateLimiter | None = None,
        font: str = "",
    ) -> None:
        self.sessions = sessions
        self.authenticator = authenticator
        self.read_scope_of = read_scope_of  # the policy's read scope of an identity
        self.audit_log = audit_log
        # The GraphQL endpoint's limiter: one bucket per principal across the endpoints.
        self.rate_limiter = rate_limiter
        self.font = font  # the report_font setting; empty: the installed default

    def routes(self) -> list[Route]:
        # ``{id}`` gives back the last dot: ``AnnualEvaluation:42.pdf`` → id, format.
        return [Route(REPORT_PATH, self.endpoint, methods=["GET"])]

    async def endpoint(self, request: Request) -> Response:
        fmt = request.path_params["format"]
        evaluation_id = _evaluation_id(request.path_params["id"])
        if fmt not in FORMATS or evaluation_id is None:
            return _not_found()
        try:
            identity = await self.authenticator.authenticate(request)
        except AuthenticationFailed as failed:
            return _error(401, "UNAUTHENTICATED", failed.reason_zh, failed.reason_en)
        if self.rate_limiter is not None:
            try:
                self.rate_limiter.admit(identity, request.client.host if request.client else None)
            except Refused as refused:
                body = {"code": refused.code, "messageZh": refused.message_zh}
                body["messageEn"] = refused.message_en
                return JSONResponse(body, status_code=refused.status, headers=refused.headers)
        async with self.sessions() as session:
            scope = await self.read_scope_of(identity)
            report = await load_report(session, evaluation_id, scope)
        if report is None:
            return _not_found()
        now = datetime.now(UTC)
        await self._audit(identity, request, evaluation_id, now)
        if fmt == "html":
            return HTMLResponse(render_html(report, now))
        try:
            pdf = render_pdf(report, now, font_path(self.font))
        except ReportFontMissing as missing:
            return _error(503, "REPORT_FONT_MISSING", str(missing), str(missing))
        filename = f"evaluation-{report.year}-{evaluation_id}.pdf"
        return Response(
            pdf,
            media_type="application/pdf",
            headers={"Content-Disposition": f'inline; filename="{filename}"'},
        )

    async def _audit(
        self, identity: Identity, request: Request, evaluation_id: int, at: datetime
    ) -> None:
        if self.audit_log is None:
            return
        seen = OperationAudit()
        seen.wrote(TYPE_NAME, evaluation_id)  # "a row returned": the audit's one row list
        await self.audit_log.submit(
            entry_for(
                identity,
                at=at,
                kind=AuditOperationKind.QUERY,
                operation_name=f"report:{request.path_params['format']}",
                document=request.url.path,
                variables=None,
                audit=seen,
            )
        )


def _evaluation_id(raw: str) -> int | None:
    """The report's key: its number, or its global id ``AnnualEvaluation:<n>``."""
    if raw.isascii() and raw.isdigit() and len(raw) <= 19:
        return int(raw)
    try:
        return parse_int_id(raw, TYPE_NAME)
    except BadGlobalId:
        return None


def _not_found() -> JSONResponse:
    return _error(404, "NOT_FOUND", "未找到该评估报告", "no such evaluation report")


def _error(status: int, code: str, message_zh: str, message_en: str) -> JSONResponse:
    body = {"code": code, "messageZh": message_zh, "messageEn": message_en}
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, headers=headers)
