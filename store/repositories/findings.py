"""Compliance findings (合规发现, issue 6 item 3): one statement per page, a UNION ALL of one
select per rule (``findings_*.py``), each reading its subject under the caller's read scope on
the subject's table, so a finding about a row the caller cannot read does not exist for them;
a rule whose tables the caller may not read at all gives that caller no findings.

Rows come in keyset order (event instant, rule, subject id; or, for a work queue, the due
instant with NULLs last, rule, subject id): no OFFSET, page n costs page 1.
The working-day deadlines join the statistics' due calendar (``stats/calendar.py``); the
others compare instants worked out from days (China keeps UTC+8 all year).
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    Subquery,
    and_,
    bindparam,
    false,
    func,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from store.base import UTCDateTime
from store.repositories.base import EVERYTHING, RowScope
from store.repositories.findings_agencies import agency_scheme_rule, agency_work_rule
from store.repositories.findings_archive import archive_rule
from store.repositories.findings_contracts import annual_rule, contract_rule, ledger_rule
from store.repositories.findings_deadlines import complaint_rule, service_rule
from store.repositories.findings_records import major_hazard_rule, scheme_rule
from store.repositories.findings_spec import (
    RULE_ORDER,
    DueKey,
    FindingKey,
    FindingOrder,
    FindingPage,
    FindingQuery,
    FindingRow,
    FindingRule,
    FindingState,
    RuleParameters,
)
from store.repositories.findings_sql import SOON, label, readable, row
from store.repositories.findings_yearly import (
    evaluation_rule,
    publication_rule,
    staff_rule,
    years_of,
)
from store.repositories.stats.calendar import calendar_rows
from store.repositories.stats.deadlines import TODAY, day_start

__all__ = [
    "RULE_ORDER",
    "SOON",
    "DueKey",
    "FindingKey",
    "FindingOrder",
    "FindingPage",
    "FindingQuery",
    "FindingRepository",
    "FindingRow",
    "FindingRule",
    "FindingState",
    "RuleParameters",
    "Tally",
    "finding_rows",
    "findings_statement",
]


@dataclass(frozen=True, slots=True)
class Sources:
    """Row sources a statement builds once and its rules share."""

    cal: Subquery  # the working-day calendar
    years: Any  # the years of the yearly rules


Build = Callable[[FindingQuery, RowScope, Sources], Select[Any]]

# Per rule: the tables it reads (the caller must be allowed to read each) and its select.
RULES: dict[FindingRule, tuple[tuple[str, ...], Build]] = {
    FindingRule.FOLLOWUP: (
        ("service_record", "follow_up"),
        lambda q, s, src: service_rule(FindingRule.FOLLOWUP, q, s, src.cal),
    ),
    FindingRule.ARCHIVE: (
        ("service_record",),
        lambda q, s, src: service_rule(FindingRule.ARCHIVE, q, s, src.cal),
    ),
    FindingRule.COMPLAINT: (("complaint",), lambda q, s, src: complaint_rule(q, s, src.cal)),
    FindingRule.ANNUAL: (
        ("insurance_policy", "service_record"),
        lambda q, s, _: annual_rule(q, s),
    ),
    FindingRule.CONTRACT: (
        ("policy_service_item", "service_record"),
        lambda q, s, _: contract_rule(q, s),
    ),
    FindingRule.SCHEME: (
        ("service_record", "service_scheme"),
        lambda q, s, _: scheme_rule(q, s),
    ),
    FindingRule.MAJOR_HAZARD: (("hazard",), lambda q, s, _: major_hazard_rule(q, s)),
    FindingRule.STAFF: (
        ("staff_member", "staff_training"),
        lambda q, s, src: staff_rule(q, s, src.years),
    ),
    FindingRule.LEDGER: (
        ("insurance_policy", "fee_ledger_entry"),
        lambda q, s, _: ledger_rule(q, s),
    ),
    FindingRule.UNIT_ARCHIVE: (
        (
            "insurance_policy",
            "service_scheme",
            "service_record",
            "fee_ledger_entry",
            "complaint",
            "agency_contract",
        ),
        lambda q, s, _: archive_rule(q, s),
    ),
    FindingRule.EVALUATION: (
        ("insurer", "insurance_policy", "annual_evaluation"),
        lambda q, s, src: evaluation_rule(q, s, src.years),
    ),
    FindingRule.PUBLICATION: (
        ("insurer", "insurance_policy", "annual_evaluation"),
        lambda q, s, src: publication_rule(q, s, src.years),
    ),
    FindingRule.AGENCY_WORK: (("service_record",), lambda q, s, _: agency_work_rule(q, s)),
    FindingRule.AGENCY_SCHEME: (("service_scheme",), lambda q, s, _: agency_scheme_rule(q, s)),
}


def _nothing() -> Select[Any]:
    """The row of every rule, and no rows: for a caller who may read none of the rules."""
    return select(
        *row(
            FindingRule.FOLLOWUP,
            subject_id=bindparam("no_subject", 0, type_=Integer()),
            insurer_id=bindparam("no_insurer", 0, type_=Integer()),
            unit_id=None,
            event_at=bindparam("no_event", datetime(1970, 1, 1, tzinfo=UTC), UTCDateTime()),
            done_at=None,
            due_ends=None,
            state=label(FindingState.UNKNOWN),
        )
    ).where(false())


def _parts(query: FindingQuery, scope: RowScope, dialect: str) -> list[Select[Any]]:
    sources = Sources(cal=calendar_rows(query.calendar, dialect), years=years_of(query))
    parts = [
        build(query, scope, sources)
        for rule in query.rules
        for tables, build in [RULES[rule]]
        if readable(scope, *tables)
    ]
    return parts or [_nothing()]


def finding_rows(query: FindingQuery, scope: RowScope, dialect: str) -> Subquery:
    """Every finding of the query's rules inside ``scope``, unordered and unfiltered."""
    parts = _parts(query, scope, dialect)
    return (parts[0] if len(parts) == 1 else union_all(*parts)).subquery("finding_rows")


