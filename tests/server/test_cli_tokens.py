"""`anzexian token ...` as an operator runs it, on a temporary SQLite file."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from server import tokens
from server.cli import app
from server.cli_options import settings_for
from store.database import create_engine, session_factory
from store.enums import PrincipalKind, Role
from store.models.api_key import ApiKey
from store.models.principal import Principal
from store.models.role_binding import RoleBinding

runner = CliRunner()  # result.output holds stdout and stderr; .stdout the printed value only


@pytest.fixture
def url(tmp_path: Path) -> str:
    """A migrated SQLite file with principals ``ops-admin`` and ``retired`` (inactive)."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'tokens.db'}"
    assert runner.invoke(app, ["migrate", "--database-url", url]).exit_code == 0

    async def add() -> None:
        engine = create_engine(url)
        try:
            async with session_factory(engine)() as session, session.begin():
                for name, active in (("ops-admin", True), ("retired", False)):
                    principal = Principal(
                        kind=PrincipalKind.USER, name=name, display_name=name, active=active
                    )
                    principal.bindings.append(RoleBinding(role=Role.ADMIN))
                    session.add(principal)
        finally:
            await engine.dispose()

    asyncio.run(add())
    return url


def _keys(url: str) -> list[ApiKey]:
    async def read() -> list[ApiKey]:
        engine = create_engine(url)
        try:
            async with session_factory(engine)() as session:
                return list((await session.execute(select(ApiKey))).scalars())
        finally:
            await engine.dispose()

    return asyncio.run(read())


def _run(url: str, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["token", *args, "--database-url", url])
    return result.exit_code, result.stdout, result.output


def test_help_names_every_command_and_option() -> None:
    result = runner.invoke(app, ["token", "--help"])
    assert result.exit_code == 0
    for command in ("issue", "revoke", "list", "api-key"):
        assert command in result.output
    for args in (["issue"], ["revoke"], ["list"], ["api-key", "create"]):
        help_text = runner.invoke(app, ["token", *args, "--help"]).output
        assert "--database-url" in help_text, args


def test_issue_prints_a_verifiable_token_and_its_jti(url: str) -> None:
    code, stdout, output = _run(url, "issue", "ops-admin", "--hours", "2")
    assert code == 0, output
    claims = tokens.verify(settings_for(None), stdout.strip())
    assert claims.subject == "ops-admin"
    assert (claims.expires_at - claims.issued_at).total_seconds() == 2 * 3600
    assert f"--jti {claims.jti}" in output


@pytest.mark.parametrize(
    ("name", "code"), [("nobody", "UNKNOWN_PRINCIPAL"), ("retired", "PRINCIPAL_INACTIVE")]
)
def test_issue_refuses_unknown_and_inactive_principals(url: str, name: str, code: str) -> None:
    exit_code, stdout, output = _run(url, "issue", name)
    assert exit_code == 1 and stdout == ""
    assert f"错误 [{code}]" in output and f"error [{code}]" in output and name in output


def test_api_key_is_printed_once_and_stored_hashed(url: str) -> None:
    code, stdout, output = _run(url, "api-key", "create", "ops-admin", "--label", "夜间上传")
    assert code == 0, output
    key = stdout.strip()
    assert key.startswith("azx_") and "shown only this once" in output
    (row,) = _keys(url)
    assert (row.prefix, row.label, row.expires_at) == (key.split("_")[1], "夜间上传", None)
    assert key.split("_", 2)[2] not in row.secret_hash


def test_api_key_creation_refusals(url: str) -> None:
    code, _, output = _run(url, "api-key", "create", "nobody", "--label", "x")
    assert code == 1 and "UNKNOWN_PRINCIPAL" in output
    code, _, output = _run(url, "api-key", "create", "ops-admin", "--label", "x", "--days", "0")
    assert code == 1 and "有效天数" in output and "days" in output
    assert _keys(url) == []


def test_revoke_each_kind_and_list(url: str) -> None:
    _, key, _ = _run(url, "api-key", "create", "ops-admin", "--label", "ci", "--days", "30")
    prefix = key.strip().split("_")[1]
    assert _run(url, "revoke", "--api-key", prefix)[0] == 0
    code, stdout, _ = _run(url, "revoke", "--api-key", prefix)
    assert code == 0 and "already revoked" in stdout
    assert _run(url, "revoke", "--jti", "abcDEF123456")[0] == 0
    code, stdout, _ = _run(url, "revoke", "--principal", "ops-admin")
    assert code == 0 and "tokens issued before" in stdout

    code, stdout, output = _run(url, "list")
    assert code == 0, output
    lines = stdout.splitlines()
    assert lines[0].split()[:4] == ["KIND", "STATE", "PRINCIPAL", "PREFIX/JTI"]
    assert any(line.split()[:4] == ["api-key", "revoked", "ops-admin", prefix] for line in lines)
    assert any(line.split()[:4] == ["jwt", "revoked", "?", "abcDEF123456"] for line in lines)
    assert any(line.split()[:4] == ["logout", "revoked", "ops-admin", "*"] for line in lines)
    assert lines[-1] == "共 3 条 / 3 credential(s)"

    _, stdout, _ = _run(url, "list", "--principal", "ops-admin")
    assert stdout.splitlines()[-1] == "共 2 条 / 2 credential(s)"  # the bare jti has no owner


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["revoke", "--api-key", "zzzzzzzz"], "UNKNOWN_API_KEY"),
        (["revoke", "--principal", "nobody"], "UNKNOWN_PRINCIPAL"),
        (["revoke", "--jti", "not a jti"], "INVALID_INPUT"),
        (["list", "--principal", "nobody"], "UNKNOWN_PRINCIPAL"),
    ],
)
def test_refusals_exit_1_with_a_bilingual_coded_message(
    url: str, args: list[str], code: str
) -> None:
    exit_code, _, output = _run(url, *args)
    assert exit_code == 1
    assert f"错误 [{code}]" in output and f"error [{code}]" in output


@pytest.mark.parametrize("args", [["revoke"], ["revoke", "--jti", "a", "--api-key", "b"]])
def test_revoke_needs_exactly_one_target(url: str, args: list[str]) -> None:
    exit_code, _, output = _run(url, *args)
    assert exit_code == 2 and "exactly one" in output and "只给出" in output


def test_an_unmigrated_database_is_a_clear_error(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
    exit_code, _, output = _run(url, "list")
    assert exit_code == 1 and "anzexian migrate" in output
