"""The named read operations: the GraphQL request the gateway gets, and the arguments the
physical limit (``bench/limit_app.py``) gets for the same answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC
from typing import Any

import asyncpg

REGION = "440000"  # 广东省: the region the pages filter on
# The reader's scope (demo-regulator-gd's role binding): the gateway applies it to every
# read, so the limit's SQL for the reads carries the same condition.
JURISDICTION = "440000"
# A service record of the bench data set inside the reader's jurisdiction (440513, Shantou):
# since reads carry the regulator's scope, the first results' 600,000 (Guizhou) reads as null.
POINT_ID = 600_271
# The deep keyset page: the cursor of this row (1-based) of the Guangdong list. Guangdong
# holds 52,192 records of which 48,667 are completed (bench seed 1): there is no row 99,900,
# and from row 48,668 on the sort key is NULL. So the deepest full page with a timestamp
# cursor is asked for: rows 48,501-48,600 (page 486 of 100).
DEEP_ROW = 48_500
STATS_FROM, STATS_TO = "2025-01-01", "2026-01-01"

_RECORD_PAGE = """
query RegulatorPage($first: Int!, $after: String, $region: String!) {
  serviceRecords(first: $first, after: $after, filter: {region: $region},
                 orderBy: {field: COMPLETED_AT, direction: DESC}) {
    edges {
      cursor
      node {
        id category status plannedOn completedAt place
        unit { id name creditCode region { code name } }
        insurer { id name }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
"""

_POINT = """
query PointLookup($id: ID!) {
  serviceRecord(id: $id) {
    id category status plannedOn startedAt completedAt place responsibleParty content createdAt
    unit { id creditCode name }
    insurer { id code name }
  }
}
"""

_STATS_SELECTION = """
    groupBy regionLevel rulesVersion asOf
    groups {
      region { code name level } industry { code name } insurer { id name }
      unitsCovered
      services { delivered byCategory { category count } }
      satisfaction { responses scoreSum average distribution { score count } }
      followUp { ...Deadline }
      archive { confirmed disputed unconfirmed confirmedRate { ...Rate } organised { ...Deadline } }
      complaints {
        filed answered answeredRate { ...Rate } needingVerification
        answer { ...Deadline } verifiedAnswer { ...Deadline }
      }
      fees { income expenditure balance }
      majorHazards { found told untold toldRate { ...Rate } }
    }
"""

_STATS_FRAGMENTS = """
fragment Deadline on StatsDeadline {
  rule workingDays onTime late overdue pending unknownDeadline onTimeRate { ...Rate }
}
fragment Rate on StatsRate { numerator denominator ratio }
"""

_STATS_REGION_INDUSTRY = (
    """
query ProvinceByIndustry($from: Date!, $to: Date!) {
  stats(groupBy: [REGION, INDUSTRY], regionLevel: PROVINCE, filter: {from: $from, to: $to}) {"""
    + _STATS_SELECTION
    + "  }\n}\n"
    + _STATS_FRAGMENTS
)

_STATS_INSURER_LEAGUE = (
    """
query InsurerLeague($region: String!) {
  stats(groupBy: [INSURER], filter: {region: $region}) {"""
    + _STATS_SELECTION
    + "  }\n}\n"
    + _STATS_FRAGMENTS
)


@dataclass(frozen=True, slots=True)
class Operation:
    name: str
    title: str
    query: str
    variables: dict[str, Any]
    limit_body: dict[str, Any]  # what bench/limit_app.py receives
    slow: bool = False  # seconds per request: measured by request count, not by duration
    one_statement_goal: bool = False  # a page that follows only to-one relations
    goal: float | None = None  # the ratio goal (gateway latency / limit latency)

    def graphql_body(self) -> dict[str, Any]:
        return {"query": self.query, "variables": self.variables}


async def deep_cursor(database_url: str) -> str:
    """The gateway's cursor of row DEEP_ROW of the Guangdong list, computed by SQL (the same
    text the compiled read builds: ``completed_at:desc|<UTC ISO instant>|<id>``)."""
    conn = await asyncpg.connect(database_url.replace("+asyncpg", ""))
    try:
        row = await conn.fetchrow(
            """
            SELECT s.id, s.completed_at FROM service_record s
            WHERE s.unit_id IN (SELECT u.id FROM insured_unit u
                                JOIN region_ancestor ra ON ra.region_code = u.region_code
                                WHERE ra.ancestor_code = $1)
            ORDER BY s.completed_at DESC NULLS LAST, s.id DESC
            OFFSET $2 LIMIT 1
            """,
            REGION,
            DEEP_ROW - 1,
        )
    finally:
        await conn.close()
    assert row is not None and row["completed_at"] is not None, "no timestamp at the deep row"
    instant = row["completed_at"].astimezone(UTC).isoformat()
    return f"completed_at:desc|{instant}|{row['id']}"


def operations(cursor: str) -> list[Operation]:
    page = {"region": REGION, "jurisdiction": JURISDICTION}
    return [
        Operation(
            "point",
            "(1) point lookup: a service record with its unit and insurer",
            _POINT,
            {"id": f"ServiceRecord:{POINT_ID}"},
            {"id": POINT_ID, "jurisdiction": JURISDICTION},
            goal=2.0,
        ),
        Operation(
            "page100",
            "(2) regulator page, 100 rows, Guangdong, newest completion first",
            _RECORD_PAGE,
            {"first": 100, "region": REGION},
            {**page, "first": 100},
            one_statement_goal=True,
            goal=2.5,
        ),
        Operation(
            "page1000",
            "(3) the same page at 1,000 rows",
            _RECORD_PAGE,
            {"first": 1000, "region": REGION},
            {**page, "first": 1000},
            one_statement_goal=True,
            goal=3.0,
        ),
        Operation(
            "page_deep",
            f"(4) a deep keyset page: 100 rows after row {DEEP_ROW:,} (page 486)",
            _RECORD_PAGE,
            {"first": 100, "after": cursor, "region": REGION},
            {**page, "first": 100, "after": cursor},
            one_statement_goal=True,
            goal=2.5,
        ),
        Operation(
            "stats_region_industry",
            "(5) stats: province x industry, 2025",
            _STATS_REGION_INDUSTRY,
            {"from": STATS_FROM, "to": STATS_TO},
            {"from": STATS_FROM, "to": STATS_TO, "jurisdiction": JURISDICTION},
            slow=True,
            goal=1.15,
        ),
        Operation(
            "stats_insurer_league",
            "(6) stats: insurer league table inside Guangdong (all time)",
            _STATS_INSURER_LEAGUE,
            {"region": REGION},
            {"region": REGION, "jurisdiction": JURISDICTION},
            slow=True,
            goal=1.15,
        ),
    ]
