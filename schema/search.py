"""Full-text search types (全文检索). The hit type lives in resolvers/search.py: its ``node``
field is bound to the compiled read path."""

from __future__ import annotations

from enum import Enum

import strawberry

from schema.vocabulary import ServiceCategory


@strawberry.enum(description="可检索的记录类型 / searchable record types")
class SearchType(Enum):
    SERVICE_RECORD = "service_record"
    COMPLAINT = "complaint"
    SERVICE_SCHEME = "service_scheme"
    ANNUAL_EVALUATION = "annual_evaluation"
    INSURED_UNIT = "insured_unit"


# The GraphQL type each searchable type is read as (global ids "Type:key").
GRAPHQL_TYPES: dict[str, str] = {
    "service_record": "ServiceRecord",
    "complaint": "Complaint",
    "service_scheme": "ServiceScheme",
    "annual_evaluation": "AnnualEvaluation",
    "insured_unit": "InsuredUnit",
}


@strawberry.input(description="检索筛选条件 / search filters (all must hold)")
class SearchFilter:
    region: str | None = strawberry.field(
        default=None,
        description="行政区划代码，含其下级 / a GB/T 2260 code and every region below it",
    )
    insurer: strawberry.ID | None = strawberry.field(
        default=None, description="保险机构全局 ID / an insurer's global id (Insurer:<key>)"
    )
    year: int | None = strawberry.field(
        default=None, description="年份（北京时间）/ calendar year (Beijing time)"
    )
    category: ServiceCategory | None = strawberry.field(
        default=None, description="服务内容类别 / service category (5.1 a–f)"
    )


@strawberry.type(description="命中片段 / a highlighted snippet of a hit")
class SearchSnippet:
    field: str = strawberry.field(
        description="字段：title、body、answer、hazards、followUps、items / the field it is from"
    )
    text: str = strawberry.field(
        description="HTML 转义的文本，命中词以 <em> 标出 / HTML-escaped text, matches in <em>"
    )


@strawberry.type(description="分面计数 / one facet value with its count of hits")
class SearchFacetBucket:
    value: str = strawberry.field(description="取值 / the value (a code or an id)")
    label: str | None = strawberry.field(description="名称 / its name, where it has one")
    count: int = strawberry.field(description="命中数 / hits with this value")


@strawberry.type(description="检索分面（均在可见范围内）/ facets, counted within the scope")
class SearchFacets:
    type: list[SearchFacetBucket] = strawberry.field(description="记录类型 / record type")
    region: list[SearchFacetBucket] = strawberry.field(
        description="行政区划（筛选区划的下一级，缺省为省级）/ region one level below the "
        "filter's region (provinces without one)"
    )
    insurer: list[SearchFacetBucket] = strawberry.field(
        description="保险机构（值为 Insurer 全局 ID）/ insurer (values are Insurer global ids)"
    )
    year: list[SearchFacetBucket] = strawberry.field(description="年份 / year")
    category: list[SearchFacetBucket] = strawberry.field(description="服务内容类别 / category")
