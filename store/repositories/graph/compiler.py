"""Compiles a selection tree into one SQL statement whose single value is the response JSON.

Every table reference is a fresh ``aliased()`` entity, trimmed by ``RowScope.where`` — for the
root rows, each to-one hop, each list and each nested connection alike — so a principal can
only ever reach rows it may read, by any path. To-one hops and lists are correlated scalar
subqueries (index lookups by key); a connection is a page of ``size + 1`` rows numbered by
``row_number()``, from which edges, cursors and ``hasNextPage`` are read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    bindparam,
    case,
    false,
    func,
    literal,
    literal_column,
    null,
    select,
    true,
)
from sqlalchemy.orm import aliased
from sqlalchemy.sql.expression import CTE, Subquery

from store.repositories.base import NO_MASK, FieldMask, RowScope
from store.repositories.graph import audit, keyset, split
from store.repositories.graph.jsonsql import JsonSql
from store.repositories.graph.parameters import DIRECT, Binder
from store.repositories.graph.registry import ENTITIES, Entity, Relation
from store.repositories.graph.semijoin import merged
from store.repositories.graph.tree import (
    Connection,
    ConnectionSelection,
    Constant,
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

Link = Callable[[Any], ColumnElement[bool]]  # target alias → join condition to the parent row


class UnknownFilter(KeyError):
    pass


class UnknownSort(KeyError):
    pass


class GraphCompiler:
    def __init__(
        self,
        dialect: str,
        scope: RowScope,
        mask: FieldMask = NO_MASK,
        unit_of: audit.UnitOf | None = None,
        *,
        binder: Binder = DIRECT,
        cut: int | None = None,
        deferrals: split.Deferrals | None = None,
    ) -> None:
        self.json = JsonSql.for_dialect(dialect)
        self.scope = scope
        self.mask = mask
        self._aliases = 0
        # Given, the statement has a second column: the rows returned, every level (audit.py).
        self.unit_of = unit_of
        # Every value of the request reaches the SQL through the binder: DIRECT puts it in,
        # parameters.Parameters a named bind parameter (the statement is then cacheable).
        self.binder = binder
        self._audited_page: CTE | Subquery | None = None
        # SQLite only (split.py): relation fields nested deeper than ``cut`` become markers,
        # answered by the deferred statements of ``deferrals``. ``deepest`` is the deepest
        # level compiled, from which ``split`` starts cutting.
        self.cut = cut
        self.deferrals = deferrals
        self._level = 0
        self.deepest = 0

    # -- entry points --------------------------------------------------------------------

    def by_key(self, selection: ObjectSelection, key: Any) -> Select[Any]:
        """One object by primary key; the value is JSON ``null`` when absent or out of scope."""
        key = self.binder.key(key)
        spec, row = self._alias(selection.entity)
        inner = (
            select(self.object(selection, spec, row))
            .where(spec.column(row, spec.pk) == key, self.scope.where(row))
            .scalar_subquery()
        )
        statement = select(self.json.as_text(self.json.embed(inner)))
        if self.unit_of is None:
            return statement
        spec, row = self._alias(selection.entity)
        pair = self._seen(spec, row, [selection], None)
        where = (spec.column(row, spec.pk) == key, self.scope.where(row))
        return statement.add_columns(audit.object_seen(self.json, pair, *where))

    def connection(self, entity: str, selection: ConnectionSelection) -> Select[Any]:
        """A root connection: the page is a CTE read by edges, cursors and counts."""
        self._audited_page = None
        value = self.json.as_text(self._connection(entity, selection, None, cte=True))
        if self.unit_of is None:
            return select(value)
        page = self._audited_page
        size = self.binder.size(selection.args)
        seen = null() if page is None else audit.page_seen(self.json, page, size)
        return select(value).add_columns(seen)

    def deferred(self, item: split.Deferred) -> Select[Any]:
        """A deferred field for each parent row named in the ``split.KEYS_PARAMETER`` array:
        ``[{"k": <parent key>, "v": <the field's JSON>, "a": <its audit pairs>}, ...]``."""
        spec, row = self._alias(item.selection.entity)
        pk = spec.column(row, spec.pk)
        pairs = [("k", pk), ("v", self._field(item.field, item.selection, spec, row))]
        if self.unit_of is not None:
            seen = self._seen_field(item.field, item.selection, spec, row)
            if seen is not None:
                pairs.append(("a", seen))
        keys: Select[Any] = select(literal_column("value")).select_from(
            func.json_each(bindparam(split.KEYS_PARAMETER, type_=String))
        )
        answers = select(self.json.array(self.json.object(pairs), []))
        return answers.where(pk.in_(keys), self.scope.where(row))

    def _relation(
        self,
        f: ToOne | ToMany | Connection,
        selection: ObjectSelection,
        spec: Entity,
        row: Any,
        build: Callable[[], ColumnElement[Any]],
    ) -> ColumnElement[Any]:
        """A relation field's SQL one level down, or past the cut its marker (split.py)."""
        level = self._level + 1
        self.deepest = max(self.deepest, level)
        if self.cut is not None and level > self.cut:
            assert self.deferrals is not None
            index = self.deferrals.index(split.Deferred(selection, f))
            marker = [(split.MARK, literal(index)), (split.KEY, spec.column(row, spec.pk))]
            return self.json.object(marker)
        self._level = level
        try:
            return build()
        finally:
            self._level = level - 1

    # -- objects and fields --------------------------------------------------------------

    def _alias(self, entity: str) -> tuple[Entity, Any]:
        self._aliases += 1
        spec = ENTITIES[entity]
        return spec, aliased(spec.model, name=f"{entity}_{self._aliases}")

    def object(self, selection: ObjectSelection, spec: Entity, row: Any) -> ColumnElement[Any]:
        pairs = [(key, self._field(f, selection, spec, row)) for key, f in selection.fields]
        return self.json.object(pairs)

    def _field(
        self, f: Field, selection: ObjectSelection, spec: Entity, row: Any
    ) -> ColumnElement[Any]:
        if isinstance(f, Scalar):
            return self._scalar(spec, row, f.name)
        if isinstance(f, Withheld):
            names = [graphql for name, graphql in f.names if self._withheld(spec, row, name)]
            return self.json.literal_json(orjson.dumps(names).decode())
        if isinstance(f, GlobalId):
            pk = spec.column(row, spec.pk)
            return self.json.concat(f"{selection.type_name}:", self.json.text_of(pk))
        if isinstance(f, Typename):
            return literal(f.type_name)
        if isinstance(f, Constant):
            return self._constant(f.value)
        if isinstance(f, ToOne | ToMany | Connection):
            return self._relation(f, selection, spec, row, lambda: self._nested(f, spec, row))
        raise TypeError(f"unknown field node {f!r}")

    def _nested(self, f: ToOne | ToMany | Connection, spec: Entity, row: Any) -> ColumnElement[Any]:
        if isinstance(f, ToOne):
            return self._to_one(spec.to_one[f.name], f.target, spec, row)
        if isinstance(f, ToMany):
            return self._to_many(spec.to_many[f.name], f.target, spec, row)
        relation = spec.to_many[f.name]
        link = self._link(relation, spec, row)
        # Not ``embed``ded: the connection is an object built right here, not a subquery's
        # text; SQLite's json() around it was one level of nesting too many for its
        # parser ("parser stack overflow") under a single object with a list below.
        return self._connection(relation.target, f.selection, link, cte=False, parent=row)

    def _protected(self, spec: Entity, name: str) -> bool:
        column = spec.model.__table__.columns.get(name)
        return column is not None and "sensitivity" in column.info

    def _withheld(self, spec: Entity, row: Any, name: str) -> bool:
        return self._protected(spec, name) and self.mask.always_masked(row, name)

    def _scalar(self, spec: Entity, row: Any, name: str) -> ColumnElement[Any]:
        """A column as JSON; a protected one (R-4.2-privacy) only where the mask allows."""
        value = self.json.scalar(spec.column(row, name))
        if not self._protected(spec, name):
            return value
        if self.mask.always_masked(row, name):
            return null()
        return case((self.mask.unmasked(row, name), value), else_=null())

    def _constant(self, value: Any) -> ColumnElement[Any]:
        if value is None:
            return null()
        if isinstance(value, bool):
            return self.json.boolean(true() if value else false())
        return literal(value)

    def _link(self, relation: Relation, spec: Entity, row: Any) -> Link:
        """The condition tying a target row to ``row`` through ``relation``."""
        local = spec.column(row, relation.local)
        through = relation.through
        if through is None:
            return lambda target: getattr(target, relation.remote) == local
        table = through.table
        # Correlated explicitly: ``row`` lies two SELECTs out, beyond auto-correlation's
        # reach, which would otherwise add it to this FROM and link every row's staff.
        hop = (
            select(getattr(table, through.target))
            .where(getattr(table, through.source) == local)
            .correlate(row)
        )
        return lambda target: getattr(target, relation.remote).in_(hop)

    def _to_one(
        self, relation: Relation, target: ObjectSelection, spec: Entity, row: Any
    ) -> ColumnElement[Any]:
        local = spec.column(row, relation.local)
        tspec, trow = self._alias(relation.target)
        inner = (
            select(self.object(target, tspec, trow))
            .where(tspec.column(trow, relation.remote) == local, self.scope.where(trow))
            .scalar_subquery()
        )
        return self.json.embed(inner)

    def _to_many(
        self, relation: Relation, target: ObjectSelection, spec: Entity, row: Any
    ) -> ColumnElement[Any]:
        link = self._link(relation, spec, row)
        tspec, trow = self._alias(relation.target)
        pk = tspec.column(trow, tspec.pk)
        rows = (
            select(self.object(target, tspec, trow).label("j"), pk.label("o"))
            .where(link(trow), self.scope.where(trow))
            .order_by(pk)
            .correlate(row)
            .subquery()
        )
        agg = select(self.json.array(rows.c.j, [rows.c.o])).scalar_subquery()
        return self.json.embed(agg)

    # -- connections ---------------------------------------------------------------------

    def _connection(
        self,
        entity: str,
        selection: ConnectionSelection,
        link: Link | None,
        *,
        cte: bool,
        parent: Any = None,
    ) -> ColumnElement[Any]:
        args = selection.args
        spec, row = self._alias(entity)
        pk, sort_column, conditions, order = self._page_rows(spec, row, args, link)
        descending = args.direction is Direction.DESC
        mark = keyset.prefix(args.sort, descending)
        key_text = self.json.text_of(self.json.scalar(sort_column))
        cursor = self.json.concat(
            f"{mark}|", func.coalesce(key_text, keyset.NULL_KEY), "|", self.json.text_of(pk)
        )
        # SQLite, below the root: the nodes are built where the edges are aggregated, from
        # the page's keys (_flat_array), not three sub-SELECTs down inside the page.
        flat = not cte and self.json.name == "sqlite"
        node_columns = [] if flat else self._node_columns(selection, spec, row)
        keys = [pk.label(_PK)] if sort_column is pk else [sort_column.label(_KEY), pk.label(_PK)]
        page_select = (
            select(cursor.label("cursor"), *node_columns, *keys)
            .where(*conditions)
            .order_by(*order)
            .limit(self.binder.fetch(args))
        )
        if parent is not None:  # a FROM subquery only correlates when told to
            page_select = page_select.correlate(parent)
        audited = cte and self.unit_of is not None and _returns_rows(selection)
        if audited:  # the page's rows and their nested rows, for the audit column (audit.py)
            pair = self._seen(spec, row, _node_selections(selection), None)
            page_select = page_select.add_columns(pair.label(audit.COLUMN))
        numbered = _numbered(page_select, descending=descending, reverse=args.backward)
        page: CTE | Subquery = numbered.cte(f"page_{self._aliases}") if cte else numbered.subquery()
        if audited:
            self._audited_page = page
        pairs = [
            (key, self._connection_part(part, selection, page, entity, link, flat=flat))
            for key, part in selection.fields
        ]
        return self.json.object(pairs)

    def _page_rows(
        self, spec: Entity, row: Any, args: PageArgs, link: Link | None
    ) -> tuple[ColumnElement[Any], ColumnElement[Any], list[ColumnElement[bool]], list[Any]]:
        """A page's rows before its LIMIT: the primary key, the sort column, the conditions
        (scope, filters, link to the parent row, cursors) and the order of the fetch."""
        pk = spec.column(row, spec.pk)
        sort_column = self._sort_column(spec, row, args, pk)
        descending = args.direction is Direction.DESC
        # The scope's and the filters' semi-joins on one key as one (graph/semijoin.py).
        conditions = merged([self.scope.where(row), *self._filters(spec, row, args)])
        if link is not None:
            conditions.append(link(row))
        conditions.extend(self._cursor_conditions(args, sort_column, pk, descending))
        order = keyset.order_by(sort_column, pk, descending=descending, reverse=args.backward)
        return pk, sort_column, conditions, order

    def _sort_column(
        self, spec: Entity, row: Any, args: PageArgs, pk: ColumnElement[Any]
    ) -> ColumnElement[Any]:
        attribute = spec.sorts.get(args.sort, "id" if args.sort == "id" else None)
        if attribute is None:
            raise UnknownSort(args.sort)
        if attribute == spec.pk:
            return pk
        column: ColumnElement[Any] = spec.column(row, attribute)
        return column

    def _filters(self, spec: Entity, row: Any, args: PageArgs) -> list[ColumnElement[bool]]:
        conditions = []
        for name, value in args.filter.items():
            if value is None:
                continue  # an omitted filter field filters nothing
            build = spec.filters.get(name)
            if build is None:
                raise UnknownFilter(name)
            conditions.append(build(row, self.binder.filter(args, name, value)))
        return conditions

    def _cursor_conditions(
        self, args: PageArgs, sort_column: ColumnElement[Any], pk: ColumnElement[Any], desc: bool
    ) -> list[ColumnElement[bool]]:
        mark = keyset.prefix(args.sort, desc)
        conditions = []
        if args.after is not None:
            key = keyset.parse(args.after, expected_prefix=mark, sort_column=sort_column, pk=pk)
            key = self.binder.cursor(args, "after", key)
            conditions.append(keyset.comes_after(sort_column, pk, key, descending=desc))
        if args.before is not None:
            key = keyset.parse(args.before, expected_prefix=mark, sort_column=sort_column, pk=pk)
            key = self.binder.cursor(args, "before", key)
            conditions.append(keyset.comes_before(sort_column, pk, key, descending=desc))
        return conditions

    def _node_columns(
        self, selection: ConnectionSelection, spec: Entity, row: Any
    ) -> list[ColumnElement[Any]]:
        """One JSON column per distinct node selection (``node`` or ``nodes`` under aliases)."""
        columns: list[ColumnElement[Any]] = []
        for target in _node_selections(selection):
            columns.append(self.object(target, spec, row).label(f"n{len(columns)}"))
        return columns

    def _connection_part(
        self,
        part: Any,
        selection: ConnectionSelection,
        page: CTE | Subquery,
        entity: str,
        link: Link | None,
        *,
        flat: bool = False,
    ) -> ColumnElement[Any]:
        args = selection.args
        size = self.binder.size(args)
        in_page = page.c.rn <= size
        if isinstance(part, Typename):
            return literal(part.type_name)
        if isinstance(part, TotalCount):
            return self._total_count(entity, args, link)
        if isinstance(part, Edges | Nodes) and flat:
            return self._flat_array(part, page, entity, in_page, backward=args.backward)
        if isinstance(part, Edges | Nodes):
            element = self._edge_object(part, selection, page)
            return self._ordered_array(element, page, in_page, backward=args.backward)
        if isinstance(part, PageInfo):
            pairs: list[tuple[str, ColumnElement[Any]]] = []
            for key, info in part.fields:
                if isinstance(info, Typename):
                    pairs.append((key, literal(info.type_name)))
                else:
                    pairs.append((key, self._page_info(info, page, args, in_page)))
            return self.json.object(pairs)
        raise TypeError(f"unknown connection part {part!r}")

    def _edge_object(
        self, part: Edges | Nodes, selection: ConnectionSelection, page: CTE | Subquery
    ) -> ColumnElement[Any]:
        targets = _node_selections(selection)
        if isinstance(part, Nodes):
            return self.json.embed(page.c[f"n{_index(targets, part.target)}"])
        pairs: list[tuple[str, ColumnElement[Any]]] = []
        for key, item in part.fields:
            if item is EdgePart.CURSOR:
                pairs.append((key, page.c.cursor))
            elif isinstance(item, Typename):
                pairs.append((key, literal(item.type_name)))
            else:
                pairs.append((key, self.json.embed(page.c[f"n{_index(targets, item)}"])))
        return self.json.object(pairs)

    def _flat_array(
        self,
        part: Edges | Nodes,
        page: CTE | Subquery,
        entity: str,
        in_page: ColumnElement[bool],
        *,
        backward: bool,
    ) -> ColumnElement[Any]:
        """SQLite: the edges of a nested page, each node looked up by the page row's key.

        The page (a FROM sub-SELECT numbering a LIMITed sub-SELECT) holds keys and cursors
        only; each node is one scalar sub-SELECT by primary key, in the aggregate's argument.
        Built inside the page, every level below it sat three sub-SELECTs deeper on SQLite's
        parser stack (split.py): ~20 entries of its 100 per nested connection."""
        order = page.c.rn.desc() if backward else page.c.rn.asc()
        keys = select(page.c[_PK], page.c.cursor).where(in_page).order_by(order).subquery()
        spec, row = self._alias(entity)

        def node(target: ObjectSelection) -> ColumnElement[Any]:
            # The page's rows passed the scope already; trimmed again all the same, as every
            # table reference of a compiled read is (the module's promise).
            found = (
                select(self.object(target, spec, row))
                .where(spec.column(row, spec.pk) == keys.c[_PK], self.scope.where(row))
                .correlate(keys)
            )
            return self.json.embed(found.scalar_subquery())

        if isinstance(part, Nodes):
            element = node(part.target)
        else:
            pairs: list[tuple[str, ColumnElement[Any]]] = []
            for key, item in part.fields:
                if item is EdgePart.CURSOR:
                    pairs.append((key, keys.c.cursor))
                elif isinstance(item, Typename):
                    pairs.append((key, literal(item.type_name)))
                else:
                    pairs.append((key, node(item)))
            element = self.json.object(pairs)
        edges = select(self.json.array(element, [])).select_from(keys)
        return self.json.embed(edges.scalar_subquery())

    def _ordered_array(
        self,
        element: ColumnElement[Any],
        page: CTE | Subquery,
        in_page: ColumnElement[bool],
        *,
        backward: bool,
    ) -> ColumnElement[Any]:
        """Edges in the forward order: a backward page was fetched mirrored (rn descending)."""
        order = page.c.rn.desc() if backward else page.c.rn.asc()
        ordered = (
            select(element.label("j"), page.c.rn.label("o"))
            .where(in_page)
            .order_by(order)
            .subquery()
        )
        agg_order = ordered.c.o.desc() if backward else ordered.c.o.asc()
        return self.json.embed(select(self.json.array(ordered.c.j, [agg_order])).scalar_subquery())

    def _page_info(
        self,
        info: PageInfoPart,
        page: CTE | Subquery,
        args: PageArgs,
        in_page: ColumnElement[bool],
    ) -> ColumnElement[Any]:
        fetched = select(func.count()).select_from(page).scalar_subquery()
        more = self.json.boolean(fetched > self.binder.size(args))
        if info is PageInfoPart.HAS_NEXT_PAGE:
            return more if not args.backward else self._constant(args.before is not None)
        if info is PageInfoPart.HAS_PREVIOUS_PAGE:
            return more if args.backward else self._constant(args.after is not None)
        # The first edge in output order is rn = 1 going forward and the last fetched one
        # (within the page) going backward.
        first_in_output = (info is PageInfoPart.START_CURSOR) != args.backward
        order = page.c.rn.asc() if first_in_output else page.c.rn.desc()
        return select(page.c.cursor).where(in_page).order_by(order).limit(1).scalar_subquery()

    def _total_count(self, entity: str, args: PageArgs, link: Link | None) -> ColumnElement[Any]:
        spec, row = self._alias(entity)
        conditions = merged([self.scope.where(row), *self._filters(spec, row, args)])
        if link is not None:
            conditions.append(link(row))
        return select(func.count()).select_from(row).where(*conditions).scalar_subquery()

    # -- the audit column: the rows each level returns (graph/audit.py) ----------------

    def _seen(
        self,
        spec: Entity,
        row: Any,
        targets: list[ObjectSelection],
        type_name: str | None,
    ) -> ColumnElement[Any]:
        """The pair of ``row`` (selected by ``targets``) with the rows of its nested levels."""
        assert self.unit_of is not None
        children = [
            child
            for target in targets
            for _, f in target.fields
            if (child := self._seen_field(f, target, spec, row)) is not None
        ]
        return audit.row_pair(
            self.json, spec, row, self.unit_of, type_name=type_name, children=children
        )

    def _seen_field(
        self, f: Field, selection: ObjectSelection, spec: Entity, row: Any
    ) -> ColumnElement[Any] | None:
        """The pairs of one nested field's rows, under the conditions of ``_field``'s SQL;
        past the cut, the same marker as the response's (split.py)."""
        if isinstance(f, ToOne | ToMany) or (
            isinstance(f, Connection) and _returns_rows(f.selection)
        ):
            return self._relation(f, selection, spec, row, lambda: self._seen_nested(f, spec, row))
        return None

    def _seen_nested(
        self, f: ToOne | ToMany | Connection, spec: Entity, row: Any
    ) -> ColumnElement[Any]:
        if isinstance(f, ToOne):
            relation = spec.to_one[f.name]
            tspec, trow = self._alias(relation.target)
            pair = self._seen(tspec, trow, [f.target], f.target.type_name)
            local = spec.column(row, relation.local)
            found = select(pair).where(
                tspec.column(trow, relation.remote) == local, self.scope.where(trow)
            )
            return self.json.embed(found.scalar_subquery())
        if isinstance(f, ToMany):
            relation = spec.to_many[f.name]
            link = self._link(relation, spec, row)
            tspec, trow = self._alias(relation.target)
            pair = self._seen(tspec, trow, [f.target], f.target.type_name)
            listed = (
                select(self.json.array(pair, []))
                .where(link(trow), self.scope.where(trow))
                .correlate(row)
            )
            return self.json.embed(listed.scalar_subquery())
        return self._seen_page(spec.to_many[f.name], f.selection, spec, row)

    def _seen_page(
        self, relation: Relation, selection: ConnectionSelection, spec: Entity, row: Any
    ) -> ColumnElement[Any]:
        """A nested connection's page rows: its first ``size`` in its order (no look-ahead)."""
        args = selection.args
        link = self._link(relation, spec, row)
        tspec, trow = self._alias(relation.target)
        _, _, conditions, order = self._page_rows(tspec, trow, args, link)
        targets = _node_selections(selection)
        # Cursors alone also show rows (a cursor holds the key): the model's name is the type's.
        type_name = targets[0].type_name if targets else tspec.model.__name__
        pair = self._seen(tspec, trow, targets, type_name)
        rows = (
            select(pair.label("p"))
            .where(*conditions)
            .order_by(*order)
            .limit(self.binder.size(args))
            .correlate(row)
            .subquery()
        )
        return self.json.embed(select(self.json.array(rows.c.p, [])).scalar_subquery())


_KEY, _PK = "sort_key", "pk"  # a page's order, as columns of its limited rows


def _numbered(limited: Select[Any], *, descending: bool, reverse: bool) -> Select[Any]:
    """The page's rows numbered (``rn``) in their order, counted after the LIMIT.

    Numbered in the same SELECT as the LIMIT, the window would make PostgreSQL sort every
    matching row before keeping size + 1 (52,192 for a province, spilling to disk) instead of
    a top-N heapsort of size + 1: 1.5-2x the statement's time on the bench pages."""
    rows = limited.subquery()
    pk = rows.c[_PK]
    key = rows.c.get(_KEY, pk)  # pk itself when the sort is by it (keyset.order_by)
    order = keyset.order_by(key, pk, descending=descending, reverse=reverse)
    return select(func.row_number().over(order_by=order).label("rn"), *rows.c)


def _returns_rows(selection: ConnectionSelection) -> bool:
    """Whether the response holds the page's rows (nodes or cursors), not only counts."""
    return any(isinstance(part, Edges | Nodes) for _, part in selection.fields)


def _node_selections(selection: ConnectionSelection) -> list[ObjectSelection]:
    found: list[ObjectSelection] = []
    for _, part in selection.fields:
        if isinstance(part, Nodes) and not any(part.target is t for t in found):
            found.append(part.target)
        elif isinstance(part, Edges):
            for _, item in part.fields:
                if isinstance(item, ObjectSelection) and not any(item is t for t in found):
                    found.append(item)
    return found


def _index(targets: list[ObjectSelection], target: ObjectSelection) -> int:
    """Position by identity: two node selections may be equal yet aliased differently."""
    return next(i for i, t in enumerate(targets) if t is target)
