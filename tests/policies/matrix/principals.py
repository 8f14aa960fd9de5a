"""The principals of the matrix: the seeded demo principals (their grants read from their role
bindings) and a few synthetic ones chosen from the data, so every role has a peer whose ids
it can be asked for."""

from __future__ import annotations

from collections import Counter
from typing import Any

from tests.policies.matrix.oracle import Grant, Principal
from tests.policies.matrix.world import World

UNKNOWN_ROLE = "auditor"  # a role no policy row names


def _grant_of(binding: dict[str, Any]) -> Grant:
    return Grant(
        role=str(binding["role"]),
        region_code=binding["region_code"],
        industry_codes=tuple(binding["industry_codes"] or ()),
        insurer_id=binding["insurer_id"],
        unit_id=binding["unit_id"],
        agency_id=binding["agency_id"],
    )


def _seeded(world: World, login: str) -> tuple[Grant, ...]:
    principal = next(p for p in world.rows("principal") if p["name"] == login)
    bindings = sorted(
        world.by("role_binding", "principal_id", principal["id"]), key=lambda b: b["id"]
    )
    return tuple(_grant_of(b) for b in bindings)


def _most(counter: Counter[Any], exclude: set[Any]) -> Any:
    """The key with the highest count (ties: the smallest key), not in ``exclude``."""
    return min((k for k in counter if k not in exclude), key=lambda k: (-counter[k], k))


def matrix_principals(world: World) -> list[Principal]:
    insurer_login = next(
        p["name"]
        for p in sorted(world.rows("principal"), key=lambda p: p["id"])
        if p["name"].startswith("demo-insurer-")
    )
    gd, gz = _seeded(world, "demo-regulator-gd"), _seeded(world, "demo-regulator-gz")
    insurer_a, unit_a = _seeded(world, insurer_login), _seeded(world, "demo-unit")
    agency_a = _seeded(world, "demo-agency")

    units_per_region: Counter[str] = Counter()
    for unit in world.rows("insured_unit"):
        for region in world.region_chain(unit["region_code"]):
            units_per_region[region["code"]] += 1
    city = gz[0].region_code
    assert city is not None and gd[0].region_code is not None
    counties = {
        r["code"]: units_per_region[r["code"]]
        for r in world.rows("region")
        if r["level"] == "county" and r["parent_code"] == city
    }
    county = _most(Counter(counties), set())
    provinces = Counter(
        {
            r["code"]: units_per_region[r["code"]]
            for r in world.rows("region")
            if r["level"] == "province"
        }
    )
    other_province = _most(provinces, {gd[0].region_code})
    records = list(world.rows("service_record"))
    insurer_b = _most(Counter(r["insurer_id"] for r in records), {insurer_a[0].insurer_id})
    unit_b = _most(Counter(r["unit_id"] for r in records), {unit_a[0].unit_id})
    agency_b = _most(
        Counter(r["agency_id"] for r in records if r["agency_id"] is not None),
        {agency_a[0].agency_id},
    )

    def p(
        label: str, grants: tuple[Grant, ...], login: str | None, peer: str, note: str
    ) -> Principal:
        return Principal(label, grants, login, peer, note)

    return [
        p("public", (Grant("public"),), None, "insurer-a", "no token"),
        p(
            "regulator-province",
            gd,
            "demo-regulator-gd",
            "regulator-other",
            f"regulator of {gd[0].region_code}",
        ),
        p("regulator-city", gz, "demo-regulator-gz", "regulator-province", f"regulator of {city}"),
        p(
            "regulator-county",
            (Grant("regulator", region_code=county),),
            None,
            "regulator-city",
            f"regulator of county {county} (synthetic: the county of {city} with most units)",
        ),
        p(
            "regulator-chem",
            _seeded(world, "demo-regulator-gd-chem"),
            "demo-regulator-gd-chem",
            "regulator-province",
            "regulator of 440000 limited to an industry set",
        ),
        p(
            "regulator-other",
            (Grant("regulator", region_code=other_province),),
            None,
            "regulator-province",
            f"regulator of {other_province} (synthetic: another province)",
        ),
        p("insurer-a", insurer_a, insurer_login, "insurer-b", f"insurer {insurer_a[0].insurer_id}"),
        p(
            "insurer-b",
            (Grant("insurer", insurer_id=insurer_b),),
            None,
            "insurer-a",
            f"insurer {insurer_b} (synthetic)",
        ),
        p("unit-a", unit_a, "demo-unit", "unit-b", f"unit {unit_a[0].unit_id}"),
        p("unit-b", (Grant("unit", unit_id=unit_b),), None, "unit-a", f"unit {unit_b} (synthetic)"),
        p("agency-a", agency_a, "demo-agency", "agency-b", f"agency {agency_a[0].agency_id}"),
        p(
            "agency-b",
            (Grant("agency", agency_id=agency_b),),
            None,
            "agency-a",
            f"agency {agency_b} (synthetic)",
        ),
        p(
            "insurer-a+agency-b",
            (*insurer_a, Grant("agency", agency_id=agency_b)),
            None,
            "unit-b",
            "two grants at once (synthetic): the union of both scopes",
        ),
        p(
            "admin",
            _seeded(world, "demo-admin"),
            "demo-admin",
            "insurer-a",
            "admin: principals and policies, no business rows",
        ),
        p(
            "unknown-role",
            (Grant(UNKNOWN_ROLE),),
            None,
            "insurer-a",
            f"a role no policy row names ({UNKNOWN_ROLE!r}, synthetic)",
        ),
    ]
