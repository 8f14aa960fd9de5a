"""The regulator dashboard in a browser (issue 7): login, drill-down from province to county,
figures that link to their records, keyset pages, search, and a jurisdiction that editing
URLs and ids cannot leave."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlparse

from tests.web.conftest import DESKTOP, Site, login, operation
from tests.web.data import regions_within, service_record_in, unit_of_insurer_in

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Request

GUANGDONG, GUANGZHOU, HENAN = "440000", "440100", "410000"
EMPTY = "没有符合条件的记录"


def _regions(page: Page) -> list[str]:
    return [
        str(r.get_attribute("data-region"))
        for r in page.query_selector_all("#region-table tr[data-region]")
    ]


def _crumbs(page: Page) -> list[str]:
    return [li.inner_text() for li in page.query_selector_all("#crumbs li")]


def _drill(page: Page, region: str, depth: int) -> None:
    """Into a region with the keyboard: focus its button, press Enter."""
    page.focus(f"#region-table tr[data-region='{region}'] button")
    page.keyboard.press("Enter")
    page.wait_for_function("n => document.querySelectorAll('#crumbs li').length === n", arg=depth)
    settled(page)


def settled(page: Page) -> None:
    """The board has every section's answer (it is aria-busy while loading)."""
    page.wait_for_selector("#board[aria-busy='false']")


def _services(page: Page, region: str) -> int:
    cell = page.query_selector(f"#region-table tr[data-region='{region}'] td:nth-child(3)")
    assert cell is not None
    return int(cell.inner_text().replace(",", ""))


def test_drill_down_from_province_to_county_and_back(site: Site, page: Page) -> None:
    login(page, f"{site.base}/dashboard", site.tokens["demo-regulator-gd"])
    assert _regions(page) == [GUANGDONG]
    _drill(page, GUANGDONG, 2)
    cities = _regions(page)
    assert len(cities) > 1 and set(cities) <= regions_within(site.database, GUANGDONG)
    assert _crumbs(page) == ["辖区全部", "广东省"]
    _drill(page, GUANGZHOU, 3)
    counties = _regions(page)
    assert counties and set(counties) <= regions_within(site.database, GUANGZHOU)
    assert GUANGZHOU not in counties and set(counties) != set(cities)
    page.click("#crumbs button:has-text('辖区全部')")
    page.wait_for_function("() => document.querySelectorAll('#crumbs li').length === 1")
    settled(page)
    assert _regions(page) == [GUANGDONG]


def test_the_year_filter_changes_the_figures(site: Site, page: Page) -> None:
    login(page, f"{site.base}/dashboard", site.tokens["demo-regulator-gd"])
    seen = {}
    for year in ("2024", "2025", ""):
        page.select_option("#year", year)
        settled(page)
        seen[year] = _services(page, GUANGDONG)
    assert seen["2024"] != seen["2025"]
    assert seen[""] > seen["2024"] + seen["2025"] - 1  # every year together is more


def test_a_figure_opens_its_records_page_by_page(site: Site, page: Page) -> None:
    login(page, f"{site.base}/dashboard", site.tokens["demo-regulator-gd"])
    delivered = _services(page, GUANGDONG)
    page.click(f"#region-table tr[data-region='{GUANGDONG}'] td:nth-child(3) a")
    page.wait_for_selector("#records caption")
    assert re.search(r"kind=serviceRecords&region=440000&from=\d{4}-01-01&to=", page.url)
    caption = page.inner_text("#records caption")
    assert f"共 {delivered} 条" in caption.replace(",", "")
    first = [a.inner_text() for a in page.query_selector_all("#records tbody th a")]
    assert len(first) == 20 and page.is_enabled("#next")
    page.click("#next")  # keyset: the next page starts after the last cursor
    page.wait_for_selector("#page:has-text('第 2 页')")
    second = [a.inner_text() for a in page.query_selector_all("#records tbody th a")]
    assert second and not set(first) & set(second)
    page.click("#prev")
    page.wait_for_selector("#page:has-text('第 1 页')")
    assert [a.inner_text() for a in page.query_selector_all("#records tbody th a")] == first


def test_another_provinces_records_stay_out_of_reach(site: Site, page: Page) -> None:
    """The Guangdong regulator edits the URL: another province's region, another province's
    record id. The answers are empty / "not found", as if the rows did not exist."""
    login(page, f"{site.base}/dashboard", site.tokens["demo-regulator-gd"])
    for kind in ("serviceRecords", "complaints", "insuredUnits"):
        page.goto(f"{site.base}/dashboard/records?kind={kind}&region={HENAN}")
        page.wait_for_selector(f"#records :text('{EMPTY}')")
        page.goto(f"{site.base}/dashboard/records?kind={kind}&region={GUANGDONG}")
        page.wait_for_selector("#records tbody tr")  # the same page does list its own
    page.goto(f"{site.base}/dashboard/records?id={service_record_in(site.database, HENAN)}")
    page.wait_for_selector("#records :text('未找到该记录')")
    assert page.query_selector("dl.detail") is None
    page.goto(f"{site.base}/dashboard/records?id={service_record_in(site.database, GUANGDONG)}")
    page.wait_for_selector("dl.detail")


