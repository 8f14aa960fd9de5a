"""The write both cluster load tests send (a unit files a complaint, R-6.4-complaint) and how
they find, afterwards, which of the acknowledged writes reached the database: each complaint
carries its idempotency key as the last word of its text."""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy import text

from store.database import create_engine

FILE = """
mutation File($input: FileComplaintInput!, $key: String) {
  fileComplaint(input: $input, idempotencyKey: $key) {
    __typename
    ... on ComplaintSuccess { id replayed }
  }
}
"""
COUNT = {"query": "query Count { complaints(first: 1) { totalCount } }"}


class Parties(Protocol):
    """A test's site: the insurer and the unit the complaints are about."""

    @property
    def insurer_id(self) -> int: ...

    @property
    def unit_id(self) -> int: ...


def file_body(site: Parties, words: str, key: str | None = None) -> dict[str, Any]:
    """The GraphQL request body of one complaint (``key``: its idempotency key)."""
    filing = {
        "insurerId": f"Insurer:{site.insurer_id}",
        "unitId": f"InsuredUnit:{site.unit_id}",
        "filedAt": "2024-03-10T09:00:00+08:00",
        "request": words,
    }
    return {"query": FILE, "variables": {"input": filing, "key": key}}


async def stored_keys(url: str, marker: str) -> list[str]:
    """The keys of the stored complaints whose text holds ``marker`` (the load's prefix)."""
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(
                text("SELECT request FROM complaint WHERE request LIKE :like"),
                {"like": f"%{marker}%"},
            )
            return [str(row[0]).rsplit(" ", 1)[-1] for row in rows]
    finally:
        await engine.dispose()
