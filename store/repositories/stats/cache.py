"""Built statements kept per process, reused when a request asks the same question again.

Building the statement is most of the gateway's own work on a stats call: some ten thousand
SQLAlchemy constructs (six measure families, the scope's subqueries, the labels) took more
CPU than everything else the request does (bench/RESULTS.md). A dashboard asks the same few
questions again and again, so a built statement is kept and executed again, and SQLAlchemy's
compiled cache and the server's prepared statement follow.

It is reused only when everything it was built from is equal: the backend, the spec (but the
as-of day, which is bound at execution: ``deadlines.TODAY``) and the scope's condition on
every table a statement may read, compared as SQL and bound values, since the scope itself
is opaque. Two requests of one regulator give equal conditions; another principal, or a
policy change, gives other ones and so another statement.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import Select

from store.models.complaint import Complaint
from store.models.fee_ledger_entry import FeeLedgerEntry
from store.models.follow_up import FollowUp
from store.models.hazard import Hazard
from store.models.industry import Industry
from store.models.insurance_policy import InsurancePolicy
from store.models.insured_unit import InsuredUnit
from store.models.insurer import Insurer
from store.models.region import Region
from store.models.region_ancestor import RegionAncestor
from store.models.service_record import ServiceRecord
from store.models.unit_confirmation import UnitConfirmation
from store.repositories.base import RowScope
from store.repositories.stats.spec import StatsSpec

# Statements kept: a few dashboards' questions, each a few MB of SQLAlchemy objects.
KEPT = 16
# Every table a stats statement reads (tests/services/test_stats.py checks the list).
READ: tuple[type[Any], ...] = (
    InsuredUnit,
    Industry,
    Region,
    RegionAncestor,
    Insurer,
    InsurancePolicy,
    ServiceRecord,
    FollowUp,
    UnitConfirmation,
    Complaint,
    FeeLedgerEntry,
    Hazard,
)


def _frozen(value: Any) -> Hashable:
    return tuple(value) if isinstance(value, list) else value  # an IN list's values


def scope_key(scope: RowScope) -> Hashable | None:
    """The scope's conditions on every table read, as SQL and values; ``None`` when one of
    them cannot be compared (an element SQLAlchemy does not cache)."""
    parts = []
    for model in READ:
        key = scope.where(model)._generate_cache_key()
        if key is None:
            return None
        parts.append((key.key, tuple(_frozen(p.effective_value) for p in key.bindparams)))
    return tuple(parts)


class StatementCache:
    """The last ``size`` statements built, by what they were built from."""

    def __init__(self, size: int = KEPT) -> None:
        self.size = size
        self._kept: OrderedDict[Hashable, Select[Any]] = OrderedDict()

    def statement(
        self, spec: StatsSpec, scope: RowScope, dialect: str, build: Callable[[], Select[Any]]
    ) -> Select[Any]:
        fingerprint = scope_key(scope)
        if fingerprint is None:
            return build()
        key = (dialect, replace(spec, as_of=date.min), fingerprint)
        try:
            found = self._kept.get(key)
        except TypeError:  # a value in the spec or the scope that cannot be hashed
            return build()
        if found is not None:
            self._kept.move_to_end(key)
            return found
        built = self._kept[key] = build()
        while len(self._kept) > self.size:
            self._kept.popitem(last=False)
        return built
