"""Compliance findings on the bench data set (issue 6, item 3): how long computing every
finding of every rule takes for a regulator of a province and of the whole country, and what
the first page of the ``findings`` field costs them.

    .venv/bin/python -m bench.findings \
        --database-url "$(deploy/postgres.sh database anzexian_bench)"

Reads only (findings need no table of their own). Per scope and rule: the whole rule computed
in the database, every finding's state worked out and counted by state (``finding_rows`` of
store/repositories/findings.py, grouped: the rows stay in the server), then all rules at once,
then the first page of 50 through services/findings.py, as the GraphQL field runs it.
With ``--states``/``--region``/``--from``/``--to`` (and ``--today``, ``--page``), only the
first page under that filter, per rule and for all rules, for the first of ``--scopes``: the
dashboard's overdue list (bench/RESULTS.md, 2026-11-29 13:20).
The country's regulator is one identity with a jurisdiction grant per province (there is no
region above the provinces). "Today" is the data set's reference day.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections import Counter
from dataclasses import replace
from datetime import date, timedelta

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from policies.enforcer import Decisions, default_rules
from policies.scope import Scope
from services.findings import (
    DUE_SOON_DAYS,
    FindingFilterInput,
    deadline_days,
    findings,
    parameters,
    years,
)
from services.identity import Identity, RoleGrant
from services.rulesets import ruleset
from services.working_days import due_calendar
from store.database import create_engine, session_factory
from store.demo.clock import REFERENCE_DATE
from store.enums import Role
from store.models.region import Region
from store.repositories.base import RowScope
from store.repositories.findings import SOON, FindingQuery, FindingRule, finding_rows
from store.repositories.stats import NO_CALENDAR
from store.repositories.stats.deadlines import TODAY, day_start

RULES = ruleset("AQ9010-draft")
Sessions = async_sessionmaker[AsyncSession]


def _query(rules: tuple[FindingRule, ...], today: date) -> FindingQuery:
    query = FindingQuery(
        rules=rules,
        calendar=NO_CALENDAR,
        today=today,
        soon_day=today + timedelta(days=DUE_SOON_DAYS),
        limit=1,
        parameters=parameters(RULES),
    )
    return replace(
        query, calendar=due_calendar(deadline_days(RULES), None, None), years=years(query, RULES)
    )


async def _count(
    sessions: object, scope: RowScope, rules: tuple[FindingRule, ...]
) -> tuple[float, Counter[str]]:
    async with sessions() as session:  # type: ignore[operator]
        await session.execute(text("SET LOCAL jit = off"))
        rows = finding_rows(_query(rules, REFERENCE_DATE), scope, "postgresql")
        statement = select(rows.c.state, func.count()).group_by(rows.c.state)
        start = time.perf_counter()
        result = await session.execute(statement, _binds())
        counts = Counter({state: int(n) for state, n in result})
        return time.perf_counter() - start, counts


def _binds() -> dict[str, object]:
    return {
        TODAY: day_start(REFERENCE_DATE),
        SOON: day_start(REFERENCE_DATE + timedelta(days=DUE_SOON_DAYS)),
    }


async def _first_page(
    sessions: Sessions,
    scope: RowScope,
    size: int,
    narrowing: FindingFilterInput,
    today: date = REFERENCE_DATE,
) -> float:
    async with sessions() as session:
        await session.execute(text("SET LOCAL jit = off"))
        start = time.perf_counter()
        await findings(
            session, narrowing, rules=RULES, today=today, first=size, scope=scope
        )  # fmt: skip
        return time.perf_counter() - start


async def _filtered(args: argparse.Namespace, sessions: Sessions, scope: RowScope) -> None:
    """The first page under a filter, per rule and for all rules, as the dashboard asks it
    (``--states OVERDUE --from 2026-01-01 --to 2027-01-01 --first 8``: issues 6/7)."""
    print("| scope | rules | first page (s) |")
    print("|---|---|---:|")
    rules = tuple(FindingRule(r) for r in args.rules)
    for subset in [(r,) for r in rules] + [rules]:
        narrowing = FindingFilterInput(
            region=args.region, rules=subset, states=args.states,
            date_from=args.date_from, date_to=args.date_to,
        )  # fmt: skip
        seconds = await _first_page(sessions, scope, args.page, narrowing, args.today)
        label = subset[0].value if len(subset) == 1 else "all"
        print(f"| {args.scopes[0]} | {label} | {seconds:.2f} |", flush=True)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--province", default="440000")
    parser.add_argument("--scopes", nargs="+", default=["province", "country"])
    parser.add_argument("--rules", nargs="+", default=[r.value for r in FindingRule])
    parser.add_argument("--page", type=int, default=50)
    # With any of these, only the first page under the filter is timed (per rule, then all).
    parser.add_argument("--states", nargs="+", default=[])
    parser.add_argument("--region", default=None)
    parser.add_argument("--from", dest="date_from", type=date.fromisoformat, default=None)
    parser.add_argument("--to", dest="date_to", type=date.fromisoformat, default=None)
    parser.add_argument("--today", type=date.fromisoformat, default=REFERENCE_DATE)
    args = parser.parse_args()
    engine = create_engine(args.database_url)
    sessions = session_factory(engine)
    decide = Decisions(default_rules()).decide
    async with sessions() as session:
        provinces = (await session.execute(
            select(Region.code).where(Region.parent_code.is_(None)).order_by(Region.code)
        )).scalars().all()  # fmt: skip
    grants = {
        "province": (RoleGrant(role=Role.REGULATOR, region_code=args.province),),
        "country": tuple(RoleGrant(role=Role.REGULATOR, region_code=p) for p in provinces),
    }
    if args.states or args.region or args.date_from or args.date_to:
        scope = Scope(
            Identity(name="bench", display_name="bench", grants=grants[args.scopes[0]]), decide
        )
        await _filtered(args, sessions, scope)
        await engine.dispose()
        return
    rules = tuple(FindingRule(r) for r in args.rules)
    print(
        "| scope | rules | all findings (s) | first page (s) | findings | met "
        "| not met (late, overdue) | other |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for name in args.scopes:
        scope = Scope(Identity(name="bench", display_name="bench", grants=grants[name]), decide)
        for subset in [(r,) for r in rules] + [rules]:
            seconds, counts = await _count(sessions, scope, subset)
            page = await _first_page(sessions, scope, args.page, FindingFilterInput(rules=subset))
            label = subset[0].value if len(subset) == 1 else "all"
            total = sum(counts.values())
            bad = counts["LATE"] + counts["OVERDUE"]
            print(
                f"| {name} | {label} | {seconds:.2f} | {page:.2f} | {total} | {counts['MET']} "
                f"| {bad} | {total - counts['MET'] - bad} |",
                flush=True,
            )
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
