"""Search documents: a pure ``to_document()`` per searchable type (EXAMPLES #13).

A document holds searchable text (no personal or secret column: the sources never read one,
store/repositories/search_source.py), the keyword *access fields* the scope compiler filters
on (policies/search_filter.py: ``region_ancestors``, ``industry_code``, ``insurer_ids``,
``unit_id``, ``agency_ids``, ``status``) and the facet fields. Keyword values are strings in
both backends, so a term filter means the same thing in each. The document id is the record's
id, so a replay of the outbox overwrites instead of duplicating.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta, timezone
from typing import Any

from store.enums import ServiceCategory
from store.repositories.search_source import (
    ComplaintSource,
    EvaluationSource,
    SchemeSource,
    ServiceRecordSource,
    Source,
    UnitFacts,
    UnitSource,
)

Document = dict[str, Any]

# The searchable types, named as their tables (= the policy's resources).
DOC_TYPES: tuple[str, ...] = (
    "service_record",
    "complaint",
    "service_scheme",
    "annual_evaluation",
    "insured_unit",
)

# Text fields with their boosts (the query builders of both backends use these).
TEXT_FIELDS: dict[str, float] = {
    "title": 3.0,
    "body": 1.0,
    "answer": 1.0,
    "hazards": 2.0,  # 隐患: what regulators search most
    "follow_ups": 1.0,
    "items": 1.0,
}
# Text from child rows the policy names separately: searchable under the child's own scope.
CHILD_FIELDS: dict[str, str] = {
    "hazards": "hazard",
    "follow_ups": "follow_up",
    "items": "scheme_item",
}
# Per type: the text fields of the row itself, and those of its children (CHILD_FIELDS).
OWN_FIELDS: dict[str, tuple[str, ...]] = {
    "service_record": ("title", "body"),
    "complaint": ("title", "body", "answer"),
    "service_scheme": ("title", "body"),
    "annual_evaluation": ("title", "body"),
    "insured_unit": ("title", "body"),
}
CHILD_GROUPS: dict[str, tuple[str, ...]] = {
    "service_record": ("hazards", "follow_ups"),
    "service_scheme": ("items",),
}
KEYWORD_FIELDS: tuple[str, ...] = (
    "doc_key",
    "type",
    "id",
    "region_code",
    "region_l1",
    "region_l2",
    "region_l3",
    "region_ancestors",
    "industry_code",
    "insurer_ids",
    "unit_id",
    "unit_credit_code",
    "agency_ids",
    "status",
    "categories",
)
INTEGER_FIELDS: tuple[str, ...] = ("year",)

# Calendar years are Beijing time (UTC+8): a service completed at 2024-12-31T20:00Z is 2025's.
_CHINA = timezone(timedelta(hours=8))
_LEVELS = {"province": "region_l1", "city": "region_l2", "county": "region_l3"}


def _year(moment: datetime | None) -> int | None:
    return None if moment is None else moment.astimezone(_CHINA).year


def _join(parts: Iterable[str | None]) -> str:
    return "\n".join(p for p in parts if p)


def _ids(values: Iterable[int]) -> list[str]:
    return [str(v) for v in values]


def _label(category: str) -> str:
    return ServiceCategory(category).label_zh


def _base(doc_type: str, key: int, title: str) -> Document:
    return {"doc_key": f"{doc_type}:{key}", "type": doc_type, "id": str(key), "title": title}


def _unit_fields(unit: UnitFacts) -> Document:
    fields: Document = {
        "region_code": unit.region_code,
        "region_ancestors": [step.code for step in unit.region_path],
        "industry_code": unit.industry_code,
        "unit_id": str(unit.id),
        "unit_credit_code": unit.credit_code,
    }
    for step in unit.region_path:
        fields[_LEVELS[step.level]] = step.code
    return fields


def service_record_document(source: ServiceRecordSource) -> Document:
    label = _label(source.category)
    return {
        **_base("service_record", source.id, f"{label} · {source.place}"),
        "body": _join((source.unit.name, source.content, source.process)),
        "hazards": _join(
            f"{'重大事故隐患：' if h.is_major else ''}{h.description}" for h in source.hazards
        ),
        "follow_ups": _join(source.follow_up_comments),
        **_unit_fields(source.unit),
        "insurer_ids": _ids((source.insurer_id,)),
        "agency_ids": _ids(source.agency_ids),
        "status": source.status,
        "year": _year(source.completed_at) or source.planned_on.year,
        "categories": [source.category],
    }


def complaint_document(source: ComplaintSource) -> Document:
    return {
        **_base("complaint", source.id, f"投诉：{source.request[:40]}"),
        "body": _join((source.unit.name, source.request)),
        "answer": _join((source.answer_request, source.answer_facts, source.answer_measures)),
        **_unit_fields(source.unit),
        "insurer_ids": _ids((source.insurer_id,)),
        "status": source.status,
        "year": _year(source.filed_at),
    }


def service_scheme_document(source: SchemeSource) -> Document:
    return {
        **_base("service_scheme", source.id, f"服务方案 v{source.version} · {source.unit.name}"),
        "body": _join(
            (
                source.time_limits,
                source.expected_effect,
                source.guarantees,
                source.liability_terms,
                source.complaint_arbitration,
            )
        ),
        "items": _join(f"{_label(c)}：{d}" if d else _label(c) for c, d in source.items),
        **_unit_fields(source.unit),
        "insurer_ids": _ids((source.insurer_id,)),
        "year": _year(source.agreed_at),
        "categories": sorted({c for c, _ in source.items}),
    }


def annual_evaluation_document(source: EvaluationSource) -> Document:
    return {
        **_base(
            "annual_evaluation",
            source.id,
            f"{source.insurer_name} {source.year} 年度评估报告（第 {source.version} 版）",
        ),
        "body": _join((source.evaluator, *source.sections)),
        "insurer_ids": _ids((source.insurer_id,)),
        "status": source.status,
        "year": source.year,
    }


def insured_unit_document(source: UnitSource) -> Document:
    unit = source.unit
    places = " ".join(step.name for step in unit.region_path)
    return {
        **_base("insured_unit", unit.id, unit.name),
        "body": _join((unit.industry_name, places, source.address)),
        **_unit_fields(unit),
        "insurer_ids": _ids(source.insurer_ids),
        "agency_ids": _ids(source.agency_ids),
    }


_BUILDERS: dict[type[Any], Callable[[Any], Document]] = {
    ServiceRecordSource: service_record_document,
    ComplaintSource: complaint_document,
    SchemeSource: service_scheme_document,
    EvaluationSource: annual_evaluation_document,
    UnitSource: insured_unit_document,
}


def to_document(source: Source) -> Document:
    """The document of one source row; empty text fields are left out."""
    document = _BUILDERS[type(source)](source)
    return {k: v for k, v in document.items() if v not in (None, "", [])}