def test_a_city_regulator_drills_only_into_its_city(site: Site, page: Page) -> None:
    login(page, f"{site.base}/dashboard", site.tokens["demo-regulator-gz"])
    assert _regions(page) == [GUANGDONG]  # its figures, under the province they belong to
    _drill(page, GUANGDONG, 2)
    assert _regions(page) == [GUANGZHOU]
    page.goto(f"{site.base}/dashboard/records?kind=serviceRecords&region=440300")  # 深圳市
    page.wait_for_selector(f"#records :text('{EMPTY}')")


def test_search_finds_only_the_jurisdictions_records(site: Site, page: Page) -> None:
    unit_id, name = unit_of_insurer_in(site.database, 1, HENAN)
    # The index does hold it: its insurer finds it.
    found = site.graphql(
        "query($t: String!) { search(text: $t) { hits { id } } }",
        site.tokens["demo-insurer-picc"],
        t=name,
    )
    assert unit_id in {h["id"] for h in found["search"]["hits"]}

    login(page, f"{site.base}/dashboard", site.tokens["demo-regulator-gd"])
    page.fill("#search-text", name)
    page.keyboard.press("Enter")
    page.wait_for_selector("#search-results :text('共 0 条')")
    own_id, own = unit_of_insurer_in(site.database, 1, GUANGDONG)
    page.fill("#search-text", own)
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#search-results a[href$='{own_id.replace(':', '%3A')}']")


def test_an_overdue_figure_opens_the_findings_behind_it(site: Site, page: Page) -> None:
    """The insurer table's R-6.3-followup overdue count links to exactly that many findings."""
    login(page, f"{site.base}/dashboard", site.tokens["demo-regulator-gd"])
    row = page.locator("#insurer-table tbody tr").first
    figure = row.locator("td[data-label='回访逾期未完成'] a")
    count = int(figure.inner_text())
    assert count > 0
    figure.click()
    page.wait_for_selector("#records tbody tr")
    assert "kind=findings" in page.url and "rule=FOLLOWUP" in page.url
    assert "state=OVERDUE" in page.url and "insurer=Insurer" in page.url
    rows = page.locator("#records tbody tr")
    assert rows.count() == count <= 20 and page.is_disabled("#next")
    for cell in rows.locator("td[data-label='状态']").all_inner_texts():
        assert cell == "已逾期"
    for cell in rows.locator("td[data-label='规则']").all_inner_texts():
        assert cell.endswith("（R-6.3-followup）")


def test_only_a_regulators_token_opens_the_board(
    site: Site, page: Page, page_errors: list[str]
) -> None:
    page.goto(f"{site.base}/dashboard")
    for token, message in (
        (site.tokens["demo-insurer-picc"], "没有监管角色"),
        ("not-a-token", "令牌无效"),
    ):
        page.fill("#token", token)
        page.keyboard.press("Enter")
        page.wait_for_selector(f"#login-error :text('{message}')")
        assert page.is_hidden("#board")
        assert page.evaluate("sessionStorage.getItem('anzexian.token')") is None
    # The bad token's 401 is the browser's console error this test expects.
    page_errors[:] = [e for e in page_errors if "status of 401" not in e]
    login(page, f"{site.base}/dashboard", site.tokens["demo-regulator-gd"])
    page.click("#logout")
    page.wait_for_selector("#login-error :text('已退出')")
    assert page.evaluate("sessionStorage.getItem('anzexian.token')") is None


def test_the_board_loads_in_four_requests(site: Site, page: Page) -> None:
    """Figures come from `stats` aggregates, one request per kind of section: who is asking,
    the board's aggregates, the overdue items (one page of 8) and the monthly trend (one
    `stats` grouped by MONTH: one statement, tests/services/test_stats.py) — never a request
    per row, per region or per month."""
    names: list[str] = []
    bodies: dict[str, str] = {}

    def record(request: Request) -> None:
        if request.url.endswith("/graphql"):
            name = operation(request.post_data)
            names.append(name)
            bodies[name] = json.loads(request.post_data or "{}")["query"]

    page.on("request", record)
    login(page, f"{site.base}/dashboard", site.tokens["demo-regulator-gd"])
    assert sorted(names) == ["Board", "Overdue", "Trend", "Who"]
    assert bodies["Trend"].count("stats(") == 1 and "groupBy: [MONTH]" in bodies["Trend"]
    names.clear()
    _drill(page, GUANGDONG, 2)  # a drill-down asks again, as few times
    assert sorted(names) == ["Board", "Overdue", "Trend"]


