"""The web pages on a running gateway (issue 7): per page load, the requests, the bytes, the
time to the first meaningful render and to the settled page, in Debian's chromium.

Not a test. Start a gateway on the bench database first (bench/README.md, "Pages"), then:

    .venv/bin/python -m bench.pages --base http://127.0.0.1:18761 --token "$TOKEN" --runs 3

- *First meaningful render*: the first figure table on screen (dashboard: the region table;
  portal: the evaluation results), ms after navigation start (``performance.now()`` in a
  MutationObserver installed before the page's scripts run).
- *Settled*: every section has its answer (dashboard: ``#board[aria-busy=false]`` and the
  trend table; portal: both tables).
- *Bytes*: ``transferSize`` of the navigation and every resource entry (a fresh browser
  context each run: no HTTP cache), split into the page's own files, the chart library and
  the GraphQL answers.
- *Rows*: for each GraphQL answer, the list items it holds, beside the table rows the page
  shows (a page that fetches rows the screen does not show has more of the first).
The dashboard is loaded with the token already in the tab (sessionStorage), as after a login.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
from typing import Any

from playwright.sync_api import Page, sync_playwright

# Records the first time a selector matches, in ms since navigation start.
OBSERVER = """
window.__marks = {};
const wanted = %s;
new MutationObserver(() => {
  for (const [name, selector] of Object.entries(wanted)) {
    if (!(name in window.__marks) && document.querySelector(selector)) {
      window.__marks[name] = performance.now();
    }
  }
}).observe(document, { subtree: true, childList: true, attributes: true });
"""

PAGES: dict[str, dict[str, Any]] = {
    "dashboard": {
        "path": "/dashboard",
        "marks": {
            "first": "#region-table table, #region-table .error",
            "settled": "#board[aria-busy='false'] #trend-table table",
        },
        "shown": {
            "regions": "#region-table tbody tr",
            "industries": "#industry-table tbody tr",
            "insurers": "#insurer-table tbody tr",
            "overdue": "#overdue tbody tr",
            "trend": "#trend-table tbody tr",
        },
    },
    "portal": {
        "path": "/",
        "marks": {
            "first": "#results table, #results .error",
            "settled": "#coverage table, #coverage p, #results .error",
        },
        "shown": {"evaluations": "#results tbody tr", "coverage": "#coverage tbody tr"},
    },
}


def _items(value: Any) -> int:
    """List entries in an answer: the groups or nodes a field sent."""
    if isinstance(value, list):
        return len(value) + sum(_items(v) for v in value if isinstance(v, dict))
    if isinstance(value, dict):
        return sum(_items(v) for k, v in value.items() if k in ("groups", "nodes"))
    return 0


def load(page: Page, base: str, name: str, token: str | None) -> dict[str, Any]:
    spec = PAGES[name]
    answers: list[dict[str, Any]] = []

    def on_response(response: Any) -> None:
        if response.url.endswith("/graphql"):
            body = json.loads(response.request.post_data or "{}")
            query = str(body.get("query", ""))
            operation = query.split("(")[0].split("{")[0].split()[1] if query.strip() else "?"
            data = response.json().get("data") or {}
            answers.append(
                {
                    "operation": operation,
                    "items": {k: _items(v) for k, v in data.items()},
                    "bytes": len(response.body()),
                    "errors": [
                        (e.get("extensions") or {}).get("code")
                        for e in response.json().get("errors") or []
                    ],
                    "body": body,
                }
            )

    page.on("response", on_response)
    if token:
        page.add_init_script(f"sessionStorage.setItem('anzexian.token', {json.dumps(token)})")
    page.add_init_script(OBSERVER % json.dumps(spec["marks"]))
    page.goto(base + spec["path"])
    for selector in spec["marks"].values():
        page.wait_for_selector(selector, timeout=120_000, state="attached")
    page.wait_for_timeout(300)  # late responses (none expected) would still be counted
    marks = page.evaluate("window.__marks")
    entries = page.evaluate(
        """() => [...performance.getEntriesByType('navigation'),
                  ...performance.getEntriesByType('resource')].map(e => ({
            name: e.name, size: e.transferSize, body: e.encodedBodySize, type: e.initiatorType}))"""
    )

    def kind(url: str) -> str:
        if url.endswith("/graphql"):
            return "graphql"
        if "/vendor/" in url:
            return "chart library"
        return "page files"

    by_kind: dict[str, int] = {}
    for e in entries:
        by_kind[kind(e["name"])] = by_kind.get(kind(e["name"]), 0) + int(e["size"])
    shown = {k: len(page.query_selector_all(sel)) for k, sel in spec["shown"].items()}
    return {
        "first_ms": round(marks.get("first", -1)),
        "settled_ms": round(marks.get("settled", -1)),
        "requests": len(answers),
        "graphql": answers,
        "bytes": by_kind,
        "bytes_total": sum(by_kind.values()),
        "shown": shown,
        "url": page.url,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", required=True)
    parser.add_argument("--token", help="a regulator's bearer token for the dashboard")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pages", nargs="*", default=list(PAGES))
    parser.add_argument("--query", default="", help="query string for both pages, e.g. year=2025")
    parser.add_argument(
        "--count-statements",
        metavar="DATABASE_URL",
        help="replay the first run's GraphQL requests in process and count their SQL statements",
    )
    args = parser.parse_args()
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    assert executable, "no system chromium: make browser"
    out: dict[str, Any] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        try:
            for name in args.pages:
                if args.query:
                    PAGES[name]["path"] += f"?{args.query}"
                runs = []
                for _ in range(args.runs):
                    context = browser.new_context(viewport={"width": 1280, "height": 900})
                    try:
                        token = args.token if name == "dashboard" else None
                        runs.append(load(context.new_page(), args.base, name, token))
                    finally:
                        context.close()
                out[name] = {
                    "first_ms_median": statistics.median(r["first_ms"] for r in runs),
                    "settled_ms_median": statistics.median(r["settled_ms"] for r in runs),
                    "runs": runs,
                }
        finally:
            browser.close()
    if args.count_statements:
        asyncio.run(_count(args.count_statements, args.token, out))
    print(json.dumps(out, ensure_ascii=False, indent=1))


async def _count(database_url: str, token: str | None, out: dict[str, Any]) -> None:
    """SQL statements of each request of a page load (bench/inprocess.py, bench/run.py)."""
    from bench.run import count_statements

    for name, result in out.items():
        auth = {"content-type": "application/json"}
        if token and name == "dashboard":
            auth["authorization"] = f"Bearer {token}"
        answers = result["runs"][0]["graphql"]
        requests = [
            (a["operation"], "/graphql", json.dumps(a["body"]).encode(), auth) for a in answers
        ]
        result["statements"] = await count_statements(database_url, requests)


if __name__ == "__main__":
    main()
