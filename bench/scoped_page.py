"""A regulator's filtered page of service records on the bench data set (bench operation
page100's GraphQL), with the scope's and the filter's unit semi-joins merged into one
(store/repositories/graph/semijoin.py) and kept apart, alternating; optionally with the
jurisdiction grants not folded (policies/jurisdictions.py), as before issue 6's change.

    .venv/bin/python -m bench.scoped_page \
        --database-url "$(deploy/postgres.sh database anzexian_bench)" \
        --grants 440000 --region 440100

Reads only. Each page is built afresh (no plan cache), in process, ``jit`` off; both forms
must answer the same, or the run stops.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, text

import policies.scope as scope_module
from bench.operations import _RECORD_PAGE
from policies.enforcer import Decisions, default_rules
from policies.scope import Scope
from resolvers.context import RequestContext
from resolvers.root import build_schema
from services.identity import Identity, RoleGrant
from store.database import create_engine, session_factory
from store.enums import Role
from store.repositories.graph import compiler
from store.repositories.graph.semijoin import merged

Merge = Callable[[Sequence[ColumnElement[bool]]], list[ColumnElement[bool]]]
FORMS: dict[str, Merge] = {"merged": merged, "separate": list}


class Unkeyed:
    """The scope's conditions without its plan key: every page is built afresh."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope

    def where(self, entity: Any) -> ColumnElement[bool]:
        return self.scope.where(entity)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--grants", default="440000", help="jurisdiction codes, comma-separated")
    parser.add_argument("--region", default="440000", help="the page's region filter")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--no-fold", action="store_true", help="one condition per grant")
    args = parser.parse_args()
    if args.no_fold:
        scope_module.fold = list  # type: ignore[attr-defined,assignment]
    schema = build_schema()
    engine = create_engine(args.database_url)
    sessions = session_factory(engine)
    grants = tuple(RoleGrant(Role.REGULATOR, region_code=c) for c in args.grants.split(","))
    scope = Scope(Identity("bench", "监管 / regulator", grants), Decisions(default_rules()).decide)
    times: dict[str, list[float]] = {name: [] for name in FORMS}
    answers: dict[str, Any] = {}
    for _ in range(args.rounds):
        for name, form in FORMS.items():
            compiler.merged = form  # type: ignore[attr-defined,assignment]
            async with sessions() as session:
                await session.execute(text("SET LOCAL jit = off"))
                context = RequestContext(
                    request=None,  # type: ignore[arg-type]
                    response=None,  # type: ignore[arg-type]
                    session=session,
                    identity=scope.identity,
                    scope=Unkeyed(scope),
                    mask=scope,
                )
                variables = {"first": 100, "region": args.region}
                start = time.perf_counter()
                result = await schema.execute(_RECORD_PAGE, variables, context_value=context)
                times[name].append((time.perf_counter() - start) * 1000)
                assert result.errors is None, result.errors
                answers.setdefault(name, result.data)
                assert result.data == answers[name]
    assert answers["merged"] == answers["separate"], "the two forms answered differently"
    rows = len(answers["merged"]["serviceRecords"]["edges"])
    for name, spent in times.items():
        print(
            f"{name}: median {statistics.median(spent):.0f} ms, min {min(spent):.0f} ms "
            f"over {len(spent)} pages of {rows} rows"
        )
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
