"""Reading records through the compiled path: page rules and their errors.

The page-size limit is a rule of the API (a `first` above it is an error, never a silent
truncation); keyset cursors are opaque and checked against the connection that made them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from policies.scope import unit_of
from services.errors import DomainError
from store.repositories.base import EVERYTHING, NO_MASK, FieldMask, RowScope
from store.repositories.graph.audit import RowsSeen
from store.repositories.graph.jsonsql import TooWide
from store.repositories.graph.keyset import BadCursor
from store.repositories.graph.repository import GraphRepository, parse_json

# The selection tree is the contract between the resolvers, which build it from a GraphQL
# selection, and the read compiler; resolvers take it from here, not from the store.
from store.repositories.graph.tree import (
    Connection,
    ConnectionSelection,
    Direction,
    EdgePart,
    Edges,
    Field,
    GlobalId,
    Nodes,
    ObjectSelection,
    PageArgs,
    PageInfo,
    PageInfoPart,
    Scalar,
    ToMany,
    ToOne,
    TotalCount,
    Typename,
    Withheld,
)

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000

__all__ = [
    "EVERYTHING",
    "NO_MASK",
    "Connection",
    "ConnectionSelection",
    "Direction",
    "EdgePart",
    "Edges",
    "Field",
    "FieldMask",
    "GlobalId",
    "Nodes",
    "ObjectSelection",
    "PageArgs",
    "PageInfo",
    "PageInfoPart",
    "RowScope",
    "RowsSeen",
    "Scalar",
    "ToMany",
    "ToOne",
    "TotalCount",
    "Typename",
    "Withheld",
    "page_args",
    "read_connection",
    "read_object",
]


class ReadError(DomainError):
    code = "BAD_READ"


def _error(code: str, zh: str, en: str) -> ReadError:
    return ReadError(zh, en, code=code)


def page_args(
    *,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    filter: dict[str, Any],
    sort: str,
    direction: Direction,
) -> PageArgs:
    """Relay arguments, checked: forward (first/after) or backward (last/before)."""
    if first is not None and last is not None:
        raise _error(
            "PAGE_ARGS_CONFLICT", "first 与 last 不能同时使用", "use either first or last, not both"
        )
    if (first is not None and before is not None) or (last is not None and after is not None):
        raise _error(
            "PAGE_ARGS_CONFLICT",
            "first 只能配合 after，last 只能配合 before",
            "first goes with after, last with before",
        )
    if first is None and last is None:
        if before is not None:
            last = DEFAULT_PAGE_SIZE
        else:
            first = DEFAULT_PAGE_SIZE
    size = first if first is not None else last
    assert size is not None
    if size < 0:
        raise _error("PAGE_SIZE_NEGATIVE", "每页条数不能为负数", "page size must not be negative")
    if size > MAX_PAGE_SIZE:
        raise _error(
            "PAGE_SIZE_EXCEEDED",
            f"每页最多 {MAX_PAGE_SIZE} 条（请求 {size} 条）",
            f"a page holds at most {MAX_PAGE_SIZE} rows (asked for {size})",
        )
    return PageArgs(
        first=first,
        after=after,
        last=last,
        before=before,
        filter=filter,
        sort=sort,
        direction=direction,
    )


async def read_object(
    session: AsyncSession,
    scope: RowScope,
    selection: ObjectSelection,
    key: Any,
    mask: FieldMask = NO_MASK,
    seen: Callable[[RowsSeen], None] | None = None,
    *,
    json_text: bool = False,
) -> Any:
    """The object as response JSON; ``seen`` (the audit log's) gets the row it returned,
    computed by the same statement. ``json_text``: the JSON as the database wrote it."""
    repository = GraphRepository(session, scope, mask)
    try:
        text, rows = await repository.by_key_text(selection, key, None if seen is None else unit_of)
    except TooWide as exc:
        raise _too_wide() from exc
    if seen is not None:
        seen(rows)
    return text if json_text else parse_json(text)


async def read_connection(
    session: AsyncSession,
    scope: RowScope,
    entity: str,
    selection: ConnectionSelection,
    mask: FieldMask = NO_MASK,
    seen: Callable[[RowsSeen], None] | None = None,
    *,
    json_text: bool = False,
) -> Any:
    """The connection as response JSON; ``seen`` gets the page's rows, as for objects."""
    repository = GraphRepository(session, scope, mask)
    try:
        text, rows = await repository.connection_text(
            entity, selection, None if seen is None else unit_of
        )
    except BadCursor as exc:
        raise _error(
            "BAD_CURSOR",
            "游标无效：请使用本列表（同一排序）返回的游标",
            f"bad cursor: use a cursor this list returned for the same order ({exc})",
        ) from exc
    except TooWide as exc:
        raise _too_wide() from exc
    if seen is not None:
        seen(rows)
    return text if json_text else parse_json(text)


def _too_wide() -> ReadError:
    return _error(
        "QUERY_TOO_WIDE",
        "单个对象最多选择 50 个字段（含别名）",
        "at most 50 fields (aliases included) may be selected on one object",
    )
