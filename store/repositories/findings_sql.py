"""SQL pieces every findings rule shares: the row every rule's select gives (the same columns
in the same order, so the rules form one UNION ALL), the states as CASE expressions, and day
arithmetic that reads the same on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Date,
    Integer,
    String,
    Text,
    and_,
    bindparam,
    case,
    cast,
    column,
    false,
    literal_column,
    null,
    or_,
    select,
    values,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeEngine

from store.base import IdType, UTCDateTime
from store.models.insured_unit import InsuredUnit
from store.repositories.base import EVERYTHING, RowScope
from store.repositories.findings_spec import FindingQuery, FindingRule, FindingState
from store.repositories.stats.deadlines import day_start, today
from store.repositories.stats.sql import CHINA_OFFSET_SECONDS, SECONDS_PER_DAY, number
from store.repositories.stats.units import in_jurisdiction

SOON = "findings_soon"  # the instant the due-soon window ends, bound at execution
COLUMNS = (
    "rule",
    "subject_id",
    "insurer_id",
    "unit_id",
    "event_at",
    "done_at",
    "due_ends",
    "verify",
    "measured",
    "required",
    "flagged",
    "missing",
    "unverifiable",
    "state",
)


def readable(scope: RowScope, *tables: str) -> bool:
    """Whether the caller may read every table a rule reads at all. A rule whose facts the
    caller cannot see gives that caller no findings, rather than findings that call missing
    what is only hidden (an agency reads no schemes; a unit reads no staff or evaluations)."""
    allows: Callable[[str], bool] | None = getattr(scope, "allows", None)
    return scope is EVERYTHING or allows is None or all(allows(t) for t in tables)


def label(state: FindingState) -> ColumnElement[str]:
    # A constant of the statement's own making, as SQL text: no bind for PostgreSQL to type.
    return literal_column(f"'{state.value}'", String())


def soon() -> ColumnElement[Any]:
    return bindparam(SOON, type_=UTCDateTime())


def deadline_state(done_at: Any, due_ends: Any) -> ColumnElement[str]:
    """Done by a due instant: the conditions of ``stats/deadlines.py`` plus due soon; the first
    that holds wins. No due instant: the calendar cannot tell."""
    return case(
        (due_ends.is_(None), label(FindingState.UNKNOWN)),
        (done_at < due_ends, label(FindingState.MET)),
        (done_at.is_not(None), label(FindingState.LATE)),
        (due_ends <= today(), label(FindingState.OVERDUE)),
        (due_ends <= soon(), label(FindingState.DUE_SOON)),
        else_=label(FindingState.PENDING),
    )


def reached_state(reached: ColumnElement[bool], due_ends: Any) -> ColumnElement[str]:
    """A quantity to reach by a due instant (services in a policy year, trainings in a year,
    fees spent): met once reached, else overdue, due soon or pending by the due instant."""
    return case(
        (reached, label(FindingState.MET)),
        (due_ends <= today(), label(FindingState.OVERDUE)),
        (due_ends <= soon(), label(FindingState.DUE_SOON)),
        else_=label(FindingState.PENDING),
    )


def reachable(query: FindingQuery, due_ends: Any) -> list[ColumnElement[bool]]:
    """For a rule stated by ``reached_state``: a condition on its due instant alone that keeps
    every row whose state may be one the filter asks for, so that the rows that cannot be
    (an OVERDUE list needs a due instant before today) go before the facts are grouped and
    joined. Without MET asked for, the state is decided by the due instant; the condition
    repeats ``reached_state``'s and the outer state filter still applies to what is kept."""
    states = set(query.states)
    if not states or FindingState.MET in states:
        return []
    ranges: list[ColumnElement[bool]] = []
    if FindingState.OVERDUE in states:
        ranges.append(due_ends <= today())
    if FindingState.DUE_SOON in states:
        ranges.append(and_(due_ends > today(), due_ends <= soon()))
    if FindingState.PENDING in states:  # a NULL due instant falls through to PENDING
        ranges.append(or_(due_ends > soon(), due_ends.is_(None)))
    return [or_(*ranges)] if ranges else [false()]  # only LATE / UNKNOWN: never from this rule


class day_of(FunctionElement[int]):
    """A calendar day (DATE) as days since 1970-01-01, like ``stats.sql.day_number``."""

    type = Integer()
    name = "findings_day_of"
    inherit_cache = True


@compiles(day_of, "postgresql")
def _day_of_postgresql(element: day_of, compiler: SQLCompiler, **kw: Any) -> str:
    return f"(CAST({compiler.process(element.clauses, **kw)} AS DATE) - DATE '1970-01-01')"


