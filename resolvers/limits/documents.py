"""Documents that passed the limits, by their text: a client repeats the same few operations,
and parsing and validating one again costs more than the read it asks for (bench/RESULTS.md).

Only what depends on the text alone is remembered: the parsed document and that it passed the
structural limits and the spec's rules (with the validation rules of that request, so a
request with other rules is validated afresh). What depends on the request is checked every
time: the cost, against the variables and the ceiling of the caller's role (guard.py). A
document that failed is not remembered, so refusals are built as before and a stream of
invalid documents cannot evict the valid ones. Bounded twice: entries (LRU) and the length
of a text worth keeping (a long text is rare and would hold memory for nothing).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

from graphql import ASTValidationRule, DocumentNode

Rules = tuple[type[ASTValidationRule], ...]


@dataclass(slots=True)
class _Known:
    document: DocumentNode
    passed: set[Rules] = field(default_factory=set)  # rule sets it passed


class KnownDocuments:
    """One per schema (its limits are fixed), shared by the requests."""

    def __init__(self, size: int = 256, max_chars: int = 20_000) -> None:
        self.size = size
        self.max_chars = max_chars
        self._known: OrderedDict[str, _Known] = OrderedDict()

    def __len__(self) -> int:
        return len(self._known)

    def document(self, text: str | None) -> DocumentNode | None:
        """The document parsed from ``text`` before, if it passed."""
        known = self._known.get(text) if text is not None else None
        if known is None:
            return None
        self._known.move_to_end(text)  # type: ignore[arg-type]
        return known.document

    def passed(self, text: str | None, document: DocumentNode, rules: Rules) -> bool:
        """Whether ``document`` is the one remembered for ``text`` and passed ``rules``."""
        known = self._known.get(text) if text is not None else None
        return known is not None and known.document is document and rules in known.passed

    def remember(self, text: str | None, document: DocumentNode, rules: Rules) -> None:
        """``document``, parsed from ``text``, passed the limits and ``rules``."""
        if text is None or len(text) > self.max_chars:
            return
        known = self._known.get(text)
        if known is None or known.document is not document:
            known = self._known[text] = _Known(document)
        known.passed.add(rules)
        self._known.move_to_end(text)
        while len(self._known) > self.size:
            self._known.popitem(last=False)
