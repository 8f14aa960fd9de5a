"""One annual evaluation report as a readable document (R-8.1-evaluation, R-8.2-publication):
what the HTML and PDF renderings (server/report_html.py, server/report_pdf.py) show.

The report is read through the viewer's scope, the same one GraphQL reads of
``annual_evaluation`` use: the public sees only published reports, an insurer its own,
a regulator the submitted and published ones of every insurer. A report outside the scope
is absent (``None``), never "forbidden" (EXAMPLES #4).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from services.annual_evaluation import SECTIONS
from store.enums import EvaluationMethod, EvaluationStatus
from store.models.annual_evaluation import AnnualEvaluation
from store.repositories.annual_evaluation import AnnualEvaluationRepository
from store.repositories.base import RowScope
from store.repositories.insurer import InsurerRepository

CHINA = timezone(timedelta(hours=8))
# Chinese ordinal numerals of the six sections: 一、二、…
NUMERALS = "一二三四五六七八九十"
REPORT_PATH = "/reports/evaluations/{id}.{format}"  # server/app.py serves it
FORMATS = ("html", "pdf")


@dataclass(frozen=True, slots=True)
class Section:
    heading: str  # e.g. "一、服务方案实施情况及效果"
    heading_en: str
    paragraphs: tuple[str, ...]  # the text's lines; a line "- …" is a list item


@dataclass(frozen=True, slots=True)
class Fact:
    label: str
    value: str


@dataclass(frozen=True, slots=True)
class ReportView:
    evaluation_id: int
    title: str
    insurer_name: str
    year: int
    facts: tuple[Fact, ...]  # method, version, status, submission, publication
    indicators: tuple[Fact, ...]  # the published indicators (R-8.2-publication)
    sections: tuple[Section, ...]


def report_path(evaluation_id: int, format: str) -> str:
    return REPORT_PATH.format(id=evaluation_id, format=format)


async def load_report(
    session: AsyncSession, evaluation_id: int, scope: RowScope
) -> ReportView | None:
    """The report as ``scope`` may see it, or ``None`` when absent or outside the scope."""
    evaluation = await AnnualEvaluationRepository(session, scope).get(evaluation_id)
    if evaluation is None:
        return None
    insurer = await InsurerRepository(session, scope).get(evaluation.insurer_id)
    # A scope that sees a report sees its insurer (every role may read insurers' names); a
    # policy that hides it still gets the report, under its id.
    name = insurer.name if insurer is not None else f"保险机构 {evaluation.insurer_id}"
    return build_view(evaluation, name)


def build_view(evaluation: AnnualEvaluation, insurer_name: str) -> ReportView:
    sections = tuple(
        Section(
            heading=f"{NUMERALS[i]}、{zh}",
            heading_en=en,
            paragraphs=tuple(
                line.strip() for line in getattr(evaluation, column).splitlines() if line.strip()
            ),
        )
        for i, (column, (_, zh, en)) in enumerate(SECTIONS.items())
    )
    return ReportView(
        evaluation_id=evaluation.id,
        title=f"{insurer_name}{evaluation.year}年度事故预防技术服务评估报告",
        insurer_name=insurer_name,
        year=evaluation.year,
        facts=(Fact("保险机构", insurer_name), *_facts(evaluation)),
        indicators=_indicators(evaluation),
        sections=sections,
    )


def _when(at: datetime | None) -> str:
    return "—" if at is None else at.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")


def _facts(e: AnnualEvaluation) -> tuple[Fact, ...]:
    method = EvaluationMethod(e.method).label_zh
    if e.evaluator:
        method += f"（{e.evaluator}）"
    return (
        Fact("评估年度", f"{e.year}年"),
        Fact("评估方式", method),
        Fact("报告版本", f"第{e.version}版"),
        Fact("报告状态", EvaluationStatus(e.status).label_zh),
        Fact("报送部门", e.submitted_to or "—"),
        Fact("报送时间", _when(e.submitted_at)),
        Fact("公开时间", _when(e.published_at)),
    )


def _count(value: int | None, unit: str) -> str:
    return "—" if value is None else f"{value:,}{unit}"


def _money(value: Decimal | None) -> str:
    return "—" if value is None else f"{Decimal(value):,.2f}元"


def _rate(value: Decimal | None) -> str:
    return "—" if value is None else f"{Decimal(value) * 100:.1f}%"


def _indicators(e: AnnualEvaluation) -> tuple[Fact, ...]:
    return (
        Fact("服务投保单位数", _count(e.units_served, "家")),
        Fact("完成服务次数", _count(e.services_delivered, "次")),
        Fact("满意率", _rate(e.satisfaction_rate)),
        Fact("收到投诉数", _count(e.complaints_received, "件")),
        Fact("按时答复投诉数", _count(e.complaints_answered_on_time, "件")),
        Fact("服务费用计提", _money(e.fee_income)),
        Fact("服务费用支出", _money(e.fee_spent)),
    )
