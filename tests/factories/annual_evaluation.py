from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from store.enums import EvaluationMethod, EvaluationStatus
from store.models.annual_evaluation import AnnualEvaluation

SECTIONS: dict[str, str] = {
    "scheme_implementation": "全年完成隐患排查212家次，方案执行率98%",
    "unit_satisfaction": "回访满意度4.6分",
    "fee_expenditure": "计提服务费1,200万元，支出1,050万元",
    "staff_competence": "专家42名，均具备注册安全工程师资格",
    "complaints_handling": "收到投诉3件，均按期答复",
    "problems_and_measures": "偏远地区服务频次不足，增设服务站",
}


async def create_evaluation(
    session: AsyncSession, *, insurer_id: int, year: int = 2024, **overrides: Any
) -> AnnualEvaluation:
    """A self-evaluated draft report (version 1 unless overridden)."""
    values: dict[str, Any] = {
        "insurer_id": insurer_id,
        "year": year,
        "version": 1,
        "method": EvaluationMethod.SELF,
        "status": EvaluationStatus.DRAFT,
        **SECTIONS,
    }
    values.update(overrides)
    evaluation = AnnualEvaluation(**values)
    session.add(evaluation)
    await session.flush()
    return evaluation
