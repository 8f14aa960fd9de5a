"""Insurers and their branches, technical service agencies, and the people who serve."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal

from store.demo import identity, names, reference, texts
from store.demo.clock import Calendar
from store.demo.context import AgencyInfo, Chunk, InsurerInfo, Row, World, chunk
from store.enums import AgencyKind, AgencyStatus, StaffKind

# (tenant code, name, head-office region, market weight): real-sounding P&C insurers.
INSURERS = (
    ("PICC", "中国人民财产保险股份有限公司", "110105", 30),
    ("PAIC", "中国平安财产保险股份有限公司", "440304", 18),
    ("CPIC", "中国太平洋财产保险股份有限公司", "310101", 14),
    ("CLPC", "中国人寿财产保险股份有限公司", "110102", 10),
    ("CCIC", "中国大地财产保险股份有限公司", "310115", 9),
    ("CUPIC", "中华联合财产保险股份有限公司", "110102", 7),
    ("TPIC", "太平财产保险有限公司", "440304", 6),
    ("SSAIC", "阳光财产保险股份有限公司", "110105", 6),
)
# Kinds in the proportions agencies are hired; every kind of clause 3.5 occurs.
_KIND_CYCLE = (
    AgencyKind.CONSULTANCY,
    AgencyKind.INSURANCE_BROKER,
    AgencyKind.EVALUATION_TESTING,
    AgencyKind.SAFETY_ENGINEER_FIRM,
    AgencyKind.CONSULTANCY,
    AgencyKind.UNIVERSITY_INSTITUTE,
    AgencyKind.EVALUATION_TESTING,
    AgencyKind.SOCIAL_ORGANIZATION,
    AgencyKind.CONSULTANCY,
    AgencyKind.INSURANCE_BROKER,
    AgencyKind.EVALUATION_TESTING,
    AgencyKind.SAFETY_ENGINEER_FIRM,
)
_AGENCY_NAMES: dict[AgencyKind, tuple[str, ...]] = {
    AgencyKind.INSURANCE_BROKER: ("{t}保险经纪有限公司",),
    AgencyKind.CONSULTANCY: ("{t}安全技术咨询有限公司", "{t}安全生产技术服务有限公司"),
    AgencyKind.EVALUATION_TESTING: ("{t}安全评价有限公司", "{t}安全检测检验有限公司"),
    AgencyKind.SAFETY_ENGINEER_FIRM: ("{t}注册安全工程师事务所",),
    AgencyKind.UNIVERSITY_INSTITUTE: ("安全生产科学研究院", "职业技术学院安全工程系"),
    AgencyKind.SOCIAL_ORGANIZATION: ("安全生产协会", "应急管理协会"),
}
_AUTHORITY = {
    AgencyKind.UNIVERSITY_INSTITUTE: (identity.PUBLIC_INSTITUTION, identity.MILITARY_INSTITUTION),
    AgencyKind.SOCIAL_ORGANIZATION: (
        identity.SOCIAL_ORGANISATION,
        identity.PRIVATE_NON_ENTERPRISE,
    ),
}
_QUALIFICATIONS: dict[AgencyKind, tuple[tuple[str, str], ...]] = {
    AgencyKind.INSURANCE_BROKER: (("保险经纪业务许可证", "JJ{n:08d}"),),
    AgencyKind.CONSULTANCY: (("安全生产技术服务能力备案", "AQFW-{n:06d}"),),
    AgencyKind.EVALUATION_TESTING: (
        ("安全评价机构资质证书", "APJ-{n:05d}"),
        ("检验检测机构资质认定证书", "CMA{n:010d}"),
    ),
    AgencyKind.SAFETY_ENGINEER_FIRM: (("注册安全工程师事务所备案证明", "ZASG-{n:05d}"),),
    AgencyKind.UNIVERSITY_INSTITUTE: (("安全评价机构资质证书", "APJ-{n:05d}"),),
    AgencyKind.SOCIAL_ORGANIZATION: (("社会团体法人登记证书", "SHTT-{n:06d}"),),
}
_HOURS = (Decimal("2.5"), Decimal("4.0"), Decimal("8.0"), Decimal("16.0"))
_REGISTERED_FROM = date(2023, 6, 1)  # when the platform took its first records


def _provinces(world: World) -> list[str]:
    return sorted({leaf.province for leaf in world.leaves})


def insurer_chunks(world: World) -> Iterator[Chunk]:
    cal = world.cal
    insurers: list[Row] = []
    for code, name, hq, _weight in INSURERS[: world.spec.insurers]:
        info = InsurerInfo(id=world.ids.next("insurer"), code=code, name=name)
        world.insurers.append(info)
        credit = world.codes.next(identity.ENTERPRISE, hq)
        insurers.append((info.id, code, name, credit, cal.stamp(cal.day(_REGISTERED_FROM), 1)))
    yield chunk("insurer", insurers)

    wanted = set(_provinces(world))
    provinces = [r for r in reference.regions() if r.level == "province" and r.code[:2] in wanted]
    cities = [
        r
        for r in reference.regions()
        if r.level == "city"
        and r.parent_code
        and r.parent_code[:2] in wanted
        and r.name not in ("市辖区", "县")  # grouping rows of municipalities, not places
    ]
    branches: list[Row] = []
    created = cal.stamp(cal.day(_REGISTERED_FROM), 2)
    for info in world.insurers:
        for province in provinces:
            branch_id = world.ids.next("insurer_branch")
            info.province_branch[province.code[:2]] = branch_id
            branches.append(
                (branch_id, info.id, f"{info.name}{province.name}分公司", province.code, created)
            )
        for city in cities:
            branch_id = world.ids.next("insurer_branch")
            info.city_branch[city.code] = branch_id
            branches.append(
                (branch_id, info.id, f"{info.name}{city.name}中心支公司", city.code, created)
            )
    yield chunk("insurer_branch", branches)


def agency_chunks(world: World) -> Iterator[Chunk]:
    rng, cal, spec = world.rng, world.cal, world.spec
    # Guangdong first: agency 1 is the demo agency's, and the demo lives there.
    provinces = sorted(_provinces(world), key=lambda p: (p != "44", p))
    leaves_by_province: dict[str, list[int]] = {}
    for index, leaf in enumerate(world.leaves):
        leaves_by_province.setdefault(leaf.province, []).append(index)
    agencies: list[Row] = []
    qualifications: list[Row] = []
    suspend_from = cal.day(date(2025, 7, 1))
    history = world.agency_history  # agency_status_change (R-7.1-staff)
    for i in range(spec.agencies):
        kind = _KIND_CYCLE[i % len(_KIND_CYCLE)]
        # One per province first, so that every province has local agencies.
        province = provinces[i] if i < len(provinces) else rng.choice(provinces)
        leaf = world.leaves[rng.choice(leaves_by_province[province])]
        template = rng.choice(_AGENCY_NAMES[kind])
        name = leaf.place + template.format(t=rng.choice(names.TRADE_NAMES))
        authority = rng.choice(_AUTHORITY.get(kind, (identity.ENTERPRISE,)))
        # R-7.1-staff: agencies are adjusted dynamically; every twelfth one and a few more
        # are suspended in the second half of 2025.
        suspended = i > 0 and (i % 12 == 7 or rng.random() < 0.04)
        day = suspend_from + rng.randrange(180) if suspended else None
        info = AgencyInfo(world.ids.next("agency"), name, kind.value, province, day)
        credit = world.codes.next(authority, leaf.code)
        reason = rng.choice(texts.SUSPENSION_REASONS) if suspended else None
        registered = cal.stamp(cal.day(_REGISTERED_FROM) + rng.randrange(150), 2)
        # R-7.1-staff: every twelfth (another) was suspended in spring 2024 and reinstated two
        # months later; the generator did not avoid it meanwhile, so the history shows work
        # given during a suspension. No random draw: the rest of the data set stays as it was.
        changes: list[tuple[AgencyStatus, datetime, str | None]] = (
            _past_suspension(i, cal) if i % 12 == 3 else []
        )
        if day is not None:
            changes.append((AgencyStatus.SUSPENDED, cal.stamp(day, 3), reason))
        for status, at, why in changes:
            history.append(
                (world.ids.next("agency_status_change"), info.id, status.value, at, why, at)
            )
        last = changes[-1] if changes else (AgencyStatus.ACTIVE, None, None)
        agencies.append(
            (
                info.id,
                credit,
                name,
                kind.value,
                leaf.code,
                last[0].value,
                last[1],
                last[2],
                registered,
            )
        )
        for title, number in _QUALIFICATIONS[kind]:
            valid_until = date(2025, 1, 1) + timedelta(days=rng.randrange(4 * 365))
            qualifications.append(
                (
                    world.ids.next("agency_qualification"),
                    info.id,
                    title,
                    number.format(n=rng.randrange(10**6)),
                    valid_until,
                )
            )
        world.agencies.append(info)
        world.agencies_by_province.setdefault(province, []).append(info)
    yield chunk("agency", agencies)
    yield chunk("agency_qualification", qualifications)


def _past_suspension(i: int, cal: Calendar) -> list[tuple[AgencyStatus, datetime, str | None]]:
    """A suspension in spring 2024, lifted 60 days later (R-7.1-staff's dynamic adjustment)."""
    began = cal.day(date(2024, 3, 1)) + i % 20
    reason = texts.SUSPENSION_REASONS[i % len(texts.SUSPENSION_REASONS)]
    return [
        (AgencyStatus.SUSPENDED, cal.stamp(began, 3), reason),
        (AgencyStatus.ACTIVE, cal.stamp(began + 60, 3), "整改完成，恢复承接服务"),
    ]


def _person(
    world: World,
    kind: StaffKind,
    province_leaves: list[str],
    *,
    insurer_id: int | None = None,
    agency_id: int | None = None,
) -> tuple[int, Row]:
    rng, cal = world.rng, world.cal
    staff_id = world.ids.next("staff_member")
    born = date(1965, 1, 1) + timedelta(days=rng.randrange(33 * 365))
    row = (
        staff_id,
        kind.value,
        insurer_id,
        agency_id,
        names.person(rng),
        rng.choice(texts.SPECIALTIES),
        rng.choice(texts.QUALIFICATIONS),
        date(2008, 1, 1) + timedelta(days=rng.randrange(16 * 365)),
        rng.random() < 0.95,
        identity.mobile(rng),
        identity.id_number(rng, rng.choice(province_leaves), born),
        cal.stamp(cal.day(_REGISTERED_FROM) + rng.randrange(150), rng.randrange(20)),
    )
    return staff_id, row


def staff_chunks(world: World) -> Iterator[Chunk]:
    spec = world.spec
    leaves: dict[str, list[str]] = {}
    for leaf in world.leaves:
        leaves.setdefault(leaf.province, []).append(leaf.code)
    staff: list[Row] = []
    managers: list[tuple[int, int]] = []  # (staff id, insurer id)
    for info in world.insurers:
        for province in sorted(info.province_branch):
            for kind, count, pool in (
                (StaffKind.EXPERT, spec.experts_per_branch, info.experts),
                (StaffKind.MANAGEMENT, spec.managers_per_branch, info.managers),
            ):
                for _ in range(count):
                    staff_id, row = _person(world, kind, leaves[province], insurer_id=info.id)
                    staff.append(row)
                    pool.setdefault(province, []).append(staff_id)
                    if kind is StaffKind.MANAGEMENT:
                        managers.append((staff_id, info.id))
    for agency in world.agencies:
        for _ in range(2 + world.rng.randrange(5)):
            staff_id, row = _person(
                world, StaffKind.AGENCY_STAFF, leaves[agency.province], agency_id=agency.id
            )
            staff.append(row)
            agency.staff.append(staff_id)
    yield chunk("staff_member", staff)
    yield chunk("staff_training", list(_trainings(world, managers)))


def _trainings(world: World, managers: list[tuple[int, int]]) -> Iterator[Row]:
    """R-7.1-staff: managers train at least once a year, except the ~15% who miss a year."""
    rng, cal = world.rng, world.cal
    for staff_id, insurer_id in managers:
        for year in (2024, 2025, 2026):
            first = cal.day(date(year, 1, 1))
            last = min(cal.day(date(year, 12, 31)), cal.reference)
            times = 0 if rng.random() < 0.15 else 1 + rng.randrange(3)
            for day in sorted(first + rng.randrange(last - first + 1) for _ in range(times)):
                yield (
                    world.ids.next("staff_training"),
                    staff_id,
                    insurer_id,
                    cal.dates[day],
                    rng.choice(texts.TRAINING_TOPICS),
                    rng.choice(_HOURS),
                    rng.choice(texts.TRAINING_PROVIDERS),
                    cal.stamp(day, 16),
                )
