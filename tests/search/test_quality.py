"""Precision and recall of both backends on the labelled Chinese query set (top 10 hits),
printed in the test report; both must return the same hits (conformance)."""

from __future__ import annotations

from search.backend import IndexAction, SearchBackend
from tests.search.labelled import DOCUMENTS, LABELS
from tests.search.quality_report import FIGURES
from tests.search.requests import request

TOP = 10


async def test_precision_and_recall(search_backend: SearchBackend) -> None:
    results = await search_backend.bulk([IndexAction(d["type"], d["id"], d) for d in DOCUMENTS])
    assert all(r.ok for r in results)
    await search_backend.refresh()
    precision, recall, retrieved = [], [], {}
    for text, relevant in LABELS.items():
        hits = (await search_backend.search(request(text, size=TOP))).hits
        found = {f"{h.doc_type}:{h.doc_id}" for h in hits}
        retrieved[text] = found
        good = len(found & relevant)
        precision.append(good / len(found) if found else 1.0)
        recall.append(good / len(relevant))
    p = sum(precision) / len(precision)
    r = sum(recall) / len(recall)
    FIGURES.append(
        f"{search_backend.name:<10} macro precision@{TOP} {p:.2f}  macro recall@{TOP} {r:.2f}  "
        f"({len(LABELS)} labelled queries, {len(DOCUMENTS)} documents)"
    )
    # The same hits in both backends: checked against the answers the phrase semantics give.
    assert retrieved["配电箱"] == {"service_record:1"}
    assert retrieved["消防"] == {"service_record:4", "service_record:5"}
    assert retrieved["有限空间"] == {"service_record:8", "service_record:9"}
    assert retrieved["危险化学品"] == {"service_record:12"}  # 危化品 is not found
    assert "service_record:2" in retrieved["触电"] and len(retrieved["触电"]) == 1
    assert p >= 0.9 and r >= 0.7, (p, r)
