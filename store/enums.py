"""The standard's vocabularies as string enums; each value is a stable code, each label Chinese."""

from __future__ import annotations

import enum


class LabelledEnum(enum.StrEnum):
    """A string enum whose members also carry the Chinese term of the standard."""

    label_zh: str

    def __new__(cls, value: str, label_zh: str = "") -> LabelledEnum:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label_zh = label_zh
        return member


class RegionLevel(LabelledEnum):
    PROVINCE = "province", "省级"
    CITY = "city", "地级"
    COUNTY = "county", "县级"


class HighRiskCategory(LabelledEnum):
    """High-risk industries named by R-5.1-annual (the ruleset decides which count)."""

    COAL_MINE = "coal_mine", "煤矿"
    NON_COAL_MINE = "non_coal_mine", "非煤矿山"
    HAZARDOUS_CHEMICALS = "hazardous_chemicals", "危险化学品"
    FIREWORKS = "fireworks", "烟花爆竹"
    TRANSPORT = "transport", "交通运输"
    CONSTRUCTION = "construction", "建筑施工"
    CIVIL_EXPLOSIVES = "civil_explosives", "民用爆炸物品"
    METAL_SMELTING = "metal_smelting", "金属冶炼"
    FISHERY = "fishery", "渔业生产"


class ServiceCategory(LabelledEnum):
    """The six service contents of clause 5.1, a–f."""

    TRAINING = "training", "安全生产宣传教育培训"
    RISK_ASSESSMENT = "risk_assessment", "安全风险辨识、评估和安全评价"
    STANDARDIZATION = "standardization", "安全生产标准化建设"
    HAZARD_INVESTIGATION = "hazard_investigation", "生产安全事故隐患排查"
    EMERGENCY_PLAN = "emergency_plan", "应急预案编制和演练"
    TECH_PROMOTION = "tech_promotion", "安全生产科技推广应用"


class AgencyKind(LabelledEnum):
    """Kinds of technical service agency listed in clause 3.5."""

    INSURANCE_BROKER = "insurance_broker", "保险经纪公司"
    CONSULTANCY = "consultancy", "安全生产技术与管理咨询公司"
    EVALUATION_TESTING = "evaluation_testing", "安全生产评价与检验检测机构"
    SAFETY_ENGINEER_FIRM = "safety_engineer_firm", "注册安全工程师事务所"
    UNIVERSITY_INSTITUTE = "university_institute", "高等院校、科研院所"
    SOCIAL_ORGANIZATION = "social_organization", "社会组织"


class AgencyStatus(LabelledEnum):
    """R-7.1-staff: agencies are adjusted dynamically; a suspended one gets no new work."""

    ACTIVE = "active", "正常"
    SUSPENDED = "suspended", "暂停"


class StaffKind(LabelledEnum):
    EXPERT = "expert", "安全生产专业技术人员"
    AGENCY_STAFF = "agency_staff", "技术服务机构人员"
    MANAGEMENT = "management", "保险机构管理人员"


class ResponsibleParty(LabelledEnum):
    """R-5.3-responsibility: who answers for a delivered service."""

    INSURER = "insurer", "保险机构"
    BROKER = "broker", "保险经纪公司"
    THIRD_PARTY = "third_party", "第三方机构"


class ServiceStatus(LabelledEnum):
    PLANNED = "planned", "计划"
    COMPLETED = "completed", "已完成"
    CONFIRMED = "confirmed", "投保单位已确认"
    DISPUTED = "disputed", "投保单位有异议"


class FollowUpMethod(LabelledEnum):
    """R-6.3-followup: 电话、网络或现场回访."""

    PHONE = "phone", "电话"
    NETWORK = "network", "网络"
    ON_SITE = "on_site", "现场"


class ConfirmationDecision(LabelledEnum):
    CONFIRMED = "confirmed", "确认"
    DISPUTED = "disputed", "异议"


class ComplaintStatus(LabelledEnum):
    OPEN = "open", "待答复"
    ANSWERED = "answered", "已答复"


class LedgerEntryKind(LabelledEnum):
    """R-7.3-ledger: fees set aside from premium, and what was spent."""

    ALLOCATION = "allocation", "计提"
    EXPENDITURE = "expenditure", "支出"
    ADJUSTMENT = "adjustment", "调整"


class EvaluationMethod(LabelledEnum):
    SELF = "self", "自评"
    THIRD_PARTY = "third_party", "第三方评估"


class EvaluationStatus(LabelledEnum):
    """R-8.2-publication: a report is drafted, submitted to the regulator, then published."""

    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已报送"
    PUBLISHED = "published", "已公开"


class ImprovementSource(LabelledEnum):
    """R-8.3-improvement: where a problem was found."""

    EVALUATION = "evaluation", "年度评估"
    FOLLOW_UP = "follow_up", "回访"
    COMPLAINT = "complaint", "投诉"
    INSPECTION = "inspection", "监督检查"


class ImprovementStatus(LabelledEnum):
    PLANNED = "planned", "已制定"
    IN_PROGRESS = "in_progress", "落实中"
    DONE = "done", "已完成"


class PrincipalKind(LabelledEnum):
    USER = "user", "用户"
    API_CLIENT = "api_client", "接口客户端"


class Role(LabelledEnum):
    REGULATOR = "regulator", "监管部门"
    INSURER = "insurer", "保险机构"
    UNIT = "unit", "投保单位"
    AGENCY = "agency", "技术服务机构"
    PUBLIC = "public", "社会公众"
    ADMIN = "admin", "系统管理员"


class AuditOperationKind(LabelledEnum):
    """What an audit log entry records: a GraphQL operation or a bulk upload."""

    QUERY = "query", "查询"
    MUTATION = "mutation", "变更"
    BULK = "bulk", "批量上传"
