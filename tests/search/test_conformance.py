"""One conformance suite, run against both backends (SQLite FTS5 and the real OpenSearch):
the same documents, the same requests, the same expected hits, totals and facet counts."""

from __future__ import annotations

import pytest

from search.backend import Filter, IndexAction, SearchBackend, SearchResult
from tests.search.corpus import DOCUMENTS
from tests.search.requests import request


async def _load(backend: SearchBackend) -> None:
    actions = [IndexAction(d["type"], d["id"], d) for d in DOCUMENTS]
    results = await backend.bulk(actions)
    assert all(r.status == 201 for r in results), results
    await backend.refresh()


def _keys(result: SearchResult) -> set[str]:
    return {f"{h.doc_type}:{h.doc_id}" for h in result.hits}


# (query text, expected document keys): every word must match as a phrase somewhere.
CASES = [
    # Two-character Chinese words (R-6.2 hazards, R-6.4 complaints, 5.1 a training).
    (
        "隐患",
        {
            "service_record:1",
            "service_record:3",
            "complaint:11",
            "service_scheme:20",
            "annual_evaluation:31",
        },
    ),
    ("培训", {"service_record:2", "service_record:5", "complaint:10", "service_scheme:20"}),
    ("投诉", {"complaint:10", "complaint:11", "annual_evaluation:30", "annual_evaluation:31"}),
    # A three-character word is a phrase of two bigrams: 配电柜 is not 配电箱.
    ("配电箱", {"service_record:1"}),
    ("隐患 配电箱", {"service_record:1"}),
    ("配电", {"service_record:1", "service_record:4"}),
    # Every word must match; follow-up comments are searched (回访 不满意).
    ("服务 不满意", {"service_record:2"}),
    ("不满意 配电箱", set()),
    # Latin words, case-folded and whole.
    ("hazop", {"service_record:4"}),
    ("HAZ", set()),
    # Units by name and by place names of their region path.
    (
        "南山",
        {
            "service_record:1",
            "service_record:2",
            "complaint:10",
            "service_scheme:20",
            "insured_unit:1",
        },
    ),
    ("杭州市", {"insured_unit:2"}),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0] for c in CASES])
async def test_same_hits(search_backend: SearchBackend, text: str, expected: set[str]) -> None:
    await _load(search_backend)
    result = await search_backend.search(request(text))
    assert _keys(result) == expected
    assert result.total == len(expected)


async def test_type_filters_trim_hits_and_facets(search_backend: SearchBackend) -> None:
    await _load(search_backend)
    insurer_1: Filter = {"term": {"insurer_ids": "1"}}
    filters: dict[str, Filter] = {
        t: insurer_1
        for t in (
            "service_record",
            "complaint",
            "service_scheme",
            "annual_evaluation",
            "insured_unit",
        )
    }
    result = await search_backend.search(request("隐患", filters=filters))
    assert _keys(result) == {"service_record:1", "service_scheme:20"}
    assert {b.value: b.count for b in result.facets["insurer"]} == {"1": 2}
    assert {b.value: b.count for b in result.facets["type"]} == {
        "service_record": 1,
        "service_scheme": 1,
    }


async def test_jurisdiction_style_filter(search_backend: SearchBackend) -> None:
    await _load(search_backend)
    guangdong: Filter = {"term": {"region_ancestors": "440000"}}
    filters: dict[str, Filter] = {
        "service_record": guangdong,
        "complaint": guangdong,
        "insured_unit": guangdong,
        "service_scheme": guangdong,
        "annual_evaluation": {"match_none": {}},
    }
    result = await search_backend.search(request("", filters=filters))
    assert _keys(result) == {
        "service_record:1",
        "service_record:2",
        "service_record:4",
        "complaint:10",
        "service_scheme:20",
        "insured_unit:1",
        "insured_unit:3",
    }
    assert {b.value: b.count for b in result.facets["region"]} == {"440000": 7}
    assert {b.value: b.count for b in result.facets["category"]} == {
        "hazard_investigation": 2,
        "training": 2,
        "risk_assessment": 1,
    }


