"""``anzexian token``: operators' commands for credentials (bearer tokens and API keys).

Every command works on the database of ``--database-url`` (default ANZEXIAN_DATABASE_URL)
inside one transaction; a refusal (unknown principal or key, bad input) prints a Chinese and
an English message with its code on stderr and exits with status 1.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from server.cli_options import DatabaseUrl, fail, settings_for
from server.cli_options import run_in_transaction as _run
from services.token_lifetime import MAX_TOKEN_HOURS

token_app = typer.Typer(
    help="Credentials / 凭证: bearer tokens (JWT) and API keys. Issue, create, revoke, list. "
    "A revocation is enforced by every server process within ANZEXIAN_AUTH_REFRESH_SECONDS "
    "(default 2 s); API keys at once.",
    no_args_is_help=True,
)
api_key_app = typer.Typer(
    help="API keys for insurers' systems / 保险机构系统的 API 密钥 "
    "(sent as 'X-API-Key: azx_...' or 'Authorization: Bearer azx_...').",
    no_args_is_help=True,
)
token_app.add_typer(api_key_app, name="api-key")


def _when(value: datetime | None) -> str:
    return "-" if value is None else f"{value:%Y-%m-%d %H:%M:%S}Z"


@token_app.command("issue")
def token_issue(
    principal: Annotated[str, typer.Argument(help="Principal name (must exist and be active).")],
    hours: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=MAX_TOKEN_HOURS,
            help=f"Lifetime in hours, 1-{MAX_TOKEN_HOURS} (default ANZEXIAN_TOKEN_TTL_HOURS).",
        ),
    ] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Print a signed bearer token (JWT) for PRINCIPAL; its id (jti) and expiry go to stderr."""
    from server import tokens
    from services.principal import require_principal

    settings = settings_for(database_url)

    async def work(session: AsyncSession) -> tokens.IssuedToken:
        await require_principal(session, principal, active=True)
        ttl = timedelta(hours=hours) if hours else None
        return tokens.mint(settings, principal, ttl=ttl)

    issued = _run(database_url, work)
    typer.echo(issued.token)
    typer.echo(
        f"jti {issued.claims.jti}  expires {_when(issued.claims.expires_at)}"
        f"  (revoke: anzexian token revoke --jti {issued.claims.jti})",
        err=True,
    )


@api_key_app.command("create")
def api_key_create(
    principal: Annotated[str, typer.Argument(help="Principal name (must exist and be active).")],
    label: Annotated[
        str, typer.Option(help="What the key is for, e.g. 'nightly upload' (1-128 characters).")
    ],
    days: Annotated[
        int | None, typer.Option(help="Lifetime in days, 1-3650 (default: until revoked).")
    ] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Create an API key for PRINCIPAL and print it. It is shown this once and never stored."""
    from services.api_keys import CreatedApiKey, create_api_key

    async def work(session: AsyncSession) -> CreatedApiKey:
        return await create_api_key(session, principal, label, days=days)

    created = _run(database_url, work)
    typer.echo(created.key)
    typer.echo(
        f"prefix {created.row.prefix}  principal {principal}  expires "
        f"{_when(created.row.expires_at)}\n"
        "密钥仅显示这一次，请妥善保存 / the key is shown only this once: store it now",
        err=True,
    )


@token_app.command("revoke")
def token_revoke(
    jti: Annotated[
        str | None, typer.Option("--jti", help="Revoke the one bearer token with this id.")
    ] = None,
    api_key: Annotated[
        str | None, typer.Option("--api-key", help="Revoke the API key with this prefix.")
    ] = None,
    principal: Annotated[
        str | None,
        typer.Option(
            "--principal",
            help="Log PRINCIPAL out everywhere: refuse all its tokens issued until now and "
            "revoke all its API keys.",
        ),
    ] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Revoke a bearer token (--jti), an API key (--api-key), or everything of --principal."""
    from services.api_keys import revoke_api_key
    from services.tokens_admin import logout_everywhere, revoke_jti

    if sum(option is not None for option in (jti, api_key, principal)) != 1:
        raise fail(
            "请只给出 --jti、--api-key、--principal 中的一项",
            "give exactly one of --jti, --api-key, --principal",
            code="USAGE",
            status=2,  # a usage error, as typer's own
        )

    async def work(session: AsyncSession) -> str:
        if jti is not None:
            token, fresh = await revoke_jti(session, jti)
            if not fresh:
                return f"令牌 {jti} 已于 {_when(token.revoked_at)} 吊销 / already revoked"
            return f"已吊销令牌 {jti} / revoked token {jti}"
        if api_key is not None:
            key, fresh = await revoke_api_key(session, api_key)
            if not fresh:
                return f"API 密钥 {key.prefix} 已于 {_when(key.revoked_at)} 吊销 / already revoked"
            return f"已吊销 API 密钥 {key.prefix} / revoked API key {key.prefix}"
        assert principal is not None
        out = await logout_everywhere(session, principal)
        return (
            f"{principal}：{_when(out.valid_after)} 前签发的令牌均已失效，吊销 API 密钥 "
            f"{out.api_keys_revoked} 个 / tokens issued before {_when(out.valid_after)} are "
            f"refused, {out.api_keys_revoked} API key(s) revoked"
        )

    typer.echo(_run(database_url, work))


@token_app.command("list")
def token_list(
    principal: Annotated[
        str | None, typer.Option("--principal", help="Only this principal's credentials.")
    ] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """List API keys, revoked bearer tokens and logouts (times in UTC)."""
    from services.credential_listing import CredentialRow, credential_listing

    async def work(session: AsyncSession) -> list[CredentialRow]:
        return await credential_listing(session, principal)

    rows = _run(database_url, work)
    now = datetime.now().astimezone()
    table = [["KIND", "STATE", "PRINCIPAL", "PREFIX/JTI", "CREATED", "EXPIRES", "LAST USED"]]
    table[0] += ["REVOKED", "LABEL"]
    for row in rows:
        state = "revoked" if row.revoked else "active"
        if row.kind == "api-key" and not row.revoked and row.expires and row.expires <= now:
            state = "expired"
        table.append(
            [
                row.kind,
                state,
                row.principal or "?",
                row.ident,
                _when(row.created),
                _when(row.expires),
                _when(row.last_used),
                _when(row.revoked),
                row.label,
            ]
        )
    # The label (free text, maybe Chinese: wide characters) goes last, unpadded.
    widths = [max(len(line[i]) for line in table) for i in range(len(table[0]) - 1)]
    for line in table:
        typer.echo(
            "  ".join([*(cell.ljust(w) for cell, w in zip(line, widths, strict=False)), line[-1]])
        )
    typer.echo(f"共 {len(rows)} 条 / {len(rows)} credential(s)")
