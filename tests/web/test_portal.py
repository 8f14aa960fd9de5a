"""The public portal in a browser (issue 7): only published results, filters that change what
is shown, small groups left out by the server, and no token ever sent."""

from __future__ import annotations

from typing import TYPE_CHECKING

from store.enums import RegionLevel
from store.repositories.stats import Dimension
from tests.web.conftest import MIN_CELL_UNITS, Site, operation
from tests.web.data import published_evaluations, unpublished_evaluations
from tests.web.stats_oracle import unsuppressed

if TYPE_CHECKING:
    from playwright.sync_api import Page, Request

HENAN = "410000"
EVALUATION_ROWS = "#results tr[data-evaluation]"


def _shown(page: Page) -> set[str]:
    return {
        str(row.get_attribute("data-evaluation"))
        for row in page.query_selector_all(EVALUATION_ROWS)
    }


def _first_column(page: Page, container: str) -> list[str]:
    return [c.inner_text() for c in page.query_selector_all(f"{container} tbody th")]


def test_only_published_results_and_no_token_sent(site: Site, page: Page) -> None:
    sent: list[Request] = []
    page.on("request", lambda r: sent.append(r) if r.url.endswith("/graphql") else None)
    # A regulator's token in this tab must not change what the public page shows or sends.
    page.goto(f"{site.base}/")
    page.evaluate(
        "t => sessionStorage.setItem('anzexian.token', t)", site.tokens["demo-regulator-gd"]
    )
    for year in (2024, 2025):
        page.goto(f"{site.base}/?year={year}")
        page.wait_for_selector(f"#results caption:has-text('{year}年度')")
        shown = _shown(page)
        assert shown == published_evaluations(site.database, year) != set()
        assert not shown & unpublished_evaluations(site.database, year)
        links = [a.get_attribute("href") for a in page.query_selector_all("#results a")]
        assert links == [
            f"/reports/evaluations/{str(key).split(':')[1]}.html"
            for key in (
                r.get_attribute("data-evaluation") for r in page.query_selector_all(EVALUATION_ROWS)
            )
        ]
    assert unpublished_evaluations(site.database, 2024), "the demo data has a submitted one"
    assert sent and all("authorization" not in r.headers for r in sent)


def test_filters_change_what_is_shown_and_small_groups_stay_out(site: Site, page: Page) -> None:
    asked: list[str] = []
    page.on(
        "request",
        lambda r: asked.append(operation(r.post_data)) if r.url.endswith("/graphql") else None,
    )
    page.goto(f"{site.base}/?year=2025")
    page.wait_for_selector("#results caption:has-text('全国')")
    national = _shown(page)
    # One request for the filters' choices, one per view: never one per insurer or row.
    assert asked == ["PortalSetup", "PortalView"]
    assert national == published_evaluations(site.database, 2025)

    page.select_option("#province", HENAN)
    page.wait_for_selector("#coverage caption:has-text('河南省')")
    groups = unsuppressed(site.database, (Dimension.INSURER,), region=HENAN, year=2025)
    kept = {g.insurer.name for g in groups if g.insurer and g.units_covered >= MIN_CELL_UNITS}
    dropped = {g.insurer.name for g in groups if g.insurer and g.units_covered < MIN_CELL_UNITS}
    assert dropped, "the demo data has an insurer with few units in Henan: suppression is tested"
    assert set(_first_column(page, "#coverage")) == kept
    # The evaluations narrow to the insurers the province's published aggregates name.
    in_henan = _shown(page)
    assert in_henan < national
    names = set(_first_column(page, "#results"))
    assert names <= kept and not names & dropped

    page.select_option("#year", "2024")
    page.wait_for_selector("#results caption:has-text('2024年度')")
    assert _shown(page) <= published_evaluations(site.database, 2024)
    assert page.url.endswith(f"?year=2024&province={HENAN}")  # a view one can link to

    # The comparison follows the chosen indicator (its accessible name says which).
    page.select_option("#indicator", "satisfactionRate")
    assert page.get_attribute("#compare-chart", "aria-label") == "保险机构对比：满意度"


def test_the_server_leaves_small_groups_out_of_the_publics_stats(site: Site) -> None:
    """Suppression is the API's, not the page's: the public's own GraphQL call gets every
    group but those of fewer units (a group of exactly the threshold stays), while a
    regulator's call on the same figures keeps its small groups."""
    query = """query($level: RegionLevel!, $region: String) {
      stats(groupBy: [REGION], regionLevel: $level, filter: {region: $region}) {
        groups { region { code } unitsCovered } } }"""
    public = site.graphql(query, level="CITY")["stats"]["groups"]
    every = {
        g.region.code: g.units_covered
        for g in unsuppressed(site.database, (Dimension.REGION,), level=RegionLevel.CITY)
        if g.region
    }
    large = {code: n for code, n in every.items() if n >= MIN_CELL_UNITS}
    assert large and len(large) < len(every), "the demo data has cities of both kinds"
    assert MIN_CELL_UNITS in large.values(), "a group of exactly the threshold is shown"
    assert {g["region"]["code"]: g["unitsCovered"] for g in public} == large
    regulator = site.graphql(
        query, site.tokens["demo-regulator-gd"], level="CITY", region="440000"
    )["stats"]["groups"]
    assert any(g["unitsCovered"] < MIN_CELL_UNITS for g in regulator)
