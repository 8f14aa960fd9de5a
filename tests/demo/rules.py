"""Helpers for the rule checks over the seeded demo data set."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import Executable
from sqlalchemy.ext.asyncio import AsyncConnection

from store.demo.clock import REFERENCE_DATE, calendar

CAL = calendar()
K = TypeVar("K", bound=Hashable)


async def rows(conn: AsyncConnection, statement: Executable) -> list[Any]:
    return list((await conn.execute(statement)).all())


def workdays(start: datetime, end: datetime | date) -> int:
    """Chinese working days after ``start`` up to ``end`` (both read as Beijing dates)."""
    end_date = CAL.local_date(end) if isinstance(end, datetime) else end
    return CAL.workdays_between(CAL.local_date(start), end_date)


def workdays_to_reference(start: datetime) -> int:
    return workdays(start, REFERENCE_DATE)


def both(cases: Counter[K], good: K, *bad: K) -> None:
    """The data set holds compliant cases and every kind of finding asked for."""
    missing = [case for case in (good, *bad) if cases[case] == 0]
    assert not missing, f"no {missing} among {dict(cases)}"
