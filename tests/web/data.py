"""What the tests' demo database holds, read straight from the SQLite file (stdlib sqlite3):
the expected answers come from the stored rows, not from the API under test."""

from __future__ import annotations

import sqlite3
from pathlib import Path

# Regions by the closure table (the hierarchy is data), never by code digits.
_WITHIN = "SELECT region_code FROM region_ancestor WHERE ancestor_code = ?"


def rows(database: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(database) as conn:
        return list(conn.execute(sql, params))


def published_evaluations(database: Path, year: int) -> set[str]:
    """The latest published version of each insurer's evaluation of the year."""
    found = rows(
        database,
        """SELECT e.id FROM annual_evaluation e
           WHERE e.year = ? AND e.status = 'published' AND e.version = (
             SELECT max(o.version) FROM annual_evaluation o
             WHERE o.insurer_id = e.insurer_id AND o.year = e.year AND o.status = 'published')""",
        year,
    )
    return {f"AnnualEvaluation:{key}" for (key,) in found}


def unpublished_evaluations(database: Path, year: int) -> set[str]:
    found = rows(
        database, "SELECT id FROM annual_evaluation WHERE year = ? AND status != 'published'", year
    )
    return {f"AnnualEvaluation:{key}" for (key,) in found}


def service_record_in(database: Path, region: str) -> str:
    ((key,),) = rows(
        database,
        f"""SELECT r.id FROM service_record r JOIN insured_unit u ON u.id = r.unit_id
            WHERE u.region_code IN ({_WITHIN}) ORDER BY r.id LIMIT 1""",
        region,
    )
    return f"ServiceRecord:{key}"


def unit_of_insurer_in(database: Path, insurer_id: int, region: str) -> tuple[str, str]:
    """(global id, name) of a unit the insurer covers inside the region."""
    ((key, name),) = rows(
        database,
        f"""SELECT u.id, u.name FROM insured_unit u JOIN insurance_policy p ON p.unit_id = u.id
            WHERE p.insurer_id = ? AND u.region_code IN ({_WITHIN}) ORDER BY u.id LIMIT 1""",
        insurer_id,
        region,
    )
    return f"InsuredUnit:{key}", str(name)


def regions_within(database: Path, region: str) -> set[str]:
    return {str(code) for (code,) in rows(database, _WITHIN, region)}


def region_names(database: Path, level: str, within: str) -> dict[str, str]:
    found = rows(
        database,
        f"SELECT code, name FROM region WHERE level = ? AND code IN ({_WITHIN})",
        level,
        within,
    )
    return {str(code): str(name) for code, name in found}