async def test_a_child_group_counts_only_under_its_own_filter(
    search_backend: SearchBackend,
) -> None:
    """Hazard text is searched only where the hazard right holds (judged on the record)."""
    await _load(search_backend)
    only_unit_2: dict[str, Filter] = {"hazards": {"term": {"unit_id": "2"}}}
    result = await search_backend.search(request("脚手架", child_filters=only_unit_2))
    assert _keys(result) == {"service_record:3"}
    only_unit_1: dict[str, Filter] = {"hazards": {"term": {"unit_id": "1"}}}
    assert _keys(await search_backend.search(request("脚手架", child_filters=only_unit_1))) == set()
    denied: dict[str, Filter] = {"hazards": {"match_none": {}}}
    assert _keys(await search_backend.search(request("配电箱", child_filters=denied))) == set()


async def test_snippets_mark_the_words(search_backend: SearchBackend) -> None:
    await _load(search_backend)
    result = await search_backend.search(request("配电箱 隐患", types=("service_record",)))
    (hit,) = result.hits
    assert hit.title == "生产安全事故隐患排查 · 厂区"
    texts = {s.field: s.text for s in hit.snippets}
    assert "<em>配电箱</em>" in texts["hazards"]
    assert "<em>隐患</em>" in texts["body"]


async def test_pages_and_order(search_backend: SearchBackend) -> None:
    await _load(search_backend)
    whole = await search_backend.search(request("隐患"))
    pages = [await search_backend.search(request("隐患", offset=o, size=2)) for o in (0, 2, 4)]
    assert [h.doc_id for p in pages for h in p.hits] == [h.doc_id for h in whole.hits]
    assert all(p.total == 5 for p in pages)
    scores = [h.score for h in whole.hits]
    assert scores == sorted(scores, reverse=True)


async def test_replay_overwrites_and_delete_removes(search_backend: SearchBackend) -> None:
    await _load(search_backend)
    first = DOCUMENTS[0]
    changed = {**first, "hazards": "消防通道堆放杂物"}
    assert [
        r.status for r in await search_backend.bulk([IndexAction("service_record", "1", changed)])
    ] == [200]
    await search_backend.refresh()
    assert _keys(await search_backend.search(request("配电箱"))) == set()
    assert _keys(await search_backend.search(request("消防通道"))) == {"service_record:1"}
    deleted = await search_backend.bulk(
        [IndexAction("service_record", "1", None), IndexAction("service_record", "99", None)]
    )
    assert [r.status for r in deleted] == [200, 404]
    assert all(r.ok for r in deleted)
    await search_backend.refresh()
    assert "1" not in await search_backend.doc_ids("service_record")


async def test_strict_mapping_refuses_unknown_fields(search_backend: SearchBackend) -> None:
    results = await search_backend.bulk(
        [
            IndexAction(
                "insured_unit",
                "5",
                {
                    "doc_key": "insured_unit:5",
                    "type": "insured_unit",
                    "id": "5",
                    "title": "x",
                    "secret": "no",
                },
            )
        ]
    )
    assert results[0].status == 400
    assert "strict_dynamic_mapping_exception" in (results[0].error or "")


async def test_reindex_style_swap(search_backend: SearchBackend) -> None:
    await _load(search_backend)
    index = await search_backend.new_index("insured_unit")
    doc = next(d for d in DOCUMENTS if d["doc_key"] == "insured_unit:2")
    await search_backend.bulk(
        [IndexAction("insured_unit", "2", doc)], targets={"insured_unit": index}
    )
    await search_backend.refresh()
    assert await search_backend.doc_ids("insured_unit") == {"1", "2", "3"}  # alias: old
    dropped = await search_backend.swap_alias("insured_unit", index)
    assert len(dropped) == 1
    assert await search_backend.doc_ids("insured_unit") == {"2"}