def _query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def test_the_view_is_in_the_url_and_back_steps_back(site: Site, browser: Browser) -> None:
    """Each drill is a history entry (pushState): back and forward step through them, and
    the URL alone (a bookmark, a link sent to a colleague) restores the view."""
    token = site.tokens["demo-regulator-gd"]
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    try:
        page = context.new_page()
        login(page, f"{site.base}/dashboard", token)
        year = _query(page)["year"][0]
        assert re.fullmatch(r"\d{4}", year)  # the default year, written out
        _drill(page, GUANGDONG, 2)
        cities = _regions(page)
        assert _query(page)["region"] == [GUANGDONG] and _query(page)["level"] == ["CITY"]
        _drill(page, GUANGZHOU, 3)
        counties = _regions(page)
        assert _query(page)["region"] == [GUANGZHOU] and _query(page)["level"] == ["COUNTY"]
        page.select_option("#year", "")  # every year: one more entry
        settled(page)
        assert _query(page)["year"] == ["all"]
        shared = page.url

        page.go_back()
        settled(page)
        assert _query(page)["year"] == [year] and page.input_value("#year") == year
        page.go_back()
        page.wait_for_function("() => document.querySelectorAll('#crumbs li').length === 2")
        settled(page)
        assert _regions(page) == cities and _crumbs(page) == ["辖区全部", "广东省"]
        page.go_back()
        page.wait_for_function("() => document.querySelectorAll('#crumbs li').length === 1")
        settled(page)
        assert _regions(page) == [GUANGDONG]
        page.go_forward()
        page.wait_for_function("() => document.querySelectorAll('#crumbs li').length === 2")
        settled(page)
        assert _regions(page) == cities

        # Another tab (its own login): the shared URL opens the same view.
        other = context.new_page()
        login(other, shared, token)
        assert _crumbs(other) == ["辖区全部", "广东省", "广州市"]
        assert _regions(other) == counties and other.input_value("#year") == ""
        other.close()
    finally:
        context.close()


def test_an_industry_narrows_the_whole_board(site: Site, page: Page) -> None:
    """The industry table drills too: an industry's row narrows every section to it, and a
    figure under that narrowing opens exactly the records it counts."""
    login(page, f"{site.base}/dashboard", site.tokens["demo-regulator-gd"])
    row = page.locator("#industry-table tbody tr").first
    code = row.get_attribute("data-industry")
    delivered = int(row.locator("td").nth(1).inner_text().replace(",", ""))
    assert code and delivered > 0
    row.locator("th button").focus()
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => location.search.includes('industry={code}')")
    settled(page)
    assert page.locator("#industry-table tbody tr").count() == 1
    assert _services(page, GUANGDONG) == delivered  # the province, this industry only
    assert page.is_visible("#narrowing :text('行业：')")
    # The overdue list and its link are narrowed to the industry too (`findings(filter:
    # {industries})`), not the region's every industry.
    overdue = urlparse(str(page.get_attribute("#overdue a[href*='kind=findings']", "href")))
    assert parse_qs(overdue.query)["industry"] == [code]
    page.click(f"#region-table tr[data-region='{GUANGDONG}'] td:nth-child(3) a")
    page.wait_for_selector("#records caption")
    assert _query(page)["industry"] == [code]
    assert f"共 {delivered} 条" in page.inner_text("#records caption").replace(",", "")
    page.go_back()
    settled(page)
    page.click("#narrowing button")  # cancel the industry
    page.wait_for_function("() => !location.search.includes('industry=')")
    settled(page)
    assert page.locator("#industry-table tbody tr").count() > 1


def test_a_month_of_the_trend_narrows_the_board(site: Site, page: Page) -> None:
    login(page, f"{site.base}/dashboard", site.tokens["demo-regulator-gd"])
    row = page.locator("#trend-table tbody tr:has(td:nth-child(2) a)").first
    month = str(row.get_attribute("data-month"))
    delivered = int(row.locator("td").first.inner_text().replace(",", ""))
    row.locator("th button").focus()
    page.keyboard.press("Enter")
    number = str(int(month[5:]))
    page.wait_for_function(f"() => location.search.includes('months={number}')")
    settled(page)
    assert _services(page, GUANGDONG) == delivered
    assert page.input_value("#month-from") == page.input_value("#month-to") == number
    assert "chosen" in str(page.get_attribute(f"#trend-table tr[data-month='{month}']", "class"))
    page.click(f"#region-table tr[data-region='{GUANGDONG}'] td:nth-child(3) a")
    page.wait_for_selector("#records caption")
    assert _query(page)["from"] == [f"{month}-01"]
    assert f"共 {delivered} 条" in page.inner_text("#records caption").replace(",", "")
