"""Screenshots of both pages at desktop and phone width (var/screenshots/), for a person to
look at; each also checks that nothing but a scrolling table is wider than the screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.web.conftest import SCREENSHOTS, Site, screenshot

if TYPE_CHECKING:
    from playwright.sync_api import Browser


def test_portal_screenshots(site: Site, browser: Browser) -> None:
    screenshot(browser, f"{site.base}/?year=2025", "portal", "#results table && #coverage table")
    assert (SCREENSHOTS / "portal-phone.png").stat().st_size > 10_000


def test_dashboard_screenshots(site: Site, browser: Browser) -> None:
    screenshot(
        browser,
        f"{site.base}/dashboard",
        "dashboard",
        "#region-table table && #trend-table table && #insurer-table table",
        token=site.tokens["demo-regulator-gd"],
    )
    assert (SCREENSHOTS / "dashboard-desktop.png").stat().st_size > 10_000


def test_drilled_dashboard_screenshots(site: Site, browser: Browser) -> None:
    """A view restored from its URL (issue 7): Guangzhou by county, spring 2025, with the
    month range marked in the trend and shown beside the crumbs."""
    screenshot(
        browser,
        f"{site.base}/dashboard?region=440100&level=COUNTY&year=2025&months=3-5",
        "dashboard-drilled",
        "#board[aria-busy='false'] #region-table table && #trend-table tr.chosen && #narrowing li",
        token=site.tokens["demo-regulator-gd"],
    )
    assert (SCREENSHOTS / "dashboard-drilled-phone.png").stat().st_size > 10_000


def test_records_screenshots(site: Site, browser: Browser) -> None:
    """The records behind a figure: the token is stored by logging in on the dashboard first."""
    screenshot(
        browser,
        f"{site.base}/dashboard",
        "records",
        "#records tbody tr",
        token=site.tokens["demo-regulator-gd"],
        then=f"{site.base}/dashboard/records?kind=serviceRecords&region=440100&untold=1",
    )
