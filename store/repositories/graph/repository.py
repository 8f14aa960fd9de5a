"""Runs compiled read statements: one statement, one JSON value back; a statement is built
once per shape of read and caller (plans.py) and run with each request's values."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

import orjson
from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

from store.alone import alone_reads
from store.repositories.base import EVERYTHING, NO_MASK, FieldMask, RowScope
from store.repositories.graph import audit, split
from store.repositories.graph.compiler import GraphCompiler
from store.repositories.graph.parameters import (
    Parameters,
    Uncacheable,
    of_connection,
    of_object,
)
from store.repositories.graph.plans import PLANS, access_key
from store.repositories.graph.tree import ConnectionSelection, ObjectSelection

Build = Callable[[GraphCompiler], Select[Any]]
Values = dict[str, Any]


def _parameters(walk: Callable[[], Parameters]) -> Parameters | None:
    try:
        return walk()
    except Uncacheable:
        return None


def _plan_key(
    dialect: str,
    scope: RowScope,
    mask: FieldMask,
    unit_of: audit.UnitOf | None,
    parameters: Parameters | None,
) -> Hashable | None:
    if parameters is None:
        return None
    access = (access_key(scope), access_key(mask))
    if None in access:
        return None
    key = (dialect, access, unit_of, parameters.shape)
    try:
        hash(key)
    except TypeError:  # a scope's key holding something unhashable: build, do not cache
        return None
    return key


def parse_json(text: str | None) -> Any:
    return None if text is None else orjson.loads(text)


class GraphRepository:
    def __init__(
        self, session: AsyncSession, scope: RowScope = EVERYTHING, mask: FieldMask = NO_MASK
    ) -> None:
        self.session = session
        self.scope = scope
        self.mask = mask

    def _build(
        self,
        dialect: str,
        build: Build,
        unit_of: audit.UnitOf | None,
        binder: Parameters | None,
    ) -> split.Plan:
        """One statement; on SQLite, more when it nests deeper than SQLite parses (split.py)."""

        def compiler(cut: int | None = None, deferrals: split.Deferrals | None = None) -> Any:
            options: dict[str, Any] = {"cut": cut, "deferrals": deferrals}
            if binder is not None:
                options["binder"] = binder
            return GraphCompiler(dialect, self.scope, self.mask, unit_of, **options)

        if dialect != "sqlite":
            return split.Plan(build(compiler()))
        return split.plan(compiler, build)

    def _plan(
        self, parameters: Parameters | None, build: Build, unit_of: audit.UnitOf | None
    ) -> tuple[split.Plan, Values, bool]:
        """The statements for this tree, the values to run them with, and whether the plan
        is the cache's: the cached plan of its shape when there is one (plans.py), else
        built — and cached when it can be."""
        dialect = self.session.get_bind().dialect.name
        key = _plan_key(dialect, self.scope, self.mask, unit_of, parameters)
        if parameters is None or key is None:
            return self._build(dialect, build, unit_of, None), {}, False
        plan = PLANS.get(key)
        if plan is None:
            plan = self._build(dialect, build, unit_of, parameters)
            PLANS.put(key, plan)
        return plan, parameters.values, True

    async def _run(
        self, parameters: Parameters | None, build: Build, unit_of: audit.UnitOf | None
    ) -> tuple[str | None, audit.RowsSeen]:
        plan, values, cached = self._plan(parameters, build, unit_of)
        alone = alone_reads(self.session)
        driver = None
        if alone is not None and cached and not plan.deferred:
            driver = alone.statement(plan.statement)
        if alone is not None and driver is not None:
            # The request sends its read alone, straight to the driver (store/alone.py).
            row = await alone.one(driver, values)
        else:
            # Core, not the ORM: a read of one JSON column needs no identity map.
            connection = await self.session.connection()
            row = (await connection.execute(plan.statement, values)).one()
        text, seen = row[0], (None if unit_of is None else row[1])
        if plan.deferred:  # never sent alone (SQLite only): ``connection`` is the session's

            async def run(statement: Select[Any], parameters: dict[str, Any]) -> str | None:
                value: str | None = (await connection.execute(statement, parameters)).scalar()
                return value

            text, seen = await split.stitch(plan, values, text, seen, run)
        return text, (audit.RowsSeen() if unit_of is None else audit.parse(seen))

    # -- the response JSON as the database wrote it (None: absent or out of scope) --------
    # With ``unit_of``, the same statement also returns the rows of every level (audit.py).

    async def by_key_text(
        self, selection: ObjectSelection, key: Any, unit_of: audit.UnitOf | None = None
    ) -> tuple[str | None, audit.RowsSeen]:
        parameters = _parameters(lambda: of_object(selection, key))
        return await self._run(parameters, lambda c: c.by_key(selection, key), unit_of)

    async def connection_text(
        self, entity: str, selection: ConnectionSelection, unit_of: audit.UnitOf | None = None
    ) -> tuple[str, audit.RowsSeen]:
        parameters = _parameters(lambda: of_connection(entity, selection))
        text, seen = await self._run(parameters, lambda c: c.connection(entity, selection), unit_of)
        assert text is not None  # a connection is always an object
        return text, seen

    # -- the same, parsed ------------------------------------------------------------------

    async def by_key(self, selection: ObjectSelection, key: Any) -> Any:
        """The object as response JSON, or None when absent or outside the scope."""
        return parse_json((await self.by_key_text(selection, key))[0])

    async def connection(self, entity: str, selection: ConnectionSelection) -> Any:
        return parse_json((await self.connection_text(entity, selection))[0])

    async def by_key_seen(
        self, selection: ObjectSelection, key: Any, unit_of: audit.UnitOf
    ) -> tuple[Any, audit.RowsSeen]:
        text, seen = await self.by_key_text(selection, key, unit_of)
        return parse_json(text), seen

    async def connection_seen(
        self, entity: str, selection: ConnectionSelection, unit_of: audit.UnitOf
    ) -> tuple[Any, audit.RowsSeen]:
        text, seen = await self.connection_text(entity, selection, unit_of)
        return parse_json(text), seen
