"""Object trees reused per field node (resolvers/compiled/selection.ObjectSelections) and
their parameters walked once (store/repositories/graph/parameters.of_object): only when no
variable can change the tree, and never across documents."""

from __future__ import annotations

from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    GraphQLObjectType,
    OperationDefinitionNode,
    parse,
)

from resolvers.compiled.selection import ObjectSelections, TreeBuilder
from resolvers.root import build_schema
from store.repositories.graph.parameters import of_object

SCHEMA = build_schema()._schema


def _record_type() -> GraphQLObjectType:
    found = SCHEMA.get_type("ServiceRecord")
    assert isinstance(found, GraphQLObjectType)
    return found


RECORD = _record_type()


def _root(document: str) -> tuple[FieldNode, dict[str, Any]]:
    parsed = parse(document)
    operation = next(d for d in parsed.definitions if isinstance(d, OperationDefinitionNode))
    fragments = {
        d.name.value: d for d in parsed.definitions if isinstance(d, FragmentDefinitionNode)
    }
    node = operation.selection_set.selections[0]
    assert isinstance(node, FieldNode)
    return node, fragments


def _keys(selection: Any) -> list[str]:
    return [key for key, _ in selection.fields]


def test_a_tree_without_variables_is_built_once() -> None:
    node, fragments = _root("query($id: ID!) { serviceRecord(id: $id) { id unit { name } } }")
    memo = ObjectSelections()
    first = memo.object(TreeBuilder(SCHEMA, fragments, {"id": "ServiceRecord:1"}), RECORD, [node])
    again = memo.object(TreeBuilder(SCHEMA, fragments, {"id": "ServiceRecord:2"}), RECORD, [node])
    assert again is first and _keys(first) == ["id", "unit"]


def test_a_tree_a_variable_changes_is_built_every_time() -> None:
    document = """query($u: Boolean!, $n: Int) { serviceRecord(id: "ServiceRecord:1") {
      id ...F unit @include(if: $u) { name } } }
    fragment F on ServiceRecord { hazards { id } status }"""
    node, fragments = _root(document)
    memo = ObjectSelections()
    with_unit = memo.object(TreeBuilder(SCHEMA, fragments, {"u": True}), RECORD, [node])
    without = memo.object(TreeBuilder(SCHEMA, fragments, {"u": False}), RECORD, [node])
    assert _keys(with_unit) == ["id", "hazards", "status", "unit"]
    assert _keys(without) == ["id", "hazards", "status"]
    # A variable deep in a fragment counts as well.
    deep = """query($s: Boolean!) { serviceRecord(id: "ServiceRecord:1") { id ...F } }
    fragment F on ServiceRecord { unit { name @skip(if: $s) id } }"""
    node, fragments = _root(deep)
    shown = memo.object(TreeBuilder(SCHEMA, fragments, {"s": False}), RECORD, [node])
    skipped = memo.object(TreeBuilder(SCHEMA, fragments, {"s": True}), RECORD, [node])
    assert shown is not skipped
    assert _keys(shown.fields[1][1].target) == ["name", "id"]  # type: ignore[union-attr]
    assert _keys(skipped.fields[1][1].target) == ["id"]  # type: ignore[union-attr]


def test_an_equal_document_parsed_again_has_its_own_entry() -> None:
    text = '{ serviceRecord(id: "ServiceRecord:1") { id status } }'
    memo = ObjectSelections()
    one, _ = _root(text)
    other, _ = _root(text)
    first = memo.object(TreeBuilder(SCHEMA, {}, {}), RECORD, [one])
    second = memo.object(TreeBuilder(SCHEMA, {}, {}), RECORD, [other])
    assert first is not second and _keys(first) == _keys(second)


def test_the_walk_is_kept_and_only_the_key_changes() -> None:
    node, fragments = _root('{ serviceRecord(id: "ServiceRecord:1") { id unit { name } } }')
    selection = ObjectSelections().object(TreeBuilder(SCHEMA, fragments, {}), RECORD, [node])
    first = of_object(selection, 1)
    second = of_object(selection, 2)
    assert first.shape is second.shape  # walked once, hashed once
    assert first.values == {**second.values, "key": 1} and second.values["key"] == 2
    first.values["extra"] = True  # a request's values are its own
    assert "extra" not in of_object(selection, 3).values
