"""Compliance findings of R-5.1-annual, R-4.1-contract, R-6.1-scheme, R-6.2-major-hazard,
R-7.1-staff, R-7.3-ledger, R-7.4-archive, R-8.1-evaluation, R-8.2-publication and the parts of
an R-6.4-complaint answer, on the findings world (tests/factories/findings_world.py): each rule
met and broken, the boundaries of a policy year in China, the scope of each role, one
statement per page."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from policies.enforcer import Decisions, default_rules
from policies.scope import Scope
from services.findings import (
    FindingFilterInput,
    FindingRule,
    FindingsPage,
    cursor_of,
    findings,
)
from services.findings import FindingState as S
from services.findings_scorecard import scorecard
from services.identity import Identity, RoleGrant
from services.rulesets import Ruleset, ruleset
from store.enums import AgencyStatus, Role
from store.models.agency_status_change import AgencyStatusChange
from store.repositories.base import EVERYTHING, RowScope
from store.repositories.findings import FindingKey
from tests.factories.agency import create_agency
from tests.factories.agency_contract import create_contract
from tests.factories.complaint import create_complaint
from tests.factories.findings_world import TR, FindingsWorld, build_findings_world
from tests.factories.insured_unit import create_insured_unit
from tests.factories.insurer import create_insurer
from tests.factories.stats_world import ANSWER_PARTS, china, completed
from tests.resolvers.graph_helpers import counting

DRAFT = ruleset("AQ9010-draft")
AS_OF = date(2025, 6, 2)
YEAR_2024 = {"date_from": date(2024, 1, 1), "date_to": date(2025, 1, 1)}
DECISIONS = Decisions(default_rules())


async def _page(
    session: AsyncSession,
    *rules: FindingRule,
    today: date = AS_OF,
    ruleset_: Ruleset = DRAFT,
    scope: RowScope = EVERYTHING,
    first: int = 1000,
    after: str | None = None,
    **narrowing: object,
) -> FindingsPage:
    data = FindingFilterInput(rules=rules, **{**YEAR_2024, **narrowing})  # type: ignore[arg-type]
    return await findings(
        session, data, rules=ruleset_, today=today, first=first, after=after, scope=scope
    )


def _states(page: FindingsPage) -> dict[int, S]:
    return {f.row.subject_id: f.state for f in page.findings}


def _scope(*grants: RoleGrant) -> Scope:
    return Scope(Identity(name="reader", display_name="读者", grants=grants), DECISIONS.decide)


async def test_annual_service_of_high_risk_units(session: AsyncSession) -> None:
    w: FindingsWorld = await build_findings_world(session)
    page = await _page(session, FindingRule.ANNUAL)
    # g1's 23:30 investigation on 31 Dec counts in 2024; g2's 00:30 risk assessment on 1 Jan
    # 2025 does not; h1 is in no high-risk industry.
    assert _states(page) == {w.p_g1.id: S.MET, w.p_g2.id: S.OVERDUE}
    met, broken = page.findings
    assert (met.rule, met.row.measured, met.row.required) == ("R-5.1-annual", 2, 1)
    assert (broken.row.measured, broken.due_on) == (0, date(2024, 12, 31))
    assert broken.working_days is None and broken.row.unit_id == w.g2.id
    # On the last days of the policy year it is due soon, before then pending.
    soon = await _page(session, FindingRule.ANNUAL, today=date(2024, 12, 30))
    assert _states(soon)[w.p_g2.id] is S.DUE_SOON
    early = await _page(session, FindingRule.ANNUAL, today=date(2024, 7, 1))
    assert _states(early) == {w.p_g1.id: S.MET, w.p_g2.id: S.PENDING}


async def test_contract_frequencies(session: AsyncSession) -> None:
    w = await build_findings_world(session)
    page = await _page(session, FindingRule.CONTRACT)
    got = sorted((f.row.unit_id, f.row.measured, f.row.required, f.state) for f in page.findings)
    assert got == sorted(
        [
            (w.g1.id, 2, 2, S.MET),  # hazard investigations
            (w.g1.id, 1, 1, S.MET),  # training
            (w.g2.id, 2, 3, S.OVERDUE),  # two trainings of three
            (w.h1.id, 1, 1, S.MET),
        ]
    )
    assert {f.rule for f in page.findings} == {"R-4.1-contract"}


async def test_scheme_before_services(session: AsyncSession) -> None:
    w = await build_findings_world(session)
    page = await _page(session, FindingRule.SCHEME)
    by_id = {f.row.subject_id: f for f in page.findings}
    assert by_id[w.s_met.id].state is S.MET and by_id[w.s_met.id].row.missing == ()
    assert by_id[w.s_unschemed.id].state is S.OVERDUE
    assert by_id[w.s_unschemed.id].row.missing == ("scheme",)
    assert by_id[w.s_early.id].state is S.LATE  # agreed 1 Jul, the service began 20 Jun
    assert by_id[w.s_early.id].due_on == date(2024, 6, 20)  # due by the day it began
    assert by_id[w.s_incomplete.id].state is S.OVERDUE
    assert by_id[w.s_incomplete.id].row.missing == ("expected_effect",)
    assert {f.rule for f in page.findings} == {"R-6.1-scheme"}
    assert sum(f.state is S.MET for f in page.findings) == 4  # g1's three, g2's late-Dec one


async def test_major_hazards_told(session: AsyncSession) -> None:
    w = await build_findings_world(session)
    page = await _page(session, FindingRule.MAJOR_HAZARD)
    # The draft's 及时 sets no deadline: told is met, untold overdue; minor ones are no finding.
    assert _states(page) == {w.major_told.id: S.MET, w.major_untold.id: S.OVERDUE}
    assert all(f.due_on is None for f in page.findings)
    # A ruleset with a deadline in days measures the telling against it.
    for days, state in ((1, S.LATE), (3, S.MET)):
        hazard = dataclasses.replace(DRAFT.major_hazard, told_within_days=days)
        timed = dataclasses.replace(DRAFT, major_hazard=hazard)
        page = await _page(session, FindingRule.MAJOR_HAZARD, ruleset_=timed)
        told = next(f for f in page.findings if f.row.subject_id == w.major_told.id)
        assert (told.state, told.due_on) == (state, date(2024, 3, 1 + days))


async def test_management_staff_trained_each_year(session: AsyncSession) -> None:
    w = await build_findings_world(session)
    page = await _page(session, FindingRule.STAFF, date_from=date(2023, 1, 1), date_to=None)
    got = [
        (f.row.subject_id, f.row.event_at.year + 1, f.state)  # 1 Jan in China: 31 Dec UTC
        for f in page.findings
    ]
    assert sorted(got) == sorted(
        [
            (w.trained.id, 2023, S.OVERDUE),  # hired March 2023, not trained that year
            (w.trained.id, 2024, S.MET),  # trained 31 Dec 2024
            (w.trained.id, 2025, S.PENDING),
            (w.untrained.id, 2024, S.OVERDUE),  # hired 2024: no 2023 finding
            (w.untrained.id, 2025, S.PENDING),
        ]
    )
    assert all(f.row.unit_id is None and f.rule == "R-7.1-staff" for f in page.findings)


async def test_ledger_spent_and_backed(session: AsyncSession) -> None:
    w = await build_findings_world(session)
    page = await _page(session, FindingRule.LEDGER)
    got = {
        f.row.subject_id: (f.state, f.row.measured, f.row.required, f.row.flagged)
        for f in page.findings
    }
    assert got == {
        w.p_g1.id: (S.MET, 1_000_000, 1_000_000, 0),  # fen: 10,000.00 of 20% × 50,000
        w.p_g2.id: (S.OVERDUE, 0, 1_000_000, 0),
        w.p_h1.id: (S.OVERDUE, 600_000, 600_000, 1),  # enough, but 1,000 with no service
    }
    # Before the year ends, spending short and spending with no service behind it are both
    # open (a service may yet be named): pending, then due soon, never met.
    early = await _page(session, FindingRule.LEDGER, today=date(2024, 7, 1))
    assert _states(early) == {w.p_g1.id: S.MET, w.p_g2.id: S.PENDING, w.p_h1.id: S.PENDING}
    soon = await _page(session, FindingRule.LEDGER, today=date(2024, 12, 30))
    assert _states(soon)[w.p_h1.id] is S.DUE_SOON


async def test_unit_archive_documents(session: AsyncSession) -> None:
    w = await build_findings_world(session)
    page = await _page(session, FindingRule.UNIT_ARCHIVE)
    got = {f.row.subject_id: (f.state, f.row.missing) for f in page.findings}
    assert got == {
        w.p_g1.id: (S.MET, ()),
        # g2's training was given to an agency without a contract (R-7.4-archive).
        w.p_g2.id: (
            S.OVERDUE,
            ("service_material", "agency_contracts_and_records", "fee_ledger", "complaints"),
        ),
        w.p_h1.id: (S.OVERDUE, ("evaluation_reports",)),  # B's report is still a draft
    }
    # Before B's 2024 report is due (90 days after the year), it is not missing yet.
    march = await _page(session, FindingRule.UNIT_ARCHIVE, today=date(2025, 3, 1))
    assert _states(march)[w.p_h1.id] is S.MET
    # Another agency's work on g1 brings its contract into the archive: missing until one
    # covers the unit (or that policy) on the day the service was planned.
    agency = await create_agency(session)
    await completed(
        session, w.p_g1, w.s_met.category, china(2024, 8, 1), agency_id=agency.id,
        organised_at=china(2024, 8, 2),
    )  # fmt: skip

    async def g1() -> tuple[S, tuple[str, ...], tuple[str, ...]]:
        page = await _page(session, FindingRule.UNIT_ARCHIVE)
        (f,) = [f for f in page.findings if f.row.subject_id == w.p_g1.id]
        return f.state, f.row.missing, f.row.unverifiable

    assert await g1() == (S.OVERDUE, ("agency_contracts_and_records",), ())
    # A contract for another unit, another agency, or one that ended before the service: none.
    await create_contract(session, w.p_g2, agency.id)
    await create_contract(session, w.p_g1, w.suspended_agency.id)
    await create_contract(session, w.p_g1, agency.id, valid_to=date(2024, 7, 31))
    assert (await g1())[0] is S.OVERDUE
    await create_contract(session, w.p_g1, agency.id, policy_id=w.p_g1.id)
    assert await g1() == (S.MET, (), ())


async def test_no_work_for_a_suspended_agency(session: AsyncSession) -> None:
    """R-7.1-staff: a service planned on a day its agency was suspended (1 June 09:00 to 15
    July 09:00 2024), or a scheme agreed while it was, is not met; other agency work is."""
    w = await build_findings_world(session)
    page = await _page(session, FindingRule.AGENCY_WORK, FindingRule.AGENCY_SCHEME)
    got = {
        (f.row.rule, f.row.subject_id): (f.state, f.row.measured, f.row.flagged, f.row.missing)
        for f in page.findings
    }
    good, bad, suspension = w.good_agency.id, w.suspended_agency.id, w.suspension.id
    late_scheme = next(
        f.row.subject_id
        for f in page.findings
        if f.row.rule is FindingRule.AGENCY_SCHEME and f.row.measured == bad
    )
    g1_scheme = next(
        f.row.subject_id
        for f in page.findings
        if f.row.rule is FindingRule.AGENCY_SCHEME and f.row.measured == good
    )
    assert got == {
        (FindingRule.AGENCY_WORK, w.s_met.id): (S.MET, good, None, ()),
        (FindingRule.AGENCY_WORK, w.s_unschemed.id): (
            S.OVERDUE,
            bad,
            suspension,
            ("agency_suspended",),
        ),
        (FindingRule.AGENCY_SCHEME, g1_scheme): (S.MET, good, None, ()),
        (FindingRule.AGENCY_SCHEME, late_scheme): (
            S.OVERDUE,
            bad,
            suspension,
            ("agency_suspended",),
        ),
    }
    assert {f.rule for f in page.findings} == {"R-7.1-staff"}
    # The day of the reinstatement still counts (suspended until 09:00); the day after not.
    on_the_day = await completed(session, w.p_g2, TR, china(2024, 7, 15, 18), agency_id=bad)
    after = await completed(session, w.p_g2, TR, china(2024, 7, 16, 10), agency_id=bad)
    # The day before the suspension began is free; the day it began (at 09:00) is not.
    before = await completed(session, w.p_g2, TR, china(2024, 5, 31, 10), agency_id=bad)
    first_day = await completed(session, w.p_g2, TR, china(2024, 6, 1, 8), agency_id=bad)
    states = _states(await _page(session, FindingRule.AGENCY_WORK))
    assert (states[on_the_day.id], states[after.id]) == (S.OVERDUE, S.MET)
    assert (states[before.id], states[first_day.id]) == (S.MET, S.OVERDUE)


async def test_a_suspension_without_reinstatement_lasts(session: AsyncSession) -> None:
    w = await build_findings_world(session)
    other = await create_agency(session)
    session.add(
        AgencyStatusChange(
            agency_id=other.id,
            status=AgencyStatus.SUSPENDED,
            changed_at=china(2024, 9, 1, 9),
            reason="资质过期",
        )
    )
    await session.flush()
    late = await completed(session, w.p_g1, TR, china(2024, 12, 20), agency_id=other.id)
    early = await completed(session, w.p_g1, TR, china(2024, 8, 20), agency_id=other.id)
    states = _states(await _page(session, FindingRule.AGENCY_WORK))
    assert (states[late.id], states[early.id]) == (S.OVERDUE, S.MET)
    # A unit sees the finding about its own service; the history is no secret from it.
    unit = _scope(RoleGrant(role=Role.UNIT, unit_id=w.g1.id))
    seen = _states(await _page(session, FindingRule.AGENCY_WORK, scope=unit))
    assert seen[late.id] is S.OVERDUE and w.s_unschemed.id not in seen


async def test_scorecard_adds_up_the_parts_of_one_rule(session: AsyncSession) -> None:
    """R-7.1-staff is measured by three rules of the statement (staff trained, services and
    schemes given to agencies); a scorecard shows it once per insurer, their counts summed."""
    w = await build_findings_world(session)
    data = FindingFilterInput(
        rules=[FindingRule.STAFF, FindingRule.AGENCY_WORK, FindingRule.AGENCY_SCHEME],
        **YEAR_2024,  # type: ignore[arg-type]
    )
    card = await scorecard(session, data, rules=DRAFT, today=AS_OF)
    got = {
        i.insurer_id: [(r.rule, r.met, r.not_met, r.open, r.unknown) for r in i.rules]
        for i in card.insurers
    }
    assert got == {
        w.a.id: [("R-7.1-staff", 3, 2, 0, 0)],  # a trained manager; 2 of 4 agency works
        w.b.id: [("R-7.1-staff", 0, 1, 0, 0)],  # an untrained manager
    }


async def test_archive_outside_retention_is_not_measured(session: AsyncSession) -> None:
    w = await build_findings_world(session)
    # R-7.4-archive: kept 5 years; a policy that ended more than 5 years ago has no finding.
    later = await _page(session, FindingRule.UNIT_ARCHIVE, today=date(2030, 2, 1))
    assert later.findings == ()
    assert (
        len((await _page(session, FindingRule.UNIT_ARCHIVE, today=date(2029, 12, 1))).findings) == 3
    )
    assert w.p_g1.period_end == date(2025, 1, 1)


async def test_evaluation_and_publication(session: AsyncSession) -> None:
    w = await build_findings_world(session)
    page = await _page(session, FindingRule.EVALUATION, FindingRule.PUBLICATION)
    got = {(f.rule, f.row.subject_id): (f.state, f.due_on, f.row.missing) for f in page.findings}
    assert got == {
        ("R-8.1-evaluation", w.a.id): (S.MET, date(2025, 3, 31), ()),
        ("R-8.1-evaluation", w.b.id): (S.OVERDUE, date(2025, 3, 31), ()),  # a section empty
        ("R-8.2-publication", w.a.id): (S.MET, date(2025, 4, 30), ()),
        ("R-8.2-publication", w.b.id): (
            S.OVERDUE,
            date(2025, 4, 30),
            ("submission", "publication"),
        ),
    }
    # In February B's report is not due yet: pending, not overdue.
    feb = await _page(session, FindingRule.PUBLICATION, today=date(2025, 2, 10))
    assert _states(feb) == {w.a.id: S.MET, w.b.id: S.PENDING}
    assert all(f.row.unit_id is None for f in page.findings)


async def test_complaint_answer_parts_across_the_spring_festival(session: AsyncSession) -> None:
    insurer = await create_insurer(session)
    unit = await create_insured_unit(session)
    whole = {"answered_at": china(2024, 2, 21), **ANSWER_PARTS}  # the 5th working day
    for answer in (whole, {**whole, "answer_measures": " "}):
        await create_complaint(
            session, insurer_id=insurer.id, unit_id=unit.id, filed_at=china(2024, 2, 8, 10),
            **answer,
        )  # fmt: skip
    page = await _page(session, FindingRule.COMPLAINT, today=date(2024, 3, 1))
    got = [(f.due_on, f.state, f.row.missing) for f in page.findings]
    assert got == [
        (date(2024, 2, 21), S.MET, ()),
        (date(2024, 2, 21), S.OVERDUE, ("measures",)),  # no measures: not yet an answer
    ]


async def test_scope_of_each_role(session: AsyncSession) -> None:
    w = await build_findings_world(session)
    every = tuple(FindingRule)
    everything = await _page(session, *every)
    assert {f.row.rule for f in everything.findings} == set(every)
    # A unit sees findings about its own rows only, and none about insurers' own duties.
    unit = await _page(session, *every, scope=_scope(RoleGrant(role=Role.UNIT, unit_id=w.g2.id)))
    assert unit.findings and {f.row.unit_id for f in unit.findings} == {w.g2.id}
    assert not {f.row.rule for f in unit.findings} & {
        FindingRule.STAFF,
        FindingRule.EVALUATION,
        FindingRule.PUBLICATION,
    }
    # A regulator of Henan sees Henan's units, and the insurers working there.
    henan = _scope(RoleGrant(role=Role.REGULATOR, region_code="410000"))
    page = await _page(session, *every, scope=henan)
    assert {f.row.unit_id for f in page.findings} == {w.h1.id, None}
    yearly = [f for f in page.findings if f.row.rule is not FindingRule.STAFF]
    assert {f.row.insurer_id for f in yearly if f.row.unit_id is None} == {w.b.id}
    # Staff are every insurer's (policy: regulator, staff_member, read, all).
    staff = {f.row.subject_id for f in page.findings if f.row.rule is FindingRule.STAFF}
    assert staff == {w.trained.id, w.untrained.id}
    # An insurer sees its own tenant's findings only.
    tenant = await _page(
        session, *every, scope=_scope(RoleGrant(role=Role.INSURER, insurer_id=w.a.id))
    )
    assert {f.row.insurer_id for f in tenant.findings} == {w.a.id}
    # An agency reads no schemes, policies or ledgers: no findings of those rules.
    agency = await create_agency(session)
    await completed(session, w.p_g1, w.s_met.category, china(2024, 9, 2), agency_id=agency.id)
    assigned = await _page(
        session, *every, scope=_scope(RoleGrant(role=Role.AGENCY, agency_id=agency.id))
    )
    assert {f.row.rule for f in assigned.findings} == {
        FindingRule.FOLLOWUP,
        FindingRule.ARCHIVE,
        FindingRule.AGENCY_WORK,  # its own work: was it suspended then (R-7.1-staff)
    }


async def test_every_rule_one_statement_per_page(session: AsyncSession) -> None:
    await build_findings_world(session)
    every = tuple(FindingRule)
    whole = await _page(session, *every)
    assert len({f.row.rule for f in whole.findings}) == len(every)
    keys: list[FindingKey] = []
    after: str | None = None

    while True:
        with counting(session) as statements:
            page = await _page(session, *every, first=7, after=after)
        assert statements.count == 1
        keys.extend(f.row.key for f in page.findings)
        if not page.more:
            break
        after = cursor_of(page.findings[-1].row.key)
    assert keys == [f.row.key for f in whole.findings]


async def test_rule_ids_name_the_standard(session: AsyncSession) -> None:
    await build_findings_world(session)
    page = await _page(session, *tuple(FindingRule))
    assert {f.rule for f in page.findings} == {
        "R-6.3-followup", "R-6.3-archive", "R-6.4-complaint", "R-5.1-annual", "R-4.1-contract",
        "R-6.1-scheme", "R-6.2-major-hazard", "R-7.1-staff", "R-7.3-ledger", "R-7.4-archive",
        "R-8.1-evaluation", "R-8.2-publication",
    }  # fmt: skip
    assert page.ruleset_id == "AQ9010-draft"


async def test_scorecard_counts_and_rates(session: AsyncSession) -> None:
    w = await build_findings_world(session)
    data = FindingFilterInput(
        rules=[FindingRule.ANNUAL, FindingRule.LEDGER],
        date_from=date(2024, 1, 1),
        date_to=date(2025, 1, 1),
    )
    with counting(session) as statements:
        card = await scorecard(session, data, rules=DRAFT, today=AS_OF)
    assert statements.count == 1 and card.ruleset_id == "AQ9010-draft"
    got = {
        (i.insurer_id, r.rule): (r.met, r.not_met, r.open, r.unknown, r.rate)
        for i in card.insurers
        for r in i.rules
    }
    half = Decimal("0.5000")
    assert got == {
        (w.a.id, "R-5.1-annual"): (1, 1, 0, 0, half),
        (w.a.id, "R-7.3-ledger"): (1, 1, 0, 0, half),
        (w.b.id, "R-7.3-ledger"): (0, 1, 0, 0, Decimal("0.0000")),
    }
    # Before the year ends nothing short is decided yet: open, and no rate where none is.
    early = await scorecard(session, data, rules=DRAFT, today=date(2024, 7, 1))
    a_annual = early.insurers[0].rules[0]  # insurer A's R-5.1-annual
    assert (a_annual.met, a_annual.open, a_annual.rate) == (1, 1, Decimal("1.0000"))
    # A unit's scorecard counts its own findings only.
    unit = _scope(RoleGrant(role=Role.UNIT, unit_id=w.g2.id))
    mine = await scorecard(session, data, rules=DRAFT, today=AS_OF, scope=unit)
    assert [(i.insurer_id, [(r.met, r.not_met) for r in i.rules]) for i in mine.insurers] == [
        (w.a.id, [(0, 1), (0, 1)])
    ]
