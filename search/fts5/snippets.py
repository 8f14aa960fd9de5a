"""Highlighted snippets for the FTS5 backend, shaped as OpenSearch's ``html`` encoder makes
them: the text escaped, each match wrapped in ``<em>``, at most two fragments of about 80
characters per field (the FTS5 tables hold token streams, so ``snippet()`` cannot show text).
"""

from __future__ import annotations

import re
import unicodedata

from search.queries import HIGHLIGHT_FRAGMENT, HIGHLIGHT_FRAGMENTS

# OpenSearch's html encoder escapes these six characters.
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;", "/": "&#x2F;"}


def _escape(text: str) -> str:
    return "".join(_ESCAPES.get(ch, ch) for ch in text)


def _pattern(term: str) -> re.Pattern[str]:
    folded = unicodedata.normalize("NFKC", term).lower()
    body = re.escape(folded)
    # A latin word matches whole words only, as its token does; CJK matches anywhere.
    if folded[:1].isascii() and folded[:1].isalnum():
        body = r"(?<![0-9a-z])" + body
    if folded[-1:].isascii() and folded[-1:].isalnum():
        body += r"(?![0-9a-z])"
    return re.compile(body)


def _spans(text: str, terms: tuple[str, ...]) -> list[tuple[int, int]]:
    # NFKC keeps the length of the characters users type (full-width ASCII, CJK), so offsets
    # in the folded text are offsets in the original.
    folded = unicodedata.normalize("NFKC", text).lower()
    if len(folded) != len(text):
        folded = text.lower()
    spans = sorted(
        (m.start(), m.end()) for t in terms for m in _pattern(t).finditer(folded) if m.group()
    )
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _fragment(text: str, spans: list[tuple[int, int]], start: int, end: int) -> str:
    out, cursor = [], start
    for s, e in spans:
        if s < start or e > end:
            continue
        out.append(_escape(text[cursor:s]) + "<em>" + _escape(text[s:e]) + "</em>")
        cursor = e
    out.append(_escape(text[cursor:end]))
    return "".join(out)


def highlight(text: str, terms: tuple[str, ...]) -> list[str]:
    """Up to two fragments of ``text`` around the matches of ``terms``; none without one."""
    spans = _spans(text, terms)
    fragments: list[str] = []
    covered = -1
    for start, _ in spans:
        if start < covered:
            continue
        begin = max(0, start - HIGHLIGHT_FRAGMENT // 4)
        end = min(len(text), begin + HIGHLIGHT_FRAGMENT)
        fragments.append(_fragment(text, spans, begin, end))
        covered = end
        if len(fragments) == HIGHLIGHT_FRAGMENTS:
            break
    return fragments
