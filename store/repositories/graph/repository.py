"""Runs compiled read statements: one statement, one JSON value back."""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

from store.repositories.base import EVERYTHING, NO_MASK, FieldMask, RowScope
from store.repositories.graph.compiler import GraphCompiler
from store.repositories.graph.tree import ConnectionSelection, ObjectSelection


class GraphRepository:
    def __init__(
        self, session: AsyncSession, scope: RowScope = EVERYTHING, mask: FieldMask = NO_MASK
    ) -> None:
        self.session = session
        self.scope = scope
        self.mask = mask

    def _compiler(self) -> GraphCompiler:
        return GraphCompiler(self.session.get_bind().dialect.name, self.scope, self.mask)

    async def _value(self, statement: Select[Any]) -> Any:
        text = (await self.session.execute(statement)).scalar_one()
        return None if text is None else orjson.loads(text)

    async def by_key(self, selection: ObjectSelection, key: Any) -> Any:
        """The object as response JSON, or None when absent or outside the scope."""
        return await self._value(self._compiler().by_key(selection, key))

    async def connection(self, entity: str, selection: ConnectionSelection) -> Any:
        return await self._value(self._compiler().connection(entity, selection))
