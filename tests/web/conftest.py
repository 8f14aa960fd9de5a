"""The pages in a real browser (issue 7): one demo-seeded SQLite database and one real
``anzexian serve`` process for the module, Debian's chromium driven by Playwright.

The browser is the system's (``make browser`` / deploy/browser.sh installs Debian's
``chromium``): Playwright's own browser download cannot be used here. Outside CI a missing
browser or Playwright skips these tests and says so; in CI (``CI=true``) it fails.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from tests.conftest import IN_CI

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, ViewportSize

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "var" / "screenshots"  # git-ignored (var/); looked at by a person
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}  # a common phone's CSS width
MIN_CELL_UNITS = 10  # the server's ANZEXIAN_PUBLIC_MIN_CELL_UNITS in these tests


def _missing(message: str) -> None:
    if IN_CI:
        pytest.fail(message + " (CI never skips the browser tests: `make browser` installs it)")
    pytest.skip(message)


@dataclass
class Site:
    base: str
    database: Path  # the SQLite file, for the tests' own look at what is stored
    tokens: dict[str, str]  # principal name -> bearer token

    def graphql(self, query: str, token: str | None = None, **variables: Any) -> Any:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        response = httpx.post(
            f"{self.base}/graphql",
            json={"query": query, "variables": variables},
            headers=headers,
            timeout=30,
        )
        body = response.json()
        assert response.status_code == 200 and "errors" not in body, body
        return body["data"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cli() -> list[str]:
    script = Path(sys.executable).with_name("anzexian")
    return (
        [str(script)]
        if script.exists()
        else [sys.executable, "-c", "from server.cli import app; app()"]
    )


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("web")
    database = folder / "demo.db"
    env = {
        **os.environ,
        "ANZEXIAN_DATABASE_URL": f"sqlite+aiosqlite:///{database}",
        "ANZEXIAN_SEARCH_URL": "",  # the embedded FTS5 file the demo command builds
        "ANZEXIAN_SEARCH_FTS_PATH": str(folder / "demo-search.db"),
        "ANZEXIAN_TOKEN_SECRET": secrets.token_urlsafe(32),
        "ANZEXIAN_PUBLIC_MIN_CELL_UNITS": str(MIN_CELL_UNITS),
        # One browser is one client address: the per-address limits are tested in
        # tests/server/test_limits_http.py, not here.
        "ANZEXIAN_LIMIT_RATE": "off",
        "ANZEXIAN_LOG_LEVEL": "warning",
    }
    seeded = subprocess.run(
        [*_cli(), "demo", "--path", str(database), "--no-serve"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert seeded.returncode == 0, seeded.stderr[-3000:]
    tokens = {}
    for name in (
        "demo-regulator-gd",
        "demo-regulator-gz",
        "demo-insurer-picc",
        "demo-unit",  # the self-service pages (issue 9): one principal per role
        "demo-agency",
    ):
        issued = subprocess.run(
            [*_cli(), "token", "issue", name],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert issued.returncode == 0, issued.stderr
        tokens[name] = issued.stdout.strip()
    port = _free_port()
    log = folder / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*_cli(), "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"the server exited:\n{log.read_text(errors='replace')}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            if time.monotonic() > deadline:
                pytest.fail(f"the server was not ready in 60 s:\n{log.read_text()}")
            time.sleep(0.1)
        yield Site(base, database, tokens)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright is not installed: pip install -e '.[dev]'")
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        _missing("no system chromium: run `make browser` (Debian's chromium package)")
    assert executable is not None
    with sync_playwright() as playwright:
        # --no-sandbox: the tests run as root on the CI machine, where chromium's sandbox
        # refuses to start; the pages are our own.
        launched = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page_errors() -> list[str]:
    """What the page's scripts and loads reported as errors; a test expecting one removes it."""
    return []


@pytest.fixture
def page(browser: Browser, page_errors: list[str]) -> Iterator[Page]:
    """A fresh context (its own sessionStorage) at desktop width; script errors fail."""
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    # A file that does not load (a script, the chart library) is an error too.
    page.on("console", lambda m: page_errors.append(m.text) if m.type == "error" else None)
    try:
        yield page
    finally:
        context.close()
    assert page_errors == [], page_errors


def screenshot(
    browser: Browser,
    url: str,
    name: str,
    ready: str,
    token: str | None = None,
    then: str | None = None,
) -> None:
    """Full-page screenshots at desktop and phone width into var/screenshots/ (of ``then``
    when given, after ``url``: a page reached after logging in)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        context = browser.new_context(viewport=viewport, locale="zh-CN")
        try:
            page = context.new_page()
            if token:
                login(page, url, token)
            else:
                page.goto(url)
            if then:
                page.goto(then)
            for selector in ready.split(" && "):
                page.wait_for_selector(selector)
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), full_page=True)
            # Readable at phone width: nothing wider than the screen but the scrolling tables.
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= viewport["width"], (name, label, width)
        finally:
            context.close()


def operation(body: str | None) -> str:
    """The operation name of a /graphql request body (``query Name(...) {``)."""
    query = str(json.loads(body or "{}").get("query", ""))
    return query.split("(")[0].split("{")[0].split()[1]


def login(page: Page, dashboard: str, token: str) -> None:
    """The dashboard's login form, with the keyboard only."""
    page.goto(dashboard)
    page.wait_for_selector("#token")
    page.focus("#token")
    page.keyboard.type(token)
    page.keyboard.press("Enter")
    page.wait_for_selector("#board[aria-busy='false']")
