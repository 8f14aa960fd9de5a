"""The web pages (issue 7): the public portal at ``/``, the regulator dashboard at
``/dashboard`` and its record lists at ``/dashboard/records``; the self-service pages (issue 9)
of insured units at ``/unit``, agencies at ``/agency`` and insurers at ``/insurer``; static
files under ``/static``. The pages fetch everything from ``/graphql`` (and the uploads from
``/bulk``) with the caller's token: no data endpoint of their own, so the policies that guard
the API guard the pages."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

WEB = Path(str(files("web")))

# Nothing but this origin: scripts, styles, data (the /graphql fetches) and images. Inline
# styles stay allowed for the chart library, which positions its tooltips with them.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

PAGES = {
    "/": "portal.html",
    "/dashboard": "dashboard.html",
    "/dashboard/records": "records.html",
    "/unit": "unit.html",
    "/agency": "agency.html",
    "/insurer": "insurer.html",
}


def _page(url: str, name: str) -> Route:
    path = WEB / name

    async def endpoint(_: Request) -> Response:
        return FileResponse(path, media_type="text/html; charset=utf-8", headers=SECURITY_HEADERS)

    return Route(url, endpoint, methods=["GET"])


# Static files above this size are sent gzip-compressed to a browser that accepts it: the
# chart library is about 1 MB as installed and a third of that compressed, most of what a
# first visit to the portal or the dashboard downloads (bench/RESULTS.md, issue 7).
GZIP_MIN_BYTES = 1024


def web_routes() -> list[BaseRoute]:
    routes: list[BaseRoute] = [_page(url, name) for url, name in PAGES.items()]
    static = GZipMiddleware(StaticFiles(directory=WEB / "static"), minimum_size=GZIP_MIN_BYTES)
    routes.append(Mount("/static", app=static, name="static"))
    return routes
