"""A small fixed corpus for the conformance suite: documents built by the real
``to_document()`` from hand-written sources, with access fields that differ by region,
insurer, unit and agency."""

from __future__ import annotations

from datetime import UTC, date, datetime

from search.documents import Document, to_document
from store.repositories.search_source import (
    ComplaintSource,
    EvaluationSource,
    HazardText,
    RegionStep,
    SchemeSource,
    ServiceRecordSource,
    Source,
    UnitFacts,
    UnitSource,
)

GD = RegionStep("440000", "广东省", "province")
SZ = RegionStep("440300", "深圳市", "city")
NS = RegionStep("440305", "南山区", "county")
ZJ = RegionStep("330000", "浙江省", "province")
HZ = RegionStep("330100", "杭州市", "city")

UNIT_A = UnitFacts(
    1,
    "91440300MA5ABCDE1X",
    "深圳南山化工有限公司",
    "440305",
    (GD, SZ, NS),
    "2614",
    "有机化学原料制造",
)
UNIT_B = UnitFacts(
    2, "91330100MA2BCDEF2Y", "杭州建设工程有限公司", "330100", (ZJ, HZ), "4700", "房屋建筑业"
)
UNIT_C = UnitFacts(
    3, "91440300MA5CDEFG3Z", "深圳机械制造有限公司", "440300", (GD, SZ), "3400", "通用设备制造业"
)

T = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)


def _record(
    key: int,
    unit: UnitFacts,
    insurer: int,
    category: str,
    content: str,
    *,
    hazards: tuple[HazardText, ...] = (),
    comments: tuple[str, ...] = (),
    agencies: tuple[int, ...] = (),
    place: str = "厂区",
) -> ServiceRecordSource:
    return ServiceRecordSource(
        id=key,
        insurer_id=insurer,
        unit=unit,
        category=category,
        status="completed",
        planned_on=date(2024, 3, 1),
        completed_at=T,
        place=place,
        content=content,
        process=None,
        agency_ids=agencies,
        hazards=hazards,
        follow_up_comments=comments,
    )


SOURCES: list[Source] = [
    _record(
        1,
        UNIT_A,
        1,
        "hazard_investigation",
        "对生产现场开展隐患排查，形成隐患清单",
        hazards=(HazardText("配电箱未接地，线路敷设不规范", False),),
        agencies=(7,),
    ),
    _record(
        2,
        UNIT_A,
        1,
        "training",
        "开展全员安全生产宣传教育培训",
        comments=("对服务质量很不满意，要求更换服务机构",),
    ),
    _record(
        3,
        UNIT_B,
        2,
        "hazard_investigation",
        "开展电气、消防和特种设备专项检查",
        hazards=(HazardText("脚手架未按专项方案搭设，存在坍塌风险", True),),
        agencies=(8,),
    ),
    _record(
        4,
        UNIT_C,
        2,
        "risk_assessment",
        "对重点生产装置开展危险与可操作性分析（HAZOP）",
        hazards=(HazardText("配电柜门未关闭", False),),
    ),
    _record(
        5,
        UNIT_B,
        2,
        "emergency_plan",
        "组织开展综合应急演练并进行演练评估",
        comments=("培训内容实用",),
        place="二号罐区",
    ),
    ComplaintSource(
        10,
        1,
        UNIT_A,
        T,
        "answered",
        "培训流于形式，要求重新组织",
        "投诉人要求重新培训",
        "经现场核查，投诉事项属实",
        "已更换服务人员",
    ),
    ComplaintSource(
        11,
        2,
        UNIT_B,
        T,
        "open",
        "服务机构未按方案约定频次开展隐患排查，要求补足服务",
        None,
        None,
        None,
    ),
    SchemeSource(
        20,
        1,
        UNIT_A,
        1,
        T,
        "按季度开展隐患排查",
        "隐患整改率达到95%以上",
        "配备注册安全工程师",
        "由保险机构承担责任",
        "提交仲裁委员会仲裁",
        (("hazard_investigation", "生产安全事故隐患排查"), ("training", None)),
    ),
    EvaluationSource(
        30,
        1,
        "平安产险",
        2024,
        1,
        "published",
        "self",
        None,
        (
            "方案实施良好",
            "投保单位满意度较高",
            "费用支出合规",
            "机构能力达标",
            "投诉均已答复",
            "部分回访不及时",
        ),
    ),
    EvaluationSource(
        31,
        2,
        "人保财险",
        2024,
        1,
        "draft",
        "third_party",
        "第三方评估机构",
        (
            "方案实施一般",
            "满意度一般",
            "费用支出合规",
            "能力待提升",
            "投诉答复超期",
            "隐患整改不到位",
        ),
    ),
    UnitSource(UNIT_A, "深圳市南山区科技园", (1,), (7,)),
    UnitSource(UNIT_B, "杭州市西湖区", (2,), (8,)),
    UnitSource(UNIT_C, None, (2,), ()),
]

DOCUMENTS: list[Document] = [to_document(s) for s in SOURCES]
