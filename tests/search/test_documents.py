"""Documents are pure functions of their sources, carry the access fields, and never hold a
personal or business-secret column (R-4.2-privacy)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from search.analysis import query_terms, tokens
from search.documents import to_document
from search.mapping import mapping
from search.sources import actions
from store.base import Base
from tests.factories.insurance_policy import create_policy
from tests.factories.world import build_world
from tests.search.corpus import DOCUMENTS


def test_every_field_is_in_the_mapping() -> None:
    properties = mapping()["properties"]
    assert all(set(d) <= set(properties) for d in DOCUMENTS)
    assert mapping()["dynamic"] == "strict"


def test_access_fields_of_a_record() -> None:
    record = next(d for d in DOCUMENTS if d["doc_key"] == "service_record:1")
    assert record["region_ancestors"] == ["440000", "440300", "440305"]
    assert record["region_l1"] == "440000" and record["region_l3"] == "440305"
    assert record["insurer_ids"] == ["1"] and record["agency_ids"] == ["7"]
    assert record["unit_id"] == "1" and record["year"] == 2024


async def test_sensitive_columns_are_never_indexed(session: AsyncSession) -> None:
    world = await build_world(session)
    world.unit.contact_name = "张秘密"
    world.unit.contact_phone = "13800138000"
    world.unit.business_secret_notes = "独家配方工艺参数"
    await create_policy(session, insurer_id=world.insurer.id, unit_id=world.unit.id)
    await session.flush()
    (action,) = await actions(session, [("insured_unit", world.unit.id)])
    text = json.dumps(action.document, ensure_ascii=False)
    for secret in ("张秘密", "13800138000", "独家配方"):
        assert secret not in text
    sensitive = [
        f"{t.name}.{c.name}"
        for t in Base.metadata.tables.values()
        for c in t.c
        if c.info.get("sensitivity")
    ]
    assert sensitive  # the guard in search_source.py refuses to read any of these


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("隐患配电箱", ["隐患", "患配", "配电", "电箱"]),
        ("培训", ["培训"]),
        ("投", ["投"]),
        ("The HAZOP 分析", ["hazop", "分析"]),
    ],
)
def test_bigrams(text: str, expected: list[str]) -> None:
    assert tokens(text) == expected


def test_query_terms() -> None:
    assert query_terms("隐患　配电箱  隐患 the", limit=8) == ["隐患", "配电箱"]


def test_to_document_is_pure() -> None:
    from tests.search.corpus import SOURCES

    assert [to_document(s) for s in SOURCES] == DOCUMENTS
