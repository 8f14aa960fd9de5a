"""`anzexian policy ...` as an operator runs it, on a temporary SQLite file."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from typer.testing import CliRunner

from policies.enforcer import default_rules
from server.cli import app
from store.database import create_engine, session_factory
from store.repositories.auth_version import AuthVersionRepository
from store.repositories.policy_rule import PolicyRuleRepository, Rule

runner = CliRunner()  # result.output holds stdout and stderr; .stdout the printed value only

NEW = ("public", "hazard", "aggregate", "all")  # not in the default policy
DEFAULT = ("regulator", "service_record", "read", "jurisdiction")


@pytest.fixture
def url(tmp_path: Path) -> str:
    """A migrated SQLite file: `migrate` stores the default policy."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'policy.db'}"
    assert runner.invoke(app, ["migrate", "--database-url", url]).exit_code == 0
    return url


def _state(url: str) -> tuple[list[Rule], int | None]:
    """The stored rules and auth_version."""

    async def read() -> tuple[list[Rule], int | None]:
        engine = create_engine(url)
        try:
            async with session_factory(engine)() as session:
                rules = await PolicyRuleRepository(session).rules()
                return rules, await AuthVersionRepository(session).current()
        finally:
            await engine.dispose()

    return asyncio.run(read())


def _run(url: str, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["policy", *args, "--database-url", url])
    return result.exit_code, result.stdout, result.output


def test_help_names_every_command_and_option() -> None:
    result = runner.invoke(app, ["policy", "--help"])
    assert result.exit_code == 0
    for command in ("list", "grant", "revoke", "reset"):
        assert command in result.output
    for command in ("list", "grant", "revoke", "reset"):
        help_text = runner.invoke(app, ["policy", command, "--help"]).output
        assert "--database-url" in help_text, command
    assert "SCOPE_KIND" in runner.invoke(app, ["policy", "grant", "--help"]).output
    assert "policy" in runner.invoke(app, ["--help"]).output


def test_migrate_stores_the_default_policy_and_list_shows_it(url: str) -> None:
    rules, _ = _state(url)
    assert rules == list(dict.fromkeys(default_rules()))
    code, stdout, output = _run(url, "list")
    assert code == 0, output
    lines = stdout.splitlines()
    assert lines[0].split() == ["ROLE", "RESOURCE", "ACTION", "SCOPE_KIND"]
    assert len(lines) == len(rules) + 2
    assert f"{len(rules)} rule(s)" in lines[-1] and "共" in lines[-1]


def test_list_filters_by_role_and_resource(url: str) -> None:
    code, stdout, _ = _run(url, "list", "--role", "regulator", "--resource", "insured_unit")
    assert code == 0
    rows = [line.split() for line in stdout.splitlines()[1:-1]]
    stored = [r for r in _state(url)[0] if r[0] == "regulator"]
    expected = [list(r) for r in stored if r[1].split(".")[0] == "insured_unit"]
    assert rows == expected
    assert ["regulator", "insured_unit.contact_phone", "read_personal", "jurisdiction"] in rows
    # "_" in a table name is a letter, not a LIKE wildcard: no other table creeps in.
    code, stdout, _ = _run(url, "list", "--resource", "service_record")
    assert code == 0
    assert {line.split()[1] for line in stdout.splitlines()[1:-1]} == {"service_record"}


def test_grant_then_grant_again_changes_nothing_the_second_time(url: str) -> None:
    _, version = _state(url)
    assert version is not None
    code, stdout, output = _run(url, "grant", *NEW)
    assert code == 0, output
    assert (
        "granted" in stdout and "已授予" in stdout and "p, public, hazard, aggregate, all" in stdout
    )
    assert f"policy version {version + 1}" in stdout
    rules, bumped = _state(url)
    assert NEW in rules and bumped == version + 1

    code, stdout, _ = _run(url, "grant", *NEW)
    assert code == 0
    assert "nothing changed" in stdout and "未作更改" in stdout
    assert _state(url) == (rules, bumped)  # no new row, no bump


