"""NDJSON lines for bulk uploads, as an insurer's system would write them (global ids,
GraphQL names, ISO 8601 with offsets, money as decimal strings)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from store.models.insurance_policy import InsurancePolicy
from store.models.service_record import ServiceRecord
from tests.factories.world import World

# 2024-03-01 in Shenzhen: the same instants as tests.factories.service_record.
STARTED = "2024-03-01T09:00:00+08:00"
FOUND = "2024-03-01T10:00:00+08:00"
TOLD = "2024-03-01T10:30:00+08:00"
COMPLETED = "2024-03-01T16:00:00+08:00"


def record_line(world: World, policy: InsurancePolicy, **overrides: Any) -> dict[str, Any]:
    """A completed hazard investigation with one major hazard (told) and one expert."""
    line: dict[str, Any] = {
        "insurerId": f"Insurer:{policy.insurer_id}",
        "unitId": f"InsuredUnit:{policy.unit_id}",
        "policyId": f"InsurancePolicy:{policy.id}",
        "category": "HAZARD_INVESTIGATION",
        "plannedOn": "2024-03-01",
        "place": "深圳市南山区科技园厂区",
        "content": "储罐区、装卸区隐患排查",
        "responsibleParty": "INSURER",
        "agencyId": f"Agency:{world.agency.id}",
        "startedAt": STARTED,
        "completedAt": COMPLETED,
        "staffIds": [f"StaffMember:{world.staff.id}"],
        "hazards": [
            {
                "description": "储罐区可燃气体报警器失效",
                "isMajor": True,
                "foundAt": FOUND,
                "toldAt": TOLD,
            }
        ],
    }
    line.update(overrides)
    return line


def follow_up_line(record: ServiceRecord, **overrides: Any) -> dict[str, Any]:
    line: dict[str, Any] = {
        "serviceRecordId": f"ServiceRecord:{record.id}",
        "method": "PHONE",
        "visitedAt": "2024-03-04T10:00:00+08:00",
        "satisfaction": 4,
        "comments": "报告清楚，希望增加培训",
    }
    line.update(overrides)
    return line


def ledger_line(policy: InsurancePolicy, **overrides: Any) -> dict[str, Any]:
    line: dict[str, Any] = {
        "insurerId": f"Insurer:{policy.insurer_id}",
        "unitId": f"InsuredUnit:{policy.unit_id}",
        "policyId": f"InsurancePolicy:{policy.id}",
        "kind": "ALLOCATION",
        "amount": "10000.00",
        "occurredOn": "2024-01-15",
        "purpose": "按保费20%计提事故预防服务费",
    }
    line.update(overrides)
    return line


def ndjson(lines: Iterable[dict[str, Any] | str]) -> bytes:
    """One line per item: dicts as compact JSON, strings as they are (for broken lines)."""
    return b"".join(
        (item if isinstance(item, str) else json.dumps(item, ensure_ascii=False)).encode() + b"\n"
        for item in lines
    )
