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
