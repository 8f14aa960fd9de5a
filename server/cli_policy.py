"""``anzexian policy``: operators' commands for the stored access policy (table
``policy_rule``): list, grant, revoke, reset to ``policies/policy.csv``.

Every command works on the database of ``--database-url`` (default ANZEXIAN_DATABASE_URL)
inside one transaction; a refusal (an unknown role, resource, action or scope kind, a
conflicting rule) prints a Chinese and an English message with its code on stderr and exits
with status 1. A change prints what changed and bumps ``auth_version`` in the same
transaction, so every server process enforces it within ANZEXIAN_POLICY_REFRESH_SECONDS.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from policies.enforcer import Rule
from policies.resources import Action, ScopeKind
from server.cli_options import DatabaseUrl, run_in_transaction
from store.enums import Role

if TYPE_CHECKING:  # imported where used: the CLI starts without the services
    from services.policy_admin import RuleEdit

policy_app = typer.Typer(
    help="Access policy / 访问策略 (Casbin rules: role, resource, action, scope kind). List, "
    "grant, revoke, reset to the default. A change is enforced by every server process within "
    "ANZEXIAN_POLICY_REFRESH_SECONDS (default 2 s).",
    no_args_is_help=True,
)

RoleArg = Annotated[
    str,
    typer.Argument(metavar="ROLE", help=f"Role / 角色: {', '.join(r.value for r in Role)}."),
]
ResourceArg = Annotated[
    str,
    typer.Argument(
        metavar="RESOURCE",
        help="Resource / 资源: a table (service_record), or table.column for read_personal "
        "(insured_unit.contact_phone).",
    ),
]
ActionArg = Annotated[
    str,
    typer.Argument(metavar="ACTION", help=f"Action / 操作: {', '.join(a.value for a in Action)}."),
]
ScopeKindArg = Annotated[
    str,
    typer.Argument(
        metavar="SCOPE_KIND",
        help=f"Scope kind / 范围: {', '.join(k.value for k in ScopeKind)}.",
    ),
]


def _line(rule: Rule) -> str:
    """A rule as a line of policies/policy.csv, so it can be pasted there."""
    return ", ".join(("p", *rule))


def _enforced(version: int | None) -> str:
    return (
        f"策略版本 {version}：各服务进程将在 ANZEXIAN_POLICY_REFRESH_SECONDS（默认 2 秒）内生效 / "
        f"policy version {version}: enforced by every server process within "
        "ANZEXIAN_POLICY_REFRESH_SECONDS (default 2 s)"
    )


@policy_app.command("list")
def policy_list(
    role: Annotated[str | None, typer.Option("--role", help="Only this role's rules.")] = None,
    resource: Annotated[
        str | None,
        typer.Option("--resource", help="Only this resource's rules (a table: its columns too)."),
    ] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """List the stored rules, in the order Casbin reads them."""
    from services.policy_admin import list_rules

    async def work(session: AsyncSession) -> list[Rule]:
        return await list_rules(session, role=role, resource=resource)

    rules = run_in_transaction(database_url, work)
    table = [["ROLE", "RESOURCE", "ACTION", "SCOPE_KIND"], *(list(rule) for rule in rules)]
    widths = [max(len(line[i]) for line in table) for i in range(3)]
    for line in table:
        typer.echo("  ".join([*(c.ljust(w) for c, w in zip(line, widths, strict=False)), line[-1]]))
    typer.echo(f"共 {len(rules)} 条 / {len(rules)} rule(s)")


@policy_app.command("grant")
def policy_grant(
    role: RoleArg,
    resource: ResourceArg,
    action: ActionArg,
    scope_kind: ScopeKindArg,
    database_url: DatabaseUrl = None,
) -> None:
    """Allow ROLE to take ACTION on RESOURCE within SCOPE_KIND (nothing changes if it may)."""
    from services.policy_admin import grant_rule

    _edit(
        database_url,
        lambda session: grant_rule(session, role, resource, action, scope_kind),
        done="已授予 / granted",
        unchanged="规则已存在，未作更改 / already granted, nothing changed",
    )


@policy_app.command("revoke")
def policy_revoke(
    role: RoleArg,
    resource: ResourceArg,
    action: ActionArg,
    scope_kind: ScopeKindArg,
    database_url: DatabaseUrl = None,
) -> None:
    """Remove the rule ROLE RESOURCE ACTION SCOPE_KIND (nothing changes if there is none)."""
    from services.policy_admin import revoke_rule

    _edit(
        database_url,
        lambda session: revoke_rule(session, role, resource, action, scope_kind),
        done="已撤销 / revoked",
        unchanged="规则不存在，未作更改 / not granted, nothing changed",
    )


def _edit(
    database_url: str | None,
    work: Callable[[AsyncSession], Awaitable[RuleEdit]],
    *,
    done: str,
    unchanged: str,
) -> None:
    """One rule edit in its own transaction, and what it did."""
    edit = run_in_transaction(database_url, work)
    if not edit.changed:
        typer.echo(f"{unchanged}: {_line(edit.rule)}")
        return
    typer.echo(f"{done}: {_line(edit.rule)}")
    typer.echo(_enforced(edit.version))


@policy_app.command("reset")
def policy_reset(database_url: DatabaseUrl = None) -> None:
    """Put back the default policy (policies/policy.csv); prints each rule removed or added."""
    from services.policy_admin import PolicyReset, reset_policy

    async def work(session: AsyncSession) -> PolicyReset:
        return await reset_policy(session)

    reset = run_in_transaction(database_url, work)
    if not reset.changed:
        typer.echo("已是默认策略，未作更改 / already the default policy, nothing changed")
        return
    for rule in reset.removed:
        typer.echo(f"- {_line(rule)}")
    for rule in reset.added:
        typer.echo(f"+ {_line(rule)}")
    typer.echo(
        f"已恢复默认策略：删除 {len(reset.removed)} 条，新增 {len(reset.added)} 条 / reset to the "
        f"default policy: {len(reset.removed)} removed, {len(reset.added)} added"
    )
    typer.echo(_enforced(reset.version))