def _sort_column(r: Any, query: FindingQuery) -> Any:
    return r.due_ends if query.order is FindingOrder.DUE else r.event_at


def _order_by(r: Any, query: FindingQuery) -> list[Any]:
    """The keyset order: the sort instant (NULLs last, both directions, as the graph's
    connections do), then rule, then subject, all in the query's direction."""
    first = _sort_column(r, query)
    if query.descending:
        return [first.desc().nulls_last(), r.rule.desc(), r.subject_id.desc()]
    return [first.asc().nulls_last(), r.rule, r.subject_id]


def _after_key(r: Any, query: FindingQuery) -> ColumnElement[bool] | None:
    """Rows strictly after the cursor's key in the query's order."""
    after = query.after
    if after is None:
        return None
    at_value = after.due_ends if isinstance(after, DueKey) else after.event_at
    beyond = operator.lt if query.descending else operator.gt
    rank = bindparam("after_rule", after.rule.rank, type_=Integer())
    key = bindparam("after_id", after.subject_id, type_=Integer())
    ties = or_(beyond(r.rule, rank), and_(r.rule == rank, beyond(r.subject_id, key)))
    column = _sort_column(r, query)
    if at_value is None:  # inside the trailing block of findings with no due instant
        return and_(column.is_(None), ties)
    at = bindparam("after_at", at_value, type_=UTCDateTime())
    later = or_(beyond(column, at), and_(column == at, ties))
    # Only a due instant may be NULL; the start order keeps its index-friendly condition.
    return or_(later, column.is_(None)) if query.order is FindingOrder.DUE else later


def _page_of(part: Select[Any], query: FindingQuery, index: int) -> Select[Any]:
    """One rule's page: its rows after the cursor, in the state filter, the first
    ``limit + 1`` in keyset order. Each rule sorts only its own rows and the database
    may work out the costly columns (a first visit, a count of services) for the rows it
    keeps alone; the page is then the first of at most rules × (limit + 1) rows."""
    rows = part.subquery(f"rule_{index}")
    r = rows.c
    stmt = select(*r)
    if query.states:
        stmt = stmt.where(r.state.in_([s.value for s in query.states]))
    after = _after_key(r, query)
    if after is not None:
        stmt = stmt.where(after)
    page = stmt.order_by(*_order_by(r, query)).limit(query.limit + 1)
    # A member of a UNION may carry no ORDER BY / LIMIT of its own in SQLite: wrapped.
    return select(*page.subquery(f"page_{index}").c)


def findings_statement(query: FindingQuery, scope: RowScope, dialect: str) -> Select[Any]:
    parts = [_page_of(p, query, i) for i, p in enumerate(_parts(query, scope, dialect))]
    rows = (parts[0] if len(parts) == 1 else union_all(*parts)).subquery("finding_rows")
    r = rows.c
    return select(*r).order_by(*_order_by(r, query)).limit(query.limit + 1)


def _codes(text: str | None) -> tuple[str, ...]:
    return tuple(code for code in (text or "").split(",") if code)


def _number(value: Any) -> int | None:
    return None if value is None else int(value)


@dataclass(frozen=True, slots=True)
class Tally:
    """How many findings of one rule about one insurer are in one state."""

    insurer_id: int
    rule: FindingRule
    state: FindingState
    count: int


class FindingRepository:
    """Findings in SQL only, every subject read through ``scope.where`` of its table."""

    def __init__(self, session: AsyncSession, scope: RowScope = EVERYTHING) -> None:
        self.session = session
        self.scope = scope

    async def page(self, query: FindingQuery) -> FindingPage:
        dialect = self.session.get_bind().dialect.name
        statement = findings_statement(query, self.scope, dialect)
        result = await self.session.execute(
            statement, {TODAY: day_start(query.today), SOON: day_start(query.soon_day)}
        )
        rows = [
            FindingRow(
                rule=FindingRule.of_rank(int(row.rule)),
                subject_id=row.subject_id,
                insurer_id=row.insurer_id,
                unit_id=row.unit_id,
                event_at=row.event_at,
                done_at=row.done_at,
                due_ends=row.due_ends,
                needs_verification=bool(row.verify),
                state=FindingState(row.state),
                measured=_number(row.measured),
                required=_number(row.required),
                flagged=_number(row.flagged),
                missing=_codes(row.missing),
                unverifiable=_codes(row.unverifiable),
            )
            for row in result
        ]
        return FindingPage(rows=tuple(rows[: query.limit]), more=len(rows) > query.limit)

    async def tally(self, query: FindingQuery) -> tuple[Tally, ...]:
        """Findings counted by insurer, rule and state (the keyset and limit unused): one
        statement, every finding worked out in the database and none sent."""
        dialect = self.session.get_bind().dialect.name
        r = finding_rows(query, self.scope, dialect).c
        statement = (
            select(r.insurer_id, r.rule, r.state, func.count())
            .group_by(r.insurer_id, r.rule, r.state)
            .order_by(r.insurer_id, r.rule, r.state)
        )
        result = await self.session.execute(
            statement, {TODAY: day_start(query.today), SOON: day_start(query.soon_day)}
        )
        return tuple(
            Tally(insurer, FindingRule.of_rank(int(rule)), FindingState(state), int(n))
            for insurer, rule, state, n in result
        )
