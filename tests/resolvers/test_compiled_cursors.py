"""Cursors on hand-built rows (kept apart from the seeded-data modules: this module writes
region rows, which would wait on the seeded module's uncommitted copies of them)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from tests.resolvers.graph_helpers import data


async def test_text_sort_keys_may_contain_the_cursor_separator(
    session: AsyncSession,
) -> None:
    from tests.factories.world import create_unit

    for name in ("甲|乙 有限公司", "丙|丁|戊 有限公司", "己 有限公司"):
        await create_unit(session, name=name)
    query = """query($after: String) {
      insuredUnits(first: 1, after: $after, orderBy: {field: NAME}) {
        edges { cursor node { name } } } }"""
    names, after = [], None
    for _ in range(3):
        got = (await data(session, query, {"after": after}))["insuredUnits"]["edges"]
        names.append(got[0]["node"]["name"])
        after = got[0]["cursor"]
    assert names == sorted(names)
    assert len(set(names)) == 3
