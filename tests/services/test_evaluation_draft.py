"""The annual report drafted from the data (R-8.1-evaluation): the figures of each section
match a scene with known numbers (tests/factories/evaluation_scene.py), the texts carry them,
and the draft is version 1 of the insurer's report, refused when one exists."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from policies.enforcer import Decisions, default_rules
from policies.resources import Action
from policies.scope import Scope
from services.annual_evaluation import SECTIONS, EvaluationInput
from services.errors import InputError
from services.evaluation_draft import DraftScopes, DraftSettings, draft_evaluation
from services.evaluation_figures import EvaluationFigures, gather_figures
from services.evaluation_text import draft_content
from services.identity import Identity, RoleGrant
from services.rulesets import DEFAULT_RULESET, ruleset
from store.enums import EvaluationStatus, ImprovementStatus, Role, ServiceCategory, StaffKind
from store.repositories.base import EVERYTHING
from tests.factories.evaluation_scene import EvaluationScene, build_evaluation_scene
from tests.services.test_stats import statements

TODAY = date(2025, 2, 1)  # after every 2024 deadline: an unanswered complaint is overdue
SETTINGS = DraftSettings(
    pinned_ruleset=DEFAULT_RULESET,
    today=TODAY,
    scopes=DraftScopes(read=EVERYTHING, aggregate=EVERYTHING),
)


def _request(insurer_id: int, year: int, **given: Any) -> EvaluationInput:
    """A createEvaluation input with ``fromData``: only what ``given`` names is written."""
    sections = dict.fromkeys(SECTIONS)
    return EvaluationInput(
        insurer_id=insurer_id, year=year, **{"method": "self", **sections, **given}
    )


@pytest.fixture
async def scene(session: AsyncSession) -> EvaluationScene:
    return await build_evaluation_scene(session)


async def _figures(session: AsyncSession, scene: EvaluationScene) -> EvaluationFigures:
    return await gather_figures(
        session,
        scene.a.id,
        2024,
        rules=ruleset(DEFAULT_RULESET),
        today=TODAY,
        read_scope=EVERYTHING,
        aggregate_scope=EVERYTHING,
    )


async def test_figures_match_the_scene(session: AsyncSession, scene: EvaluationScene) -> None:
    f = await _figures(session, scene)
    t = f.totals
    assert t is not None
    # Scheme implementation (R-4.1-contract, R-6.1-scheme): 3 of 4 agreed, 1 of 2 schemes.
    assert f.contracts.policies == 2 and f.contracts.with_scheme == 1
    assert f.contracts.agreed == {
        ServiceCategory.HAZARD_INVESTIGATION: 3,
        ServiceCategory.TRAINING: 1,
    }
    assert f.contracts.agreed_fee_fen == 1_300_000  # 50,000 x 0.2 + 30,000 x 0.1
    assert t.units_covered == 2
    assert t.services.delivered == 3  # the planned and the 2023 services are left out
    assert dict(t.services.by_category)[ServiceCategory.HAZARD_INVESTIGATION] == 3
    # Satisfaction: 5, 3, 4 (B's 1 is not A's).
    assert t.satisfaction.responses == 3 and t.satisfaction.average == Decimal("4.0000")
    assert t.follow_up.on_time == 3
    # Complaints (R-6.4-complaint): 3 filed, 2 answered on time, 1 overdue, 1 complete.
    assert t.complaints.filed == 3 and t.complaints.answered == 2
    assert t.complaints.answer.on_time == 2 and t.complaints.answer.overdue == 1
    assert (f.answers.answered, f.answers.complete) == (2, 1)
    # Fees (R-7.3-ledger).
    assert t.fees.income == Decimal("13000.00") and t.fees.expenditure == Decimal("4500.00")
    assert (f.unbacked.entries, f.unbacked.fen) == (1, 50_000)
    # Staff and agencies (R-7.1-staff).
    assert f.staff.active_by_kind == {StaffKind.MANAGEMENT: 2, StaffKind.EXPERT: 1}
    assert (f.staff.management, f.staff.management_trained) == (2, 1)
    assert (f.staff.trainings, f.staff.training_tenths) == (1, 80)
    assert (f.agencies.engaged, f.agencies.qualified, f.agencies.suspended) == (1, 1, 0)
    # Measures (R-8.3-improvement): open ones and those closed in 2024, A's only.
    assert [m.status for m in f.measures] == [ImprovementStatus.DONE, ImprovementStatus.PLANNED]


async def test_the_texts_and_indicators_carry_the_figures(
    session: AsyncSession, scene: EvaluationScene
) -> None:
    content = draft_content(await _figures(session, scene))
    assert content["units_served"] == 2
    assert content["services_delivered"] == 3
    assert content["satisfaction_rate"] == Decimal("0.6667")  # 2 of 3 visits scored 4 or 5
    assert content["complaints_received"] == 3
    assert content["complaints_answered_on_time"] == 2
    assert content["fee_income"] == Decimal("13000.00")
    assert content["fee_spent"] == Decimal("4500.00")
    scheme = content["scheme_implementation"]
    assert "完成事故预防技术服务3次" in scheme and "约定的年度服务频次合计4次" in scheme
    assert "生产安全事故隐患排查：完成3次，约定3次" in scheme
    assert "安全生产宣传教育培训：完成0次，约定1次" in scheme
    assert "平均满意度4.00分" in content["unit_satisfaction"]
    assert "5分1次，4分1次，3分1次" in content["unit_satisfaction"]
    fees = content["fee_expenditure"]
    assert "计提13,000.00元" in fees and "支出4,500.00元" in fees
    assert "未对应具体服务记录的支出1笔，合计500.00元" in fees
    staff = content["staff_competence"]
    assert "本机构在职服务人员：安全生产专业技术人员1名，保险机构管理人员2名。" in staff
    assert "管理人员2名，其中1名" in staff and "技术服务机构1家，其中持有年末有效资质的1家" in staff
    complaints = content["complaints_handling"]
    assert "收到投诉3件，已答复2件" in complaints and "缺项的1件" in complaints
    problems = content["problems_and_measures"]
    assert "安全生产宣传教育培训（完成0次/约定1次）" in problems
    assert "1份保单尚未制定服务方案" in problems
    assert "1件投诉未在规定时限内答复" in problems
    assert "登记的改进措施2项：已完成1项，尚未完成1项" in problems
    assert "计划完成日期2025-06-30）" in problems  # due after TODAY: not yet late
    assert "乙公司" not in problems and "旧问题" not in problems


async def test_the_draft_is_version_one_and_only_once(
    session: AsyncSession, scene: EvaluationScene
) -> None:
    request = _request(insurer_id=scene.a.id, year=2024)
    draft = await draft_evaluation(session, request, SETTINGS)
    assert (draft.version, draft.status) == (1, EvaluationStatus.DRAFT)
    assert draft.services_delivered == 3 and draft.complaints_received == 3
    with pytest.raises(InputError) as refused:
        await draft_evaluation(session, request, SETTINGS)
    assert [e.code for e in refused.value.errors] == ["EVALUATION_EXISTS"]


async def test_given_sections_and_indicators_are_kept(
    session: AsyncSession, scene: EvaluationScene
) -> None:
    draft = await draft_evaluation(
        session,
        _request(
            scene.a.id,
            2024,
            unit_satisfaction="本年度委托第三方电话抽访，满意度较高。",
            services_delivered=4,
        ),
        SETTINGS,
    )
    assert draft.unit_satisfaction == "本年度委托第三方电话抽访，满意度较高。"
    assert draft.services_delivered == 4  # given; the rest drafted
    assert draft.complaints_received == 3 and "收到投诉3件" in draft.complaints_handling


async def test_an_empty_year_drafts_plain_zeros(
    session: AsyncSession, scene: EvaluationScene
) -> None:
    draft = await draft_evaluation(session, _request(insurer_id=scene.a.id, year=2030), SETTINGS)
    assert draft.services_delivered == 0 and draft.satisfaction_rate is None
    assert "未收到投保单位投诉" in draft.complaints_handling


async def test_bad_year_and_unknown_insurer_are_refused(
    session: AsyncSession, scene: EvaluationScene
) -> None:
    with pytest.raises(InputError) as refused:
        await draft_evaluation(session, _request(insurer_id=scene.a.id, year=1999), SETTINGS)
    assert [e.field for e in refused.value.errors] == ["year"]
    with pytest.raises(InputError) as unknown:
        await draft_evaluation(session, _request(insurer_id=10**9, year=2024), SETTINGS)
    assert [(e.code, e.field) for e in unknown.value.errors] == [("UNKNOWN_REFERENCE", "insurerId")]


async def test_the_figures_take_a_fixed_number_of_statements(
    session: AsyncSession, scene: EvaluationScene
) -> None:
    """One stats statement and one per further family of figures, whatever the data: the
    same count for the busy insurer A and the nearly empty insurer B."""
    connection = await session.connection()
    counts = []
    for insurer in (scene.a, scene.b):
        with statements(connection) as seen:
            await gather_figures(
                session,
                insurer.id,
                2024,
                rules=ruleset(DEFAULT_RULESET),
                today=TODAY,
                read_scope=EVERYTHING,
                aggregate_scope=EVERYTHING,
            )
        counts.append(len(seen))
    # stats 1, contracts 2, staff 3, agencies 1, answers 1, unbacked spending 1, measures 1
    assert counts == [10, 10]


async def test_the_insurers_own_scope_hides_none_of_its_figures(
    session: AsyncSession, scene: EvaluationScene
) -> None:
    """Drafted by the insurer itself, under the default policy's read and aggregate scopes,
    the report says exactly what the unscoped figures say: no family of figures reads a
    table the insurer may not see (which would show as a silent zero)."""
    identity = Identity(
        name="insurer-a",
        display_name="甲保险",
        grants=(RoleGrant(role=Role.INSURER, insurer_id=scene.a.id),),
    )
    scope = Scope(identity, Decisions(default_rules()).decide)
    kwargs: dict[str, Any] = {"rules": ruleset(DEFAULT_RULESET), "today": TODAY}
    scoped = await gather_figures(
        session,
        scene.a.id,
        2024,
        read_scope=scope,
        aggregate_scope=scope.for_action(Action.AGGREGATE),
        **kwargs,
    )
    assert draft_content(scoped) == draft_content(await _figures(session, scene))
