"""The ``cjk`` analyzer of OpenSearch, in Python, for the embedded SQLite FTS5 backend.

FTS5's ``unicode61`` tokenizer keeps a run of Han characters as one token, so 隐患 inside
"存在触电隐患" would never be found; its ``trigram`` tokenizer needs three characters, so the
two-character words the platform's users type (隐患, 培训, 投诉) would need a scan. Instead the
FTS5 backend indexes the token stream this module makes — the one the ``cjk`` analyzer makes
(standard tokenizer, ``cjk_width``, ``lowercase``, ``cjk_bigram``, its English stop words) —
written as space-separated tokens that ``unicode61`` keeps as they are. A query term becomes
the same tokens and is matched as an FTS5 phrase, as OpenSearch matches it as a ``phrase``
query on the positions, so "配电箱" (配电 电箱) is found exactly where the substring occurs
in both backends. tests/search/test_analysis.py compares this with the node's ``_analyze``.
"""

from __future__ import annotations

import re
import unicodedata

# The stop set of Lucene's CJKAnalyzer (the ``cjk`` analyzer): English words only.
STOP_WORDS = frozenset(
    {
        "a",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "for",
        "if",
        "in",
        "into",
        "is",
        "it",
        "no",
        "not",
        "of",
        "on",
        "or",
        "s",
        "such",
        "t",
        "that",
        "the",
        "their",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "was",
        "will",
        "with",
        "www",
    }
)

# Scripts cjk_bigram pairs: Han, Hiragana, Katakana, Hangul (its defaults).
_CJK = (
    "\u2e80-\u2fdf\u3005\u3007\u3021-\u3029\u3038-\u303b\u3040-\u30ff\u3100-\u312f"
    "\u31a0-\u31bf\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
    "\U00020000-\U0002fa1f"
)
# A run of CJK characters, or a word of letters/digits (with inner . , ' _ as the standard
# tokenizer keeps in "3.5" or "o'clock").
_TOKEN = re.compile(rf"([{_CJK}]+)|((?:(?![{_CJK}])\w)+(?:[.,'_](?:(?![{_CJK}])\w)+)*)")


def _normalize(text: str) -> str:
    # cjk_width folds full-width ASCII to half width (and half-width katakana to full):
    # NFKC does both; lowercase as the analyzer's lowercase filter.
    return unicodedata.normalize("NFKC", text).lower()


def tokens(text: str) -> list[str]:
    """The tokens of ``text`` in order: CJK runs as overlapping bigrams (a lone character as
    itself), other words whole, English stop words dropped."""
    out: list[str] = []
    for match in _TOKEN.finditer(_normalize(text)):
        cjk, word = match.group(1), match.group(2)
        if cjk:
            if len(cjk) == 1:
                out.append(cjk)
            else:
                out.extend(cjk[i : i + 2] for i in range(len(cjk) - 1))
        elif word and word not in STOP_WORDS:
            out.append(word)
    return out


def token_text(text: str) -> str:
    """``text`` as the space-separated token stream the FTS5 tables hold."""
    return " ".join(tokens(text))


def query_terms(text: str, *, limit: int) -> list[str]:
    """The user's words (split on any white space, full-width included), each kept only when
    it yields a token; at most ``limit``. Every term must match (AND), as a phrase."""
    terms: list[str] = []
    for word in text.split():
        if tokens(word) and word not in terms:
            terms.append(word)
    return terms[:limit]
