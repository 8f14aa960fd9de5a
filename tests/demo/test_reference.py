"""The committed reference data: GB/T 2260 regions with a hierarchy that is data, and
GB/T 4754 industries covering every high-risk category of R-5.1-annual."""

from __future__ import annotations

from collections import Counter

from store.demo import reference
from store.enums import HighRiskCategory, RegionLevel
from store.region_tree import ancestors


def test_regions_are_sorted_unique_and_complete() -> None:
    codes = [r.code for r in reference.regions()]
    assert codes == sorted(codes)
    assert len(codes) == len(set(codes))
    levels = Counter(r.level for r in reference.regions())
    assert levels[RegionLevel.PROVINCE] == 31
    assert levels[RegionLevel.CITY] > 330  # 333 prefectures and the municipalities' groups
    assert levels[RegionLevel.COUNTY] > 2800


def test_every_parent_exists_one_level_up() -> None:
    by_code = {r.code: r for r in reference.regions()}
    up = {
        RegionLevel.CITY: {RegionLevel.PROVINCE},
        RegionLevel.COUNTY: {RegionLevel.CITY, RegionLevel.PROVINCE},
    }
    for region in reference.regions():
        if region.level is RegionLevel.PROVINCE:
            assert region.parent_code is None
            continue
        assert region.parent_code in by_code, region
        assert by_code[region.parent_code].level in up[region.level], region


def test_hierarchy_that_the_digits_do_not_tell() -> None:
    parents = reference.parents()
    assert ancestors("419001", parents) == ["419001", "410000"]  # 济源市, 省直辖
    assert ancestors("429004", parents) == ["429004", "420000"]  # 仙桃市
    assert ancestors("469024", parents) == ["469024", "460000"]  # 临高县
    assert ancestors("659001", parents) == ["659001", "650000"]  # 石河子市
    assert ancestors("110101", parents) == ["110101", "110100", "110000"]  # 东城区, 市辖区
    assert ancestors("500229", parents) == ["500229", "500200", "500000"]  # 城口县, 县
    assert ancestors("500101", parents) == ["500101", "500100", "500000"]  # 万州区, 市辖区
    names = {r.code: r.name for r in reference.regions()}
    assert (names["419001"], names["500200"], names["110100"]) == ("济源市", "县", "市辖区")


def test_leaves_include_cities_without_counties() -> None:
    leaves = {r.code for r in reference.leaf_regions()}
    assert {"441900", "442000", "620200", "419001"} <= leaves  # 东莞, 中山, 嘉峪关, 济源
    assert "440100" not in leaves


def test_industries_cover_every_high_risk_category_and_ordinary_ones() -> None:
    industries = reference.industries()
    assert 25 <= len(industries) <= 40
    categories = {i.high_risk_category for i in industries}
    assert set(HighRiskCategory) <= categories
    assert None in categories  # ordinary industries too
    coal = next(i for i in industries if i.code == "B06")
    assert (coal.name, coal.high_risk_category) == ("煤炭开采和洗选业", HighRiskCategory.COAL_MINE)
