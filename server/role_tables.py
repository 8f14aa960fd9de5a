"""Per-role settings written as one line each, e.g. ``public:2000,regulator:50000``.

A role left out keeps its default, so an operator can change one role without copying the
others. The tables are parsed when the settings load: a typo stops the server at start.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import NamedTuple, TypeVar

from store.enums import Role

T = TypeVar("T")


class Rate(NamedTuple):
    """A token bucket: ``per_second`` requests sustained, ``burst`` at once; 0/s = unlimited."""

    per_second: float
    burst: int

    @property
    def unlimited(self) -> bool:
        return self.per_second <= 0


# The ceilings of the cost estimate (resolvers/limits/cost.py: about the rows an operation can
# return). The public reads published pages; a regulator may read a full 1,000-row page with
# a dozen related objects per row, or a nested page of 50 under each of 100 parents.
COST_CEILINGS: dict[Role, int] = {
    Role.PUBLIC: 2_000,
    Role.UNIT: 5_000,
    Role.AGENCY: 10_000,
    Role.INSURER: 20_000,
    Role.REGULATOR: 50_000,
    Role.ADMIN: 50_000,
}
# Requests per second and burst, per principal (the public: per client address). A portal or
# dashboard page sends a handful of operations at once; insurers' systems poll and page.
RATES: dict[Role, Rate] = {
    Role.PUBLIC: Rate(2, 20),
    Role.UNIT: Rate(5, 30),
    Role.AGENCY: Rate(5, 30),
    Role.INSURER: Rate(20, 100),
    Role.REGULATOR: Rate(10, 60),
    Role.ADMIN: Rate(10, 60),
}


def format_costs(table: Mapping[Role, int]) -> str:
    return ",".join(f"{role.value}:{ceiling}" for role, ceiling in table.items())


def format_rates(table: Mapping[Role, Rate]) -> str:
    return ",".join(
        f"{role.value}:{rate.per_second:g}/{rate.burst}" for role, rate in table.items()
    )


def _parse(text: str, defaults: Mapping[Role, T], value: Callable[[str], T]) -> dict[Role, T]:
    table = dict(defaults)
    for item in filter(None, (part.strip() for part in text.split(","))):
        role, sep, raw = item.partition(":")
        if not sep:
            raise ValueError(f"{item!r}: expected role:value")
        try:
            table[Role(role.strip().lower())] = value(raw.strip())
        except ValueError as exc:
            raise ValueError(f"{item!r}: {exc}") from exc
    return table


def _ceiling(raw: str) -> int:
    ceiling = int(raw)
    if ceiling < 0:
        raise ValueError("a ceiling is 0 or more")
    return ceiling


def _rate(raw: str) -> Rate:
    per_second, sep, burst = raw.partition("/")
    if not sep:
        raise ValueError("expected requests-per-second/burst, e.g. 2/20")
    rate = Rate(float(per_second), int(burst))
    if rate.per_second < 0 or (not rate.unlimited and rate.burst < 1):
        raise ValueError("the rate is 0 (unlimited) or more, with a burst of 1 or more")
    return rate


def parse_costs(text: str) -> dict[Role, int]:
    return _parse(text, COST_CEILINGS, _ceiling)


def parse_rates(text: str) -> dict[Role, Rate] | None:
    """None when rate limiting is off (``off``)."""
    if text.strip().lower() == "off":
        return None
    return _parse(text, RATES, _rate)
