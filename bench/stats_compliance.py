"""Compliance rates inside ``stats`` on the bench data set (issue 6, item 3): a regulator of a
province asks ``stats(groupBy: [INSURER])`` without and with ``groups { compliance }``.

    .venv/bin/python -m bench.stats_compliance \
        --database-url "$(deploy/postgres.sh database anzexian_bench)"

Reads only. Runs ``services.stats.compute_stats`` as the resolver does: the stats under the
``aggregate`` scope, the findings under the ``read`` scope, the ruleset ``AQ9010-draft``, and
"today" the data set's reference day. Each variant runs once, in its own transaction with
``jit=off`` (as the other figures of bench/RESULTS.md), and counts its statements.
"""

from __future__ import annotations

import argparse
import asyncio
import time

from sqlalchemy import event, text

from policies.enforcer import Decisions, default_rules
from policies.resources import Action
from policies.scope import Scope
from services.identity import Identity, RoleGrant
from services.rulesets import ruleset
from services.stats import Dimension, StatsInput, compute_stats, stats_rules
from services.stats_compliance import ComplianceRequest
from store.database import create_engine, session_factory
from store.demo.clock import REFERENCE_DATE
from store.enums import Role

RULES = ruleset("AQ9010-draft")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--province", default="440000")
    args = parser.parse_args()
    engine = create_engine(args.database_url)
    sessions = session_factory(engine)
    decide = Decisions(default_rules()).decide
    identity = Identity(
        name="bench",
        display_name="bench",
        grants=(RoleGrant(role=Role.REGULATOR, region_code=args.province),),
    )
    read = Scope(identity, decide)
    aggregate = read.for_action(Action.AGGREGATE)
    statements: list[str] = []
    began: list[float] = []
    took: list[float] = []  # per statement, in order
    sync = engine.sync_engine
    event.listen(sync, "before_cursor_execute", lambda *a: began.append(time.perf_counter()))
    event.listen(sync, "before_cursor_execute", lambda *a: statements.append(a[2]))
    event.listen(
        sync, "after_cursor_execute", lambda *a: took.append(time.perf_counter() - began[-1])
    )
    print(
        "| stats grouped by INSURER | seconds | statements | compliance statement (s) "
        "| groups | rule rows | findings |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for with_compliance in (False, True):
        async with sessions() as session:
            await session.execute(text("SET LOCAL jit = off"))
            statements.clear()
            took.clear()
            start = time.perf_counter()
            report = await compute_stats(
                session,
                StatsInput(group_by=(Dimension.INSURER,)),
                today=REFERENCE_DATE,
                scope=aggregate,
                rules=stats_rules(RULES),
                compliance=ComplianceRequest(RULES, read) if with_compliance else None,
            )
            seconds = time.perf_counter() - start
            rows = sum(len(g.compliance) for g in report.groups)
            found = sum(
                c.met + c.late + c.overdue + c.due_soon + c.pending + c.unknown
                for g in report.groups
                for c in g.compliance
            )
            label = "with compliance" if with_compliance else "without compliance"
            mine = [t for q, t in zip(statements, took, strict=True) if "finding_rows" in q]
            print(
                f"| {label} | {seconds:.2f} | {len(statements)} "
                f"| {sum(mine):.2f} | {len(report.groups)} | {rows} | {found} |",
                flush=True,
            )
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