def test_revoke_then_revoke_again_changes_nothing_the_second_time(url: str) -> None:
    before, version = _state(url)
    assert version is not None
    code, stdout, output = _run(url, "revoke", *DEFAULT)
    assert code == 0, output
    assert "revoked" in stdout and "已撤销" in stdout
    rules, bumped = _state(url)
    assert DEFAULT not in rules and len(rules) == len(before) - 1 and bumped == version + 1

    code, stdout, _ = _run(url, "revoke", *DEFAULT)
    assert code == 0
    assert "nothing changed" in stdout and "未作更改" in stdout
    assert _state(url) == (rules, bumped)


def test_reset_puts_back_the_default_and_prints_the_difference(url: str) -> None:
    default, _ = _state(url)
    assert _run(url, "revoke", *DEFAULT)[0] == 0
    assert _run(url, "grant", *NEW)[0] == 0
    _, version = _state(url)
    assert version is not None

    code, stdout, output = _run(url, "reset")
    assert code == 0, output
    assert f"- p, {', '.join(NEW)}" in stdout
    assert f"+ p, {', '.join(DEFAULT)}" in stdout
    assert "1 removed, 1 added" in stdout and "删除 1 条，新增 1 条" in stdout
    rules, bumped = _state(url)
    assert sorted(rules) == sorted(default) and bumped is not None and bumped > version

    code, stdout, _ = _run(url, "reset")
    assert code == 0 and "nothing changed" in stdout and "未作更改" in stdout
    assert _state(url) == (rules, bumped)


@pytest.mark.parametrize(
    ("args", "code", "said"),
    [
        (("regulater", *DEFAULT[1:]), "INVALID_INPUT", "role: is not one of: regulator"),
        (
            ("regulator", "servce_record", "read", "all"),
            "INVALID_INPUT",
            "did you mean service_record?",
        ),
        (("regulator", "service_record", "write", "all"), "INVALID_INPUT", "action: is not one of"),
        (
            ("regulator", "service_record", "read", "every"),
            "INVALID_INPUT",
            "scopeKind: is not one",
        ),
        (
            ("unit", "insured_unit.contact_fax", "read_personal", "own_unit"),
            "INVALID_INPUT",
            "table insured_unit has no column contact_fax",
        ),
        (
            ("unit", "insured_unit", "read_personal", "own_unit"),
            "INVALID_INPUT",
            "read_personal names one column",
        ),
        (
            ("unit", "insured_unit.contact_phone", "read", "own_unit"),
            "INVALID_INPUT",
            "only read_personal names a column",
        ),
        (
            ("public", "insurer", "read", "published"),
            "INVALID_INPUT",
            "scope kind published does not apply to insurer",
        ),
        (
            ("regulator", "service_record", "read", "all"),
            "POLICY_SCOPE_CONFLICT",
            "already has read on service_record with scope kind jurisdiction",
        ),
    ],
)
def test_grant_refusals_exit_1_with_a_bilingual_coded_message_and_change_nothing(
    url: str, args: tuple[str, ...], code: str, said: str
) -> None:
    before = _state(url)
    exit_code, stdout, output = _run(url, "grant", *args)
    assert exit_code == 1 and stdout == ""
    assert f"错误 [{code}]：" in output and f"error [{code}]: " in output
    assert said in output
    assert _state(url) == before


def test_revoke_checks_the_vocabulary_too(url: str) -> None:
    exit_code, stdout, output = _run(url, "revoke", "regulator", "servicerecord", "read", "all")
    assert exit_code == 1 and stdout == ""
    assert "错误 [INVALID_INPUT]" in output and "unknown resource (table) servicerecord" in output


def test_list_refuses_an_unknown_filter(url: str) -> None:
    exit_code, _, output = _run(url, "list", "--role", "inspector")
    assert exit_code == 1 and "role: is not one of" in output and "取值无效" in output


def test_an_unmigrated_database_is_a_clear_error(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
    exit_code, _, output = _run(url, "grant", *NEW)
    assert exit_code == 1 and "anzexian migrate" in output
