"""The pages as files over HTTP: served with a policy that loads nothing from elsewhere, the
chart library installed locally, and no page or script naming another origin."""

from __future__ import annotations

import re

import httpx

from server.web import WEB
from tests.web.conftest import Site


def test_pages_are_served_with_a_same_origin_policy(site: Site) -> None:
    for path in ("/", "/dashboard", "/dashboard/records", "/unit", "/agency", "/insurer"):
        response = httpx.get(f"{site.base}{path}")
        assert response.status_code == 200 and "text/html" in response.headers["content-type"]
        assert "default-src 'self'" in response.headers["content-security-policy"]
        assert '<html lang="zh-CN">' in response.text


def test_the_chart_library_is_local() -> None:
    """`make install` unpacks it from the npm package (Makefile, web-vendor)."""
    library = WEB / "static" / "vendor" / "echarts.min.js"
    assert library.stat().st_size > 500_000, "run `make web-vendor`"


def test_nothing_is_loaded_from_another_origin() -> None:
    for path in [*WEB.glob("*.html"), *WEB.glob("static/js/*.js"), *WEB.glob("static/css/*.css")]:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", text), path
        assert not re.search(r"""(import|fetch)\s*\(?\s*["'](https?:)?//""", text), path


def test_static_files_are_compressed_for_a_browser_that_accepts_it(site: Site) -> None:
    """The chart library is most of a first visit's bytes: sent gzip-compressed, about a
    third of its size (bench/RESULTS.md, issue 7)."""
    url = f"{site.base}/static/vendor/echarts.min.js"
    library = WEB / "static" / "vendor" / "echarts.min.js"
    with httpx.stream("GET", url, headers={"accept-encoding": "gzip"}) as response:
        sent = sum(len(chunk) for chunk in response.iter_raw())
        assert response.headers["content-encoding"] == "gzip"
    assert sent < library.stat().st_size / 2
    plain = httpx.get(url, headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.content == library.read_bytes()
