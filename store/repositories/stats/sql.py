"""SQL pieces every measure family shares, reading the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import (
    CTE,
    BigInteger,
    ColumnElement,
    Date,
    Integer,
    Select,
    SQLColumnExpression,
    String,
    case,
    cast,
    column,
    extract,
    false,
    func,
    literal_column,
    null,
    select,
    values,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeEngine

from store.repositories.stats.spec import MonthSpan, YearSpan


class local_day(FunctionElement[date]):
    """The calendar day in China of a UTC instant (UTC+8; China has kept no summer time
    since 1991). Deadlines count working days by the day things happened in China: a service
    completed at 17:00Z on the 8th was completed on the 9th (R-6.3-followup)."""

    type = Date()
    name = "local_day"
    inherit_cache = True


@compiles(local_day, "postgresql")
def _local_day_postgresql(element: local_day, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(timezone('Asia/Shanghai', {compiler.process(element.clauses, **kw)}) AS DATE)"


@compiles(local_day, "sqlite")
def _local_day_sqlite(element: local_day, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite keeps the UTC instant as 'YYYY-MM-DD HH:MM:SS.ffffff'; date() answers 'YYYY-MM-DD',
    # the same text a bound DATE becomes, so days compare as text.
    return f"date({compiler.process(element.clauses, **kw)}, '+8 hours')"


# China keeps UTC+8 all year (no summer time since 1991): a day there is a fixed 86,400 s
# window, so the day an instant falls on is arithmetic on its epoch seconds.
CHINA_OFFSET_SECONDS = 8 * 3600
SECONDS_PER_DAY = 86_400


class day_number(FunctionElement[int]):
    """The calendar day in China of a UTC instant, as days since 1970-01-01: ``local_day``
    without time-zone rules per row (the working-day calendar joins on it; only the days it
    covers, from 2004 on, ever join, all long after China's last summer time)."""

    type = Integer()
    name = "day_number"
    inherit_cache = True


@compiles(day_number, "postgresql")
def _day_number_postgresql(element: day_number, compiler: SQLCompiler, **kw: Any) -> str:
    epoch = f"date_part('epoch', {compiler.process(element.clauses, **kw)})"
    return f"CAST(floor(({epoch} + {CHINA_OFFSET_SECONDS}) / {SECONDS_PER_DAY}) AS INTEGER)"


@compiles(day_number, "sqlite")
def _day_number_sqlite(element: day_number, compiler: SQLCompiler, **kw: Any) -> str:
    # Integer division of a positive count: the floor.
    epoch = f"CAST(strftime('%s', {compiler.process(element.clauses, **kw)}) AS INTEGER)"
    return f"(({epoch} + {CHINA_OFFSET_SECONDS}) / {SECONDS_PER_DAY})"


def number(value: int) -> ColumnElement[int]:
    """A constant of the statement's own making as an SQL literal: no bind parameter, so the
    SQL text, and the server's cached plan, do not depend on how many there are."""
    return literal_column(str(int(value)), Integer)


def year_of(day: SQLColumnExpression[Any]) -> ColumnElement[int]:
    """The year of a calendar day, as an integer on both backends."""
    return cast(extract("year", day), Integer)


def month_of(day: SQLColumnExpression[Any]) -> ColumnElement[int]:
    """The MONTH key of a calendar day, year * 100 + month, as an integer on both backends:
    one integer column to group and order by, read back as "YYYY-MM" in ``services``."""
    return year_of(day) * number(100) + cast(extract("month", day), Integer)


def fen(amount: SQLColumnExpression[Any]) -> ColumnElement[int]:
    """An amount in yuan as integer fen (分): sums stay exact even where NUMERIC is REAL."""
    return cast(func.round(amount * number(100)), BigInteger)


def count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(case((condition, number(1)), else_=number(0)))


def no_category() -> ColumnElement[str]:
    """The category of a row that has none (policies, complaints, ledger entries)."""
    return cast(null(), String(32))


def no_rows(**columns: TypeEngine[Any]) -> Select[Any]:
    """An empty row source with typed columns (an empty VALUES list is not SQL)."""
    typed = [cast(null(), type_).label(column_name) for column_name, type_ in columns.items()]
    return select(*typed).where(false())


def years_cte(years: tuple[YearSpan, ...]) -> CTE:
    """Calendar years clipped to the range, to spread a policy over the years it covers."""
    if not years:
        return no_rows(y=Integer(), y_start=Date(), y_end=Date()).cte("years")
    rows = [(y.year, y.start, y.end) for y in years]
    return (
        values(column("y", Integer), column("y_start", Date), column("y_end", Date), name="years")
        .data(rows)
        .cte("years")
    )


def months_cte(months: tuple[MonthSpan, ...]) -> CTE:
    """Calendar months clipped to the range, to spread a policy over the months it covers;
    ``y`` is each month's year, for a grouping by YEAR and MONTH at once."""
    if not months:
        return no_rows(m=Integer(), y=Integer(), m_start=Date(), m_end=Date()).cte("months")
    rows = [(m.month, m.month // 100, m.start, m.end) for m in months]
    return (
        values(
            column("m", Integer),
            column("y", Integer),
            column("m_start", Date),
            column("m_end", Date),
            name="months",
        )
        .data(rows)
        .cte("months")
    )
