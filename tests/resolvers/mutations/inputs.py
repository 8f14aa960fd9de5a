"""Valid inputs per mutation as GraphQL variables, the way a client sends them: global ids,
decimal strings, instants with an offset."""

from __future__ import annotations

from typing import Any

from tests.resolvers.mutations.scene import Scene

Input = dict[str, Any]


def with_(values: Input, **changes: Any) -> Input:
    return {**values, **changes}


AT = "2024-03-01T09:00:00+08:00"  # the completed record's start (01:00 UTC)


def policy(s: Scene) -> Input:
    return {
        "insurerId": s.insurer_id,
        "unitId": s.unit_id,
        "policyNo": "PAZX2025000001",
        "periodStart": "2025-01-01",
        "periodEnd": "2026-01-01",
        "premium": "48000.00",
        "preventionFeeRatio": "0.2",
        "items": [{"category": "HAZARD_INVESTIGATION", "frequencyPerYear": 2}],
    }


def scheme_content(s: Scene) -> Input:
    return {
        "items": [{"category": "HAZARD_INVESTIGATION", "frequencyPerYear": 2}],
        "timeLimits": "每半年一次，每次两个工作日内完成",
        "staffIds": [s.gid("StaffMember", s.world.staff.id)],
        "budget": "9600.00",
        "expectedEffect": "重大隐患清零",
        "guarantees": "专家团队驻点",
        "liabilityTerms": "由保险机构承担服务责任",
        "complaintArbitration": "向深圳仲裁委员会申请仲裁",
        "agreedAt": "2024-06-01T10:00:00+08:00",
    }


def record(s: Scene) -> Input:
    return {
        "insurerId": s.insurer_id,
        "unitId": s.unit_id,
        "policyId": s.gid("InsurancePolicy", s.policy.id),
        "schemeId": s.gid("ServiceScheme", s.scheme.id),
        "category": "HAZARD_INVESTIGATION",
        "plannedOn": "2024-04-01",
        "place": "深圳市南山区科技园厂区",
        "content": "储罐区、装卸区隐患排查",
        "responsibleParty": "INSURER",
        "agencyId": s.gid("Agency", s.world.agency.id),
        "startedAt": "2024-04-01T09:00:00+08:00",
        "completedAt": "2024-04-01T16:00:00+08:00",
        "staffIds": [s.gid("StaffMember", s.world.staff.id)],
        "hazards": [
            {
                "description": "储罐区可燃气体报警器失效",
                "isMajor": True,
                "foundAt": "2024-04-01T10:00:00+08:00",
                "toldAt": "2024-04-01T10:30:00+08:00",
            }
        ],
    }


def follow_up(s: Scene) -> Input:
    return {
        "serviceRecordId": s.gid("ServiceRecord", s.completed.id),
        "method": "PHONE",
        "visitedAt": "2024-03-04T10:00:00+08:00",
        "satisfaction": 5,
        "comments": "专家讲解清楚",
    }


def decision(s: Scene) -> Input:
    return {
        "serviceRecordId": s.gid("ServiceRecord", s.completed.id),
        "unitId": s.unit_id,
        "decision": "CONFIRMED",
        "decidedAt": "2024-03-05T10:00:00+08:00",
    }


def complaint(s: Scene) -> Input:
    return {
        "insurerId": s.insurer_id,
        "unitId": s.unit_id,
        "filedAt": "2024-03-10T09:00:00+08:00",
        "request": "服务报告未及时送达",
        "serviceRecordId": s.gid("ServiceRecord", s.completed.id),
    }


def answer(s: Scene) -> Input:
    return {
        "complaintId": s.gid("Complaint", s.complaint.id),
        "answeredAt": "2024-03-08T15:00:00+08:00",
        "answerRequest": "要求按约定时间上门服务",
        "answerFacts": "经核实，服务人员因交通原因迟到两小时",
        "answerMeasures": "调整排班，提前一天电话确认",
    }


def ledger(s: Scene) -> Input:
    return {
        "insurerId": s.insurer_id,
        "unitId": s.unit_id,
        "policyId": s.gid("InsurancePolicy", s.policy.id),
        "kind": "EXPENDITURE",
        "amount": "2400.50",
        "occurredOn": "2024-03-05",
        "purpose": "隐患排查专家劳务费",
        "serviceRecordId": s.gid("ServiceRecord", s.completed.id),
        "counterparty": "深圳安全技术咨询有限公司",
    }


def agency_contract(s: Scene) -> Input:
    """R-7.4-archive: the scene's insurer hires the scene's agency for its 2024 policy."""
    return {
        "insurerId": s.insurer_id,
        "agencyId": s.gid("Agency", s.world.agency.id),
        "unitId": s.unit_id,
        "policyId": s.gid("InsurancePolicy", s.policy.id),
        "signedOn": "2023-12-20",
        "validFrom": "2024-01-01",
        "validTo": "2024-12-31",
        "scopeOfServices": "隐患排查、安全培训",
        "documentRef": "HT-2024-0017",
        "documentSha256": "AB" * 32,
    }


SECTIONS: Input = {
    "schemeImplementation": "全年完成隐患排查212家次",
    "unitSatisfaction": "回访满意度4.6分",
    "feeExpenditure": "计提1,200万元，支出1,050万元",
    "staffCompetence": "专家42名",
    "complaintsHandling": "收到投诉3件，均按期答复",
    "problemsAndMeasures": "偏远地区服务频次不足，增设服务站",
}


def evaluation(s: Scene) -> Input:
    return {"insurerId": s.insurer_id, "year": 2025, "method": "SELF", **SECTIONS}


def revision(s: Scene) -> Input:
    return {
        "supersedesId": s.gid("AnnualEvaluation", s.draft.id),
        "method": "SELF",
        **SECTIONS,
        "satisfactionRate": "0.9600",
    }


def measure(s: Scene) -> Input:
    return {
        "insurerId": s.insurer_id,
        "source": "COMPLAINT",
        "complaintId": s.gid("Complaint", s.complaint.id),
        "problem": "服务人员未按约定时间到场",
        "measure": "调整排班，提前一天电话确认",
        "dueOn": "2024-06-30",
    }