@compiles(day_of, "sqlite")
def _day_of_sqlite(element: day_of, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(julianday({compiler.process(element.clauses, **kw)}) - 2440587.5 AS INTEGER)"


class day_begins(FunctionElement[Any]):
    """The instant day number N (days since 1970-01-01) begins in China, in UTC: China keeps
    UTC+8 all year, so this is arithmetic, the same as the working-day calendar's."""

    type = UTCDateTime()
    name = "findings_day_begins"
    inherit_cache = True


@compiles(day_begins, "postgresql")
def _day_begins_postgresql(element: day_begins, compiler: SQLCompiler, **kw: Any) -> str:
    n = compiler.process(element.clauses, **kw)
    return f"to_timestamp(CAST({n} AS BIGINT) * {SECONDS_PER_DAY} - {CHINA_OFFSET_SECONDS})"


@compiles(day_begins, "sqlite")
def _day_begins_sqlite(element: day_begins, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite keeps instants as UTC text 'YYYY-MM-DD HH:MM:SS.ffffff'.
    n = compiler.process(element.clauses, **kw)
    return (
        f"(datetime(({n}) * {SECONDS_PER_DAY} - {CHINA_OFFSET_SECONDS}, 'unixepoch') || '.000000')"
    )


def begins(day: Any, plus_days: int = 0) -> ColumnElement[Any]:
    """The instant a DATE column's day (plus some days) begins in China."""
    n: ColumnElement[int] = day_of(day)
    return day_begins(n + number(plus_days) if plus_days else n)


YEAR_COLUMNS: dict[str, TypeEngine[Any]] = {
    "y": Integer(),
    "y_start": UTCDateTime(),  # the instant the year begins in China
    "y_end": UTCDateTime(),  # … and ends
    "d_start": Date(),  # its first day
    "d_end": Date(),  # the first day of the next year
    "submit_due": UTCDateTime(),  # R-8.2-publication: the instants the windows end
    "publish_due": UTCDateTime(),
}


def years_table(years: tuple[int, ...], submit_days: int, publish_days: int) -> Any:
    """A row per year with its bounds and the due instants of its evaluation report."""
    rows = []
    for y in years:
        end = date(y + 1, 1, 1)
        rows.append(
            (
                y,
                day_start(date(y, 1, 1)),
                day_start(end),
                date(y, 1, 1),
                end,
                # The due day is the N-th day after the year: it ends when the next begins.
                day_start(end + timedelta(days=submit_days)),
                day_start(end + timedelta(days=publish_days)),
            )
        )
    if not rows:  # an empty VALUES list is not SQL
        typed: list[ColumnElement[Any]] = [
            cast(null(), t).label(n) for n, t in YEAR_COLUMNS.items()
        ]
        return select(*typed).where(false()).subquery("years")
    # A CTE (WITH years(y, …) AS (VALUES …)): SQLite takes no column names on a VALUES
    # alias in FROM. Built once per statement and shared by the yearly rules.
    return (
        values(*(column(n, t) for n, t in YEAR_COLUMNS.items()), name="years")
        .data(rows)
        .cte("years")
    )


def narrowed(
    query: FindingQuery, event_at: Any, insurer_id: Any, unit_id: Any | None
) -> list[ColumnElement[bool]]:
    """The filter's narrowing of one rule's subjects (the scope has been applied already)."""
    conditions: list[ColumnElement[bool]] = []
    if query.from_day is not None:
        conditions.append(event_at >= day_start(query.from_day))
    if query.to_day is not None:
        conditions.append(event_at < day_start(query.to_day))
    if query.insurer_ids:
        conditions.append(insurer_id.in_(query.insurer_ids))
    if query.region_code is not None or query.industry_codes:
        if unit_id is None:
            # An insurer's own duty (staff training, evaluations) lies in no region and in
            # no industry.
            conditions.append(false())
        else:
            # Only narrows the rows the subject's scope already lets through: regions and
            # industries are public. One semi-join on the units for both.
            wanted: list[ColumnElement[bool]] = []
            if query.region_code is not None:
                wanted.append(
                    in_jurisdiction(InsuredUnit.region_code, query.region_code, EVERYTHING)
                )
            if query.industry_codes:
                wanted.append(InsuredUnit.industry_code.in_(query.industry_codes))
            conditions.append(unit_id.in_(select(InsuredUnit.id).where(*wanted)))
    return conditions


def row(
    rule: FindingRule,
    *,
    subject_id: Any,
    insurer_id: Any,
    unit_id: Any | None,
    event_at: Any,
    done_at: Any | None,
    due_ends: Any | None,
    state: ColumnElement[str],
    verify: Any | None = None,
    measured: Any | None = None,
    required: Any | None = None,
    flagged: Any | None = None,
    missing: Any | None = None,
    unverifiable: Any | None = None,
) -> list[ColumnElement[Any]]:
    """The columns of ``COLUMNS`` for one rule's select, NULLs typed so that PostgreSQL
    reads every branch of the UNION ALL alike."""

    def typed(value: Any | None, type_: Any) -> ColumnElement[Any]:
        return cast(null(), type_) if value is None else cast(value, type_)

    def instant(value: Any | None) -> ColumnElement[Any]:
        # Never CAST an instant: SQLite gives a DATETIME cast numeric affinity (a year).
        return cast(null(), UTCDateTime()) if value is None else value

    parts = [
        number(rule.rank),
        subject_id,
        insurer_id,
        typed(unit_id, IdType),
        event_at,
        instant(done_at),
        instant(due_ends),
        false() if verify is None else verify,
        typed(measured, BigInteger()),
        typed(required, BigInteger()),
        typed(flagged, BigInteger()),
        typed(missing, Text()),
        typed(unverifiable, Text()),
        state,
    ]
    return [c.label(name) for c, name in zip(parts, COLUMNS, strict=True)]


def flag_text(code: str, when: ColumnElement[bool]) -> ColumnElement[str]:
    """``code,`` when the condition holds, else the empty text: summed with ``||``."""
    return case((when, literal_column(f"'{code},'", Text())), else_=literal_column("''", Text()))
