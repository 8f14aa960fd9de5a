"""The text of a drafted annual evaluation report (R-8.1-evaluation): the six sections as plain
Chinese prose around the figures, and the published indicators (R-8.2-publication).

Pure: figures in (``services.evaluation_figures``), strings and numbers out. Every rule id
cited beside a figure is the STANDARD.md rule it measures; day counts come from the ruleset.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from services.evaluation_figures import EvaluationFigures
from services.stats_report import Deadline, quotient
from store.enums import ImprovementStatus, ServiceCategory, StaffKind
from store.models.improvement_measure import ImprovementMeasure

# Measures listed one by one in the last section; the rest are counted (the section is one
# text field, bounded by services/validation/workflow.py LONG_TEXT).
MAX_LISTED_MEASURES = 30
# Visits scored at least this (满意 / 非常满意 on the 1..5 scale) count as satisfied in the
# published satisfaction rate.
SATISFIED_FROM = 4


def _pct(numerator: int, denominator: int) -> str:
    ratio = quotient(numerator, denominator)
    return "—" if ratio is None else f"{ratio * 100:.1f}%"


def _yuan(fen: int) -> str:
    return f"{Decimal(fen).scaleb(-2):,.2f}"


def _deadline_text(d: Deadline, what: str) -> str:
    text = (
        f"{what}（{d.working_days}个工作日内，{d.rule}）：按时{d.on_time}项，逾期完成{d.late}项，"
        f"逾期未完成{d.overdue}项，尚未到期{d.pending}项"
    )
    if d.unknown:
        text += f"，节假日日历未覆盖、无法判断{d.unknown}项"
    return text + f"，按时率{_pct(d.on_time, d.on_time + d.late + d.overdue)}。"


def draft_content(f: EvaluationFigures) -> dict[str, Any]:
    """The six sections and the published indicators, from the figures (pure)."""
    t = f.totals
    delivered = t.services.delivered if t is not None else 0
    responses = t.satisfaction.responses if t is not None else 0
    satisfied = (
        sum(n for score, n in t.satisfaction.distribution if score >= SATISFIED_FROM)
        if t is not None
        else 0
    )
    filed = t.complaints.filed if t is not None else 0
    on_time = t.complaints.answer.on_time + t.complaints.verified_answer.on_time if t else 0
    income = t.fees.income if t is not None else Decimal(0)
    spent = t.fees.expenditure if t is not None else Decimal(0)
    return {
        "scheme_implementation": _scheme_section(f),
        "unit_satisfaction": _satisfaction_section(f),
        "fee_expenditure": _fee_section(f),
        "staff_competence": _staff_section(f),
        "complaints_handling": _complaints_section(f),
        "problems_and_measures": _problems_section(f),
        "units_served": t.units_covered if t is not None else 0,
        "services_delivered": delivered,
        "satisfaction_rate": quotient(satisfied, responses),
        "complaints_received": filed,
        "complaints_answered_on_time": on_time,
        "fee_income": income,
        "fee_spent": spent,
    }


def _scheme_section(f: EvaluationFigures) -> str:
    c, t = f.contracts, f.totals
    delivered = dict(t.services.by_category) if t is not None else {}
    total = t.services.delivered if t is not None else 0
    agreed_total = sum(c.agreed.values())
    lines = [
        f"{f.year}年度，本机构保险期间涉及本年度的保单共{c.policies}份，覆盖投保单位"
        f"{t.units_covered if t else 0}家；其中{c.with_scheme}份已制定事故预防技术服务方案"
        f"（{_pct(c.with_scheme, c.policies)}，R-6.1-scheme）。",
        f"全年完成事故预防技术服务{total}次；保险合同约定的年度服务频次合计{agreed_total}次，"
        f"完成率{_pct(total, agreed_total)}（R-4.1-contract）。分类别情况：",
    ]
    for category in ServiceCategory:
        done, agreed = delivered.get(category, 0), c.agreed.get(category, 0)
        if done or agreed:
            lines.append(
                f"- {category.label_zh}：完成{done}次，约定{agreed}次，完成率{_pct(done, agreed)}。"
            )
    if t is not None:
        a, h = t.archive, t.major_hazards
        lines.append(
            f"服务中发现重大事故隐患{h.found}项，已及时告知投保单位{h.told}项"
            f"（R-6.2-major-hazard）。服务记录经投保单位确认{a.confirmed}项，有异议"
            f"{a.disputed}项，尚待确认{a.unconfirmed}项。"
        )
        lines.append(_deadline_text(a.organised, "服务记录整理归档"))
    return "\n".join(lines)


def _satisfaction_section(f: EvaluationFigures) -> str:
    t = f.totals
    if t is None or t.satisfaction.responses == 0:
        return f"{f.year}年度未记录回访满意度评价。"
    s = t.satisfaction
    satisfied = sum(n for score, n in s.distribution if score >= SATISFIED_FROM)
    average = f"{s.average:.2f}" if s.average is not None else "—"
    spread = "，".join(f"{score}分{n}次" for score, n in sorted(s.distribution, reverse=True))
    return "\n".join(
        [
            f"{f.year}年度共回访投保单位{s.responses}次，平均满意度{average}分（满分5分），"
            f"评价为满意及以上（{SATISFIED_FROM}分及以上）的{satisfied}次，满意率"
            f"{_pct(satisfied, s.responses)}。",
            f"评分分布：{spread}。",
            _deadline_text(t.follow_up, "服务完成后回访"),
        ]
    )


def _fee_section(f: EvaluationFigures) -> str:
    t, c, u = f.totals, f.contracts, f.unbacked
    income_fen = int(t.fees.income * 100) if t is not None else 0
    spent_fen = int(t.fees.expenditure * 100) if t is not None else 0
    lines = [
        f"{f.year}年度事故预防服务费用专门台账计提{_yuan(income_fen)}元，支出"
        f"{_yuan(spent_fen)}元，结余{_yuan(income_fen - spent_fen)}元（R-7.3-ledger）。",
        f"保险期间涉及本年度的保单按约定比例（保费×事故预防服务费用比例）应提取"
        f"{_yuan(c.agreed_fee_fen)}元；台账计提额为应提取额的{_pct(income_fen, c.agreed_fee_fen)}，"
        f"支出额为应提取额的{_pct(spent_fen, c.agreed_fee_fen)}。",
    ]
    if u.entries:
        lines.append(f"未对应具体服务记录的支出{u.entries}笔，合计{_yuan(u.fen)}元，需逐笔核实。")
    else:
        lines.append("全部支出均对应具体服务记录。")
    return "\n".join(lines)


def _staff_section(f: EvaluationFigures) -> str:
    s, a = f.staff, f.agencies
    kinds = "，".join(
        f"{kind.label_zh}{s.active_by_kind[kind]}名"
        for kind in StaffKind
        if s.active_by_kind.get(kind)
    )
    per_year = f.rules.staff_training.trainings_per_year
    hours = Decimal(s.training_tenths).scaleb(-1)
    return "\n".join(
        [
            f"本机构在职服务人员：{kinds}。" if kinds else "本机构未登记在职服务人员。",
            f"管理人员{s.management}名，其中{s.management_trained}名本年度接受专业技能培训不少于"
            f"{per_year}次（{_pct(s.management_trained, s.management)}，R-7.1-staff）；全年人员培训"
            f"{s.trainings}人次，共{hours}学时。",
            f"本年度承担服务的技术服务机构{a.engaged}家，其中持有年末有效资质的{a.qualified}家，"
            f"目前处于暂停状态的{a.suspended}家。",
        ]
    )


def _complaints_section(f: EvaluationFigures) -> str:
    t, ans = f.totals, f.answers
    if t is None or t.complaints.filed == 0:
        return f"{f.year}年度未收到投保单位投诉。"
    c = t.complaints
    parts = "、".join(_PART_NAMES.get(p, p) for p in f.rules.complaint.answer_parts)
    return "\n".join(
        [
            f"{f.year}年度收到投诉{c.filed}件，已答复{c.answered}件"
            f"（{_pct(c.answered, c.filed)}），其中需进一步核实的{c.needing_verification}件。",
            _deadline_text(c.answer, "一般投诉答复"),
            _deadline_text(c.verified_answer, "需核实投诉答复"),
            f"已答复的{ans.answered}件中，答复意见完整包含{parts}的{ans.complete}件，"
            f"缺项的{ans.answered - ans.complete}件（R-6.4-complaint）。",
        ]
    )


_PART_NAMES = {"request": "投诉请求", "facts": "事实认定及依据", "measures": "处理措施"}


def _problems(f: EvaluationFigures) -> list[str]:
    """The shortfalls the figures show, one line each."""
    t, c = f.totals, f.contracts
    found: list[str] = []
    delivered = dict(t.services.by_category) if t is not None else {}
    short = [
        f"{category.label_zh}（完成{delivered.get(category, 0)}次/约定{agreed}次）"
        for category, agreed in sorted(c.agreed.items(), key=lambda kv: kv[0].value)
        if delivered.get(category, 0) < agreed
    ]
    if short:
        found.append("部分服务项目未达到合同约定频次：" + "、".join(short) + "。")
    if c.with_scheme < c.policies:
        found.append(f"{c.policies - c.with_scheme}份保单尚未制定服务方案。")
    if t is not None:
        if t.major_hazards.untold:
            found.append(f"{t.major_hazards.untold}项重大事故隐患未记录告知投保单位的时间。")
        late = t.follow_up.late + t.follow_up.overdue
        if late:
            found.append(f"{late}项服务未在规定时限内回访。")
        late = t.archive.organised.late + t.archive.organised.overdue
        if late:
            found.append(f"{late}项服务记录未在规定时限内整理归档。")
        late = sum(d.late + d.overdue for d in (t.complaints.answer, t.complaints.verified_answer))
        if late:
            found.append(f"{late}件投诉未在规定时限内答复。")
    missing = f.answers.answered - f.answers.complete
    if missing:
        found.append(f"{missing}件投诉答复意见缺少规定内容。")
    if f.unbacked.entries:
        found.append(f"{f.unbacked.entries}笔费用支出未对应具体服务记录。")
    untrained = f.staff.management - f.staff.management_trained
    if untrained:
        found.append(f"{untrained}名管理人员本年度培训次数不足。")
    return found


def _measure_line(n: int, m: ImprovementMeasure, as_of: date) -> str:
    status = ImprovementStatus(m.status)
    tail = f"，{status.label_zh}"
    if m.due_on is not None:
        tail += f"，计划完成日期{m.due_on.isoformat()}"
        if status is not ImprovementStatus.DONE and m.due_on < as_of:
            tail += "，已超期"  # R-8.3-improvement: progress is tracked, lateness shown
    if m.completed_at is not None:
        tail += f"，完成于{m.completed_at.date().isoformat()}"
    return f"{n}. 问题：{m.problem}；措施：{m.measure}（来源：{m.source.label_zh}{tail}）"


def _problems_section(f: EvaluationFigures) -> str:
    problems = _problems(f)
    lines = ["一、存在的问题"]
    if problems:
        lines += [f"{i}. {p}" for i, p in enumerate(problems, 1)]
    else:
        lines.append("本年度数据未显示未达标事项。")
    lines.append("二、改进措施（R-8.3-improvement）")
    lines += _measure_lines(f.measures, f.as_of)
    return "\n".join(lines)


def _measure_lines(measures: Sequence[ImprovementMeasure], as_of: date) -> list[str]:
    if not measures:
        return ["暂无登记的改进措施。"]
    done = sum(1 for m in measures if m.status == ImprovementStatus.DONE)
    lines = [f"登记的改进措施{len(measures)}项：已完成{done}项，尚未完成{len(measures) - done}项。"]
    listed = measures[:MAX_LISTED_MEASURES]
    lines += [_measure_line(i, m, as_of) for i, m in enumerate(listed, 1)]
    if len(measures) > len(listed):
        lines.append(f"另有{len(measures) - len(listed)}项未逐条列出。")
    return lines
