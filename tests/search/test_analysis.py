"""The FTS5 backend's tokens are the ``cjk`` analyzer's: compared with the real node."""

from __future__ import annotations

import httpx
import pytest

from search.analysis import tokens
from tests.search.conftest import opensearch_url, unavailable

SAMPLES = [
    "隐患配电箱",
    "现场检查发现配电箱接地线松动，存在触电隐患。",
    "The ABC隐患 2024年 3.5米 Ｆull-width 投诉!不满意 a www x13800",
    "对重点生产装置开展危险与可操作性分析（HAZOP）",
    "服务人员未按约定时间到场，回访时反映不满意",
]


@pytest.mark.parametrize("text", SAMPLES)
async def test_same_tokens_as_the_cjk_analyzer(text: str) -> None:
    url = opensearch_url()
    try:
        async with httpx.AsyncClient(base_url=url, timeout=10) as client:
            response = await client.post("/_analyze", json={"analyzer": "cjk", "text": text})
    except httpx.HTTPError as exc:
        unavailable(f"OpenSearch unreachable at {url}: {exc}")
    response.raise_for_status()
    assert tokens(text) == [t["token"] for t in response.json()["tokens"]]
