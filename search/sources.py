"""From changes to documents: which documents an outbox row touches, and their actions.

A document is rebuilt from the database as it is now (never from the outbox row), so a
replay or a retry can only make the index more current, and a row that is gone becomes a
delete of its document.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from search.backend import IndexAction
from search.documents import to_document
from store.repositories.search_source import SearchChangeRepository, SearchSourceRepository

Change = tuple[str, int]  # (outbox entity, key)
DocRef = tuple[str, int]  # (document type, record id)


async def touched(session: AsyncSession, change: Change) -> set[DocRef]:
    """The documents one change touches (their access fields or their text)."""
    entity, key = change
    repo = SearchChangeRepository(session)
    if entity in ("complaint", "service_scheme", "annual_evaluation"):
        return {(entity, key)}
    if entity == "service_record":
        # A record's agencies are its unit's too (scope "assigned" on insured units).
        units = await repo.units_of_records({key})
        return {("service_record", key)} | {("insured_unit", u) for u in units}
    if entity == "insurance_policy":
        return {("insured_unit", u) for u in await repo.units_of_policies({key})}
    if entity == "insured_unit":
        # Its name, region and industry are in every document anchored to it.
        anchored = await repo.anchored_to_units({key})
        return {("insured_unit", key)} | {(t, i) for t, ids in anchored.items() for i in ids}
    if entity == "insurer":
        return {("annual_evaluation", e) for e in await repo.evaluations_of({key})}
    return set()


def _loaders(repo: SearchSourceRepository) -> dict[str, Callable[[Sequence[int]], Awaitable[Any]]]:
    return {
        "service_record": repo.service_records,
        "complaint": repo.complaints,
        "service_scheme": repo.service_schemes,
        "annual_evaluation": repo.annual_evaluations,
        "insured_unit": repo.insured_units,
    }


def _key_of(source: Any) -> int:
    unit = getattr(source, "unit", None)
    return int(source.id if hasattr(source, "id") else unit.id)  # type: ignore[union-attr]


async def actions(session: AsyncSession, refs: Iterable[DocRef]) -> list[IndexAction]:
    """Index actions for ``refs`` in a stable order; a missing row is a delete."""
    by_type: dict[str, set[int]] = defaultdict(set)
    for doc_type, key in refs:
        by_type[doc_type].add(key)
    loaders = _loaders(SearchSourceRepository(session))
    out: list[IndexAction] = []
    for doc_type in sorted(by_type):
        ids = sorted(by_type[doc_type])
        found = {_key_of(s): s for s in await loaders[doc_type](ids)}
        for key in ids:
            source = found.get(key)
            document = None if source is None else to_document(source)
            out.append(IndexAction(doc_type, str(key), document))
    return out
