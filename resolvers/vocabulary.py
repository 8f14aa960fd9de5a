from __future__ import annotations

from schema.vocabulary import Term
from store.enums import ServiceCategory


def service_categories() -> list[Term]:
    return [Term(code=c.value, label_zh=c.label_zh) for c in ServiceCategory]
