"""Keyboard and labels (issue 7, "accessible and plain"): the first Tab stop skips to the
content, every form control has a label, every chart has a name, every table a caption."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.web.conftest import Site, login

if TYPE_CHECKING:
    from playwright.sync_api import Page

UNLABELLED = """() => [...document.querySelectorAll('input, select, textarea, button')]
  .filter(e => !e.closest('[hidden]'))
  .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
               && !(e.tagName === 'BUTTON' && e.textContent.trim()))
  .map(e => e.outerHTML)"""
UNNAMED_CHARTS = """() => [...document.querySelectorAll('.chart')]
  .filter(e => !e.closest('[hidden]') && !e.getAttribute('aria-label')).map(e => e.id)"""
UNCAPTIONED = """() => [...document.querySelectorAll('table')].filter(t => !t.caption).length"""


def _check(page: Page) -> None:
    assert page.evaluate(UNLABELLED) == []
    assert page.evaluate(UNNAMED_CHARTS) == []
    assert page.evaluate(UNCAPTIONED) == 0


def test_the_portal_by_keyboard(site: Site, page: Page) -> None:
    page.goto(f"{site.base}/")
    page.wait_for_selector("#results table")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "跳到正文"
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
    # The year is chosen with the keyboard alone: focus, arrow, and the view follows.
    page.focus("#year")
    before = page.inner_text("#results caption")
    page.keyboard.press("ArrowDown")
    page.wait_for_function(
        "b => document.querySelector('#results caption')?.textContent !== b", arg=before
    )
    _check(page)


def test_the_dashboard_by_keyboard(site: Site, page: Page) -> None:
    page.goto(f"{site.base}/dashboard")
    page.wait_for_selector("#token")
    _check(page)  # the login form
    login(page, f"{site.base}/dashboard", site.tokens["demo-regulator-gd"])
    _check(page)  # the board
    # A region's drill-down is a real button: reachable by Tab, labelled with its action.
    button = page.locator("#region-table tbody th button").first
    assert button.get_attribute("aria-label") == "广东省：查看下级地区"
