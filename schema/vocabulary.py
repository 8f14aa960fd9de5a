"""The standard's vocabularies as GraphQL enums and terms: every code with its Chinese term.

``strawberry.enum`` registers the store's enums in place, so one class is both the Python
and the GraphQL type. Register each enum here and nowhere else (a second registration would
be a second GraphQL type of the same name).
"""

from __future__ import annotations

from typing import Any

import strawberry

from store.enums import (
    AgencyKind,
    AgencyStatus,
    AuditOperationKind,
    ComplaintStatus,
    ConfirmationDecision,
    EvaluationMethod,
    EvaluationStatus,
    FollowUpMethod,
    HighRiskCategory,
    ImprovementSource,
    ImprovementStatus,
    LedgerEntryKind,
    RegionLevel,
    ResponsibleParty,
    Role,
    ServiceCategory,
    ServiceStatus,
    StaffKind,
)

_ENUMS: tuple[tuple[Any, str], ...] = (
    (Role, "角色 / role of a principal"),
    (ServiceCategory, "服务内容 / service category (5.1 a–f)"),
    (ServiceStatus, "服务状态 / state of a service record"),
    (RegionLevel, "行政区划级别 / level of an administrative division"),
    (HighRiskCategory, "高危行业类别 / high-risk industry of R-5.1-annual"),
    (AgencyKind, "技术服务机构类别 / kind of technical service agency (3.5)"),
    (AgencyStatus, "机构状态 / agency status (R-7.1-staff)"),
    (StaffKind, "人员类别 / kind of expert or staff"),
    (ResponsibleParty, "服务责任方 / party responsible for a service (R-5.3-responsibility)"),
    (FollowUpMethod, "回访方式 / follow-up method (R-6.3-followup)"),
    (ConfirmationDecision, "确认结果 / a unit's decision on a record (R-6.3-archive)"),
    (ComplaintStatus, "投诉状态 / complaint status (R-6.4-complaint)"),
    (LedgerEntryKind, "台账条目类别 / kind of fee-ledger entry (R-7.3-ledger)"),
    (EvaluationMethod, "评估方式 / evaluation method (R-8.1-evaluation)"),
    (EvaluationStatus, "评估报告状态 / evaluation report state (R-8.2-publication)"),
    (ImprovementSource, "问题来源 / where a problem was found (R-8.3-improvement)"),
    (ImprovementStatus, "改进进度 / progress of an improvement measure (R-8.3-improvement)"),
    (AuditOperationKind, "审计日志操作类别 / kind of operation an audit log entry records"),
)

for _enum, _description in _ENUMS:
    strawberry.enum(_enum, name=_enum.__name__, description=_description)

__all__ = [
    "AgencyKind",
    "AgencyStatus",
    "AuditOperationKind",
    "ComplaintStatus",
    "ConfirmationDecision",
    "EvaluationMethod",
    "EvaluationStatus",
    "FollowUpMethod",
    "HighRiskCategory",
    "ImprovementSource",
    "ImprovementStatus",
    "LedgerEntryKind",
    "RegionLevel",
    "ResponsibleParty",
    "Role",
    "ServiceCategory",
    "ServiceStatus",
    "StaffKind",
    "Term",
]


@strawberry.type(description="术语 / a code of the standard with its Chinese term")
class Term:
    code: str = strawberry.field(description="稳定代码 / stable code")
    label_zh: str = strawberry.field(description="标准中的中文术语 / the standard's Chinese term")
