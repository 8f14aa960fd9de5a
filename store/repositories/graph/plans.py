"""Compiled read statements kept per shape, so a repeated read does not rebuild its SQL.

Building the SQLAlchemy construct of a read (an ``aliased()`` entity per table, every column
adapted to it, the scope's conditions, the JSON functions) costs milliseconds of Python; the
statement of a given shape never changes, only the request's values, which the statement takes
as bind parameters (``parameters.py``). So the first request of a shape builds it, and every
later one runs the same object with its own values; SQLAlchemy's compiled cache then finds
the SQL text without compiling either.

The key is everything the statement depends on besides those values: the dialect, the shape
of the tree, and the scope and mask (which rows and columns the caller may see). A scope that
cannot say what it depends on (no ``plan_key``) is never cached. The cache is bounded (LRU):
distinct shapes times distinct scopes.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

from store.repositories.base import EVERYTHING, NO_MASK
from store.repositories.graph.split import Plan

# Statements. A page of records with its unit and insurer holds ~320 kB of Python objects
# (aliased entities and their adapters): at most ~40 MB for 128, a point lookup much less.
DEFAULT_SIZE = 128


def access_key(scope: Any) -> Hashable | None:
    """What a scope's or mask's SQL depends on, or None when it does not say.

    ``plan_key`` is a scope's promise: two scopes with equal keys build the same conditions
    (policies/scope.py: the identity's grants, the policy's decisions and the action)."""
    if scope is EVERYTHING or scope is NO_MASK:
        return type(scope).__name__
    key = getattr(scope, "plan_key", None)
    return key if isinstance(key, Hashable) else None


class PlanCache:
    """A bounded LRU map of plan keys to plans (a statement, on SQLite sometimes more:
    split.py); one per process (``PLANS``)."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self.size = size
        self._plans: OrderedDict[Hashable, Plan] = OrderedDict()
        self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._plans)

    def get(self, key: Hashable) -> Plan | None:
        statement = self._plans.get(key)
        if statement is None:
            self.misses += 1
            return None
        self.hits += 1
        self._plans.move_to_end(key)
        return statement

    def put(self, key: Hashable, statement: Plan) -> None:
        self._plans[key] = statement
        self._plans.move_to_end(key)
        while len(self._plans) > self.size:
            self._plans.popitem(last=False)

    def clear(self) -> None:
        self._plans.clear()
        self.hits = self.misses = 0


PLANS = PlanCache()
