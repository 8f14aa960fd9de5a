"""One demo principal per role, each bound to the subject its scope is compiled from."""

from __future__ import annotations

from collections.abc import Iterator

from store.demo.context import Chunk, Row, World, chunk

# (name, display name, role, region code) — the subject ids are filled in from the data set.
_REGULATORS = (
    ("demo-regulator-gd", "广东省应急管理厅（演示）", "440000"),
    ("demo-regulator-gz", "广州市应急管理局（演示）", "440100"),
)


_CHEMICAL_INDUSTRIES = ("C25", "C26", "G5942", "F5265")


def access_chunks(world: World) -> Iterator[Chunk]:
    cal, ids = world.cal, world.ids
    created = cal.stamp(cal.reference - 200, 1)
    principals: list[Row] = []
    bindings: list[Row] = []

    def add(name: str, display: str, kind: str = "user") -> int:
        principal_id = ids.next("principal")
        principals.append((principal_id, kind, name, display, True, created))
        return principal_id

    def bind(principal_id: int, role: str, **subject: object) -> None:
        bindings.append(
            (
                ids.next("role_binding"),
                principal_id,
                role,
                subject.get("region_code"),
                subject.get("industry_codes"),
                subject.get("insurer_id"),
                subject.get("unit_id"),
                subject.get("agency_id"),
                None,
                created,
            )
        )

    for name, display, region in _REGULATORS:
        bind(add(name, display), "regulator", region_code=region)
    # A department with an industry set inside its region (相关部门, e.g. hazardous chemicals).
    bind(
        add("demo-regulator-gd-chem", "广东省危险化学品安全监管部门（演示）"),
        "regulator",
        region_code="440000",
        industry_codes=list(_CHEMICAL_INDUSTRIES),
    )
    insurer = world.insurers[0]
    bind(
        add(f"demo-insurer-{insurer.code.lower()}", f"{insurer.name}（演示）"),
        "insurer",
        insurer_id=insurer.id,
    )
    # The insurer's own system, submitting through the API.
    bind(
        add(f"demo-api-{insurer.code.lower()}", f"{insurer.name}业务系统（演示）", "api_client"),
        "insurer",
        insurer_id=insurer.id,
    )
    # Unit 1 and agency 1 are pinned to Guangzhou / Guangdong by the generator.
    bind(add("demo-unit", "投保单位（演示）"), "unit", unit_id=1)
    agency = world.agencies[0]
    bind(add("demo-agency", f"{agency.name}（演示）"), "agency", agency_id=agency.id)
    bind(add("demo-admin", "系统管理员（演示）"), "admin")
    yield chunk("principal", principals)
    yield chunk("role_binding", bindings)
