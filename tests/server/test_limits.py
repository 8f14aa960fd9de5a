"""HTTP-level limits without HTTP (server/limits.py, server/role_tables.py): the token bucket
on a fake clock, the per-role tables, and what production turns off."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from server.limits import RateLimiter, Refused, operation_limits
from server.role_tables import COST_CEILINGS, RATES, Rate, parse_costs, parse_rates
from server.settings import Settings
from services.identity import PUBLIC, Identity, RoleGrant
from store.enums import Role


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def principal(name: str, *roles: Role) -> Identity:
    return Identity(name=name, display_name=name, grants=tuple(RoleGrant(role=r) for r in roles))


def admitted(limiter: RateLimiter, identity: Identity, client: str | None = "10.0.0.1") -> bool:
    try:
        limiter.admit(identity, client)
    except Refused as refused:
        failure = refused
    else:
        return True
    assert (failure.status, failure.code) == (429, "RATE_LIMITED")
    return False


def test_a_bucket_allows_its_burst_then_its_rate() -> None:
    clock = Clock()
    limiter = RateLimiter({**RATES, Role.PUBLIC: Rate(2, 3)}, clock)
    assert [admitted(limiter, PUBLIC) for _ in range(4)] == [True, True, True, False]
    clock.now += 0.5  # one token back at 2 per second
    assert [admitted(limiter, PUBLIC) for _ in range(2)] == [True, False]
    clock.now += 60  # refilled to the burst, not beyond
    assert [admitted(limiter, PUBLIC) for _ in range(4)] == [True, True, True, False]


def test_retry_after_is_the_wait_for_the_next_token() -> None:
    clock = Clock()
    limiter = RateLimiter({**RATES, Role.UNIT: Rate(0.25, 1)}, clock)
    unit = principal("unit-1", Role.UNIT)
    limiter.admit(unit, None)
    with pytest.raises(Refused) as refused:
        limiter.admit(unit, None)
    assert refused.value.headers == {"Retry-After": "4"}
    assert refused.value.details == {"retryAfterSeconds": 4}
    assert "4 秒" in refused.value.message_zh


def test_buckets_are_per_principal_and_per_public_address() -> None:
    limiter = RateLimiter({role: Rate(1, 1) for role in Role}, Clock())
    assert admitted(limiter, principal("a", Role.INSURER))
    assert admitted(limiter, principal("b", Role.INSURER))
    assert not admitted(limiter, principal("a", Role.INSURER))
    assert admitted(limiter, PUBLIC, "10.0.0.1")
    assert admitted(limiter, PUBLIC, "10.0.0.2")
    assert not admitted(limiter, PUBLIC, "10.0.0.1")


def test_the_most_generous_role_applies_and_zero_lifts_the_limit() -> None:
    limiter = RateLimiter({**RATES, Role.ADMIN: Rate(0, 0)}, Clock())
    assert limiter.rate(principal("x", Role.UNIT, Role.REGULATOR)) == RATES[Role.REGULATOR]
    assert limiter.rate(principal("nobody")) == RATES[Role.PUBLIC]
    assert limiter.rate(principal("ops", Role.ADMIN)) is None
    assert RateLimiter(None).rate(PUBLIC) is None


def test_full_buckets_are_forgotten_when_there_are_many() -> None:
    clock = Clock()
    limiter = RateLimiter({**RATES, Role.PUBLIC: Rate(1, 1)}, clock)
    limiter.SWEEP_ABOVE = 3
    for address in range(3):
        limiter.admit(PUBLIC, f"10.0.0.{address}")
    clock.now += 10
    limiter.admit(PUBLIC, "10.0.0.9")
    assert list(limiter.buckets) == ["public@10.0.0.9"]


def test_role_tables_override_only_the_roles_they_name() -> None:
    assert parse_costs("public:10, Regulator:99") == {
        **COST_CEILINGS,
        Role.PUBLIC: 10,
        Role.REGULATOR: 99,
    }
    assert parse_rates("insurer:0.5/4") == {**RATES, Role.INSURER: Rate(0.5, 4)}
    assert parse_rates("off") is None


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("limit_cost", "public=10"),
        ("limit_cost", "nobody:10"),
        ("limit_cost", "public:-1"),
        ("limit_rate", "public:2"),
        ("limit_rate", "public:2/0"),
        ("limit_rate", "public:-1/5"),
    ],
)
def test_a_bad_table_stops_the_settings_from_loading(key: str, value: str) -> None:
    with pytest.raises(ValidationError):
        Settings.model_validate({key: value})


def test_production_turns_off_what_describes_the_schema_unless_set() -> None:
    development = Settings(environment="development")
    production = Settings(environment="production")
    chosen = Settings(environment="production", introspection=True)
    assert (development.graphiql, development.introspection, development.field_suggestions) == (
        True,
        True,
        True,
    )
    assert (production.graphiql, production.introspection, production.field_suggestions) == (
        False,
        False,
        False,
    )
    assert (chosen.graphiql, chosen.introspection) == (False, True)
    limits = operation_limits(production)
    assert (limits.introspection, limits.suggestions) == (False, False)
    assert limits.cost_ceilings == COST_CEILINGS
