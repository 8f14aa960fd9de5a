"""Search figures on the bench data set: indexing throughput (documents per second, from the
database through ``to_document()`` into the backend's bulk API, as ``anzexian reindex`` does)
and search latency (p50/p99 of security-trimmed searches through services/search.py, with
hydration and facets: what the GraphQL field costs without HTTP).

    # build, measure, drop (indexes under a prefix of its own):
    .venv/bin/python -m bench.search --search-url http://127.0.0.1:9200 --records 200000 \
        --database-url "$(deploy/postgres.sh database anzexian_bench)"
    # measure on the indexes `anzexian reindex` built (ANZEXIAN_SEARCH_INDEX_PREFIX=...):
    .venv/bin/python -m bench.search --search-url http://127.0.0.1:9200 --no-index \
        --prefix anzexian-bench --database-url "$(deploy/postgres.sh database anzexian_bench)"

Reads only: no outbox table is needed, so the bench database may be at any revision with the
search tables or not. Principals: a regulator of 广东省, an insurer, and an insured unit (by
default the unit with the most service records: the largest scope a unit has).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid

from sqlalchemy import func, select

from policies.enforcer import Decisions, default_rules
from policies.scope import Scope
from search.factory import create_backend
from search.indexer import bulk_with_backoff
from search.sources import actions
from services.identity import Identity, RoleGrant
from services.search import run_search
from store.database import create_engine, session_factory
from store.enums import Role
from store.models.service_record import ServiceRecord
from store.repositories.search_source import SearchChangeRepository

QUERIES = [
    "隐患",
    "配电箱",
    "隐患 配电箱",
    "培训",
    "投诉 不满意",
    "有限空间",
    "应急演练",
    "消防通道",
]


async def _index(sessions: object, backend: object, doc_type: str, limit: int) -> tuple[int, float]:
    index = await backend.new_index(doc_type)  # type: ignore[attr-defined]
    done, after, start = 0, 0, time.perf_counter()
    while done < limit:
        async with sessions() as session:  # type: ignore[operator]
            ids = await SearchChangeRepository(session).ids_after(
                doc_type, after, min(2000, limit - done)
            )
            planned = await actions(session, ((doc_type, i) for i in ids))
        if not ids:
            break
        after = ids[-1]
        results = await bulk_with_backoff(backend, planned, targets={doc_type: index})  # type: ignore[arg-type]
        done += sum(1 for r in results if r.ok)
    elapsed = time.perf_counter() - start
    await backend.swap_alias(doc_type, index)  # type: ignore[attr-defined]
    return done, elapsed


async def _busiest_unit(sessions: object) -> int:
    async with sessions() as session:  # type: ignore[operator]
        stmt = (
            select(ServiceRecord.unit_id)
            .group_by(ServiceRecord.unit_id)
            .order_by(func.count().desc(), ServiceRecord.unit_id)
            .limit(1)
        )
        return int((await session.execute(stmt)).scalar_one())


def _p(timings: list[float], q: float) -> float:
    return timings[min(len(timings) - 1, int(len(timings) * q))]


async def main(args: argparse.Namespace) -> None:
    engine = create_engine(args.database_url)
    sessions = session_factory(engine)
    prefix = args.prefix or f"bench-{uuid.uuid4().hex[:8]}"
    backend = create_backend(args.search_url, prefix=prefix, fts_path=args.fts_path)
    await backend.ensure()
    try:
        if not args.no_index:
            total, seconds = 0, 0.0
            for doc_type, limit in (("insured_unit", args.units), ("service_record", args.records)):
                n, s = await _index(sessions, backend, doc_type, limit)
                print(f"{doc_type}: {n} documents in {s:.1f} s = {n / s:,.0f} docs/s")
                total, seconds = total + n, seconds + s
            print(f"indexing: {total} documents, {total / seconds:,.0f} docs/s on {backend.name}")
        await backend.refresh()
        decisions = Decisions(default_rules())
        unit = args.unit_id or await _busiest_unit(sessions)
        who = {
            "regulator 440000": RoleGrant(Role.REGULATOR, region_code="440000"),
            "insurer 1": RoleGrant(Role.INSURER, insurer_id=1),
            f"unit {unit}": RoleGrant(Role.UNIT, unit_id=unit),
        }
        for label, grant in who.items():
            scope = Scope(Identity(label, label, (grant,)), decisions.decide)
            timings = []
            totals: dict[str, int] = {}
            async with sessions() as session:
                for round_ in range(args.rounds):
                    for text in QUERIES:
                        start = time.perf_counter()
                        page = await run_search(session, scope, backend, text=text, first=20)
                        timings.append((time.perf_counter() - start) * 1000)
                        if round_ == 0:
                            totals[text] = page.total
            timings.sort()
            print(
                f"search latency, {label}: p50 {statistics.median(timings):.1f} ms, "
                f"p99 {_p(timings, 0.99):.1f} ms, max {timings[-1]:.1f} ms over {len(timings)} "
                f"searches (hydration and facets included)"
            )
            print("  hits: " + ", ".join(f"{t} {n}" for t, n in totals.items()))
    finally:
        if not args.no_index:
            await backend.drop_all()
        await backend.close()
        await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--search-url", default="")
    parser.add_argument("--fts-path", default="/tmp/bench-search.db")
    parser.add_argument("--prefix", default="", help="index prefix (default: a fresh one)")
    parser.add_argument(
        "--no-index",
        action="store_true",
        help="search the indexes already under --prefix (built by `anzexian reindex`); "
        "build nothing, drop nothing",
    )
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--unit-id", type=int, default=0, help="default: the busiest unit")
    parser.add_argument("--rounds", type=int, default=25)
    asyncio.run(main(parser.parse_args()))
