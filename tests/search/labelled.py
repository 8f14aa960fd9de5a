"""A small labelled Chinese query set: short records as inspectors write them, and for each
query the records a person judged relevant (by meaning, not by the words they share), so
the figures also show what phrase matching on bigrams cannot do (synonyms, abbreviations)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from search.documents import Document, to_document
from store.repositories.search_source import (
    ComplaintSource,
    HazardText,
    RegionStep,
    ServiceRecordSource,
    Source,
    UnitFacts,
)

_UNIT = UnitFacts(
    1,
    "91440300MA5ABCDE1X",
    "深圳某化工有限公司",
    "440300",
    (RegionStep("440000", "广东省", "province"), RegionStep("440300", "深圳市", "city")),
    "2614",
    "有机化学原料制造",
)
_T = datetime(2024, 5, 6, 8, 0, tzinfo=UTC)


def _record(
    key: int,
    category: str,
    content: str,
    hazards: tuple[str, ...] = (),
    comments: tuple[str, ...] = (),
) -> ServiceRecordSource:
    return ServiceRecordSource(
        key,
        1,
        _UNIT,
        category,
        "completed",
        date(2024, 5, 6),
        _T,
        "厂区",
        content,
        None,
        (),
        tuple(HazardText(h, False) for h in hazards),
        comments,
    )


RECORDS = [
    _record(1, "hazard_investigation", "电气专项检查", ("配电箱未接地，线路敷设不规范",)),
    _record(2, "hazard_investigation", "电气专项检查", ("车间电线老化破损，存在触电风险",)),
    _record(3, "hazard_investigation", "电气专项检查", ("漏电保护器失效",)),
    _record(4, "hazard_investigation", "消防专项检查", ("消防通道堆放杂物，灭火器过期未更换",)),
    _record(5, "hazard_investigation", "消防专项检查", ("室内消火栓无水，火灾报警系统故障",)),
    _record(6, "training", "开展全员安全生产宣传教育培训"),
    _record(7, "training", "组织新入职员工三级安全教育，考核合格后上岗"),
    _record(8, "training", "开展有限空间作业安全专题培训并组织现场演示"),
    _record(
        9, "hazard_investigation", "受限空间作业检查", ("有限空间作业未执行先通风、再检测、后作业",)
    ),
    _record(10, "emergency_plan", "组织开展综合应急演练并进行演练评估"),
    _record(11, "emergency_plan", "修订现场处置方案，组织岗位应急处置卡培训"),
    _record(12, "hazard_investigation", "危化品仓库检查", ("危险化学品储存未分类分区",)),
    _record(13, "risk_assessment", "对重点生产装置开展危险与可操作性分析（HAZOP）"),
    _record(14, "training", "安全培训", comments=("对服务质量很不满意，要求更换服务机构",)),
    _record(15, "hazard_investigation", "节前检查", comments=("服务时间过短，检查流于形式",)),
    _record(16, "hazard_investigation", "季度检查", comments=("服务专业，很满意",)),
]
COMPLAINTS = [
    ComplaintSource(21, 1, _UNIT, _T, "open", "培训流于形式，要求重新组织", None, None, None),
    ComplaintSource(
        22,
        1,
        _UNIT,
        _T,
        "answered",
        "服务人员未按约定时间到场，回访时反映不满意",
        "投诉人要求更换服务人员",
        "经核查投诉事项属实",
        "已更换服务人员",
    ),
    ComplaintSource(23, 1, _UNIT, _T, "open", "要求公开事故预防服务费用使用情况", None, None, None),
]
SOURCES: list[Source] = [*RECORDS, *COMPLAINTS]
DOCUMENTS: list[Document] = [to_document(s) for s in SOURCES]

# query → the documents a person judged relevant ("type:id").
LABELS: dict[str, set[str]] = {
    "配电箱": {"service_record:1"},
    "触电": {"service_record:1", "service_record:2", "service_record:3"},  # electrical hazards
    "消防": {"service_record:4", "service_record:5"},
    "培训": {
        "service_record:6",
        "service_record:7",
        "service_record:8",
        "service_record:11",
        "service_record:14",
        "complaint:21",
    },
    "有限空间": {"service_record:8", "service_record:9"},  # 受限空间 is the same thing
    "应急演练": {"service_record:10"},
    "危险化学品": {"service_record:12"},  # also written 危化品
    "投诉 不满意": {"complaint:22"},
    "不满意": {"service_record:14", "service_record:15", "complaint:22"},
    "隐患 配电箱": {"service_record:1"},
}
