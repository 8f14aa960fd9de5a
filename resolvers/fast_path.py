"""The fast path (issue 3, point lookups): an operation made of one compiled root read field
(``serviceRecord(id:)``, ``serviceRecords(first:)``, ``node(id:)`` …) answered without
strawberry's extension runner and graphql-core's executor, with the same response.

Why: for a point lookup the per-request machinery around the one SQL statement — the
extension runner's four context managers per hook, graphql-core's executor, strawberry's
argument conversion — cost about as much CPU as everything else (bench/RESULTS.md). A
compiled read needs none of it: its resolver takes the field node, the coerced variables and
the context, and returns its whole subtree as the database wrote it.

What it does, step for step what the extensions and the executor would do for such an
operation (resolvers/root.py lists them):

- only a document the operation guard let through before (resolvers/limits/documents.py:
  parsed, within the structural limits, valid under the same rules); anything else, and any
  operation that is not a single query field of the compiled reads without directives, is
  left to the normal path — which then does everything, as before;
- the cost against the caller's ceiling and the variables' coercion: a refusal or an error
  is left to the normal path too (nothing was sent to the database yet);
- the statement timeout (limits/timeout.py), the read (resolvers/compiled/read.py, the very
  function the field's resolver calls), an error located as graphql-core locates it and
  logged as strawberry logs it, a timeout given its code; on PostgreSQL the read is sent
  alone, without BEGIN and COMMIT, its time limited by the driver (store/alone.py: one
  round trip where the transaction costs three, and none of the Session's bookkeeping);
- the transaction ended as RequestTransaction ends it, the audit entry as AuditTrail makes
  it, then the errors masked as MaskErrors masks them — in the extensions' exit order.

The response is then built by the HTTP view as for every operation (server/graphql_app.py),
so status, headers, JSON encoding, metrics and the access log are shared.
``tests/server/test_fast_path.py`` runs documents both ways and compares the bodies, statuses,
statements and audit entries. ``ANZEXIAN_GRAPHQL_FAST_PATH=false`` turns it off.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import strawberry
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLField,
    GraphQLObjectType,
    OperationDefinitionNode,
    OperationType,
    get_argument_values,
    is_non_null_type,
    located_error,
    specified_rules,
)
from graphql.execution.values import get_variable_values
from sqlalchemy.ext.asyncio import AsyncEngine
from strawberry.types import ExecutionResult

from resolvers.audit_trail import record_operation
from resolvers.compiled.execution import Precompleted
from resolvers.compiled.read import ROOT_READS, RootCall, RootRead
from resolvers.context import RequestContext
from resolvers.limits import cost
from resolvers.limits.config import OperationLimits
from resolvers.limits.documents import KnownDocuments
from resolvers.limits.timeout import Armed, arm, refusals
from resolvers.masking import mask_errors
from resolvers.transaction import end_transaction
from services.audit import AuditOperationKind
from store.alone import send_alone

# Operations whose plans are kept (distinct document texts and names of a process's clients).
PLANS_KEPT = 512

# The rules strawberry validates an operation with (its ExecutionContext's default): a
# document counts as checked only if it passed these (documents.py keys them by rule set).
_RULES = tuple(specified_rules)


@dataclass(frozen=True, slots=True)
class _Plan:
    """The one root field of an operation the fast path answers."""

    document: DocumentNode
    operation: OperationDefinitionNode
    node: FieldNode
    field: GraphQLField
    read: RootRead
    fragments: dict[str, FragmentDefinitionNode]
    cost: int | None  # the document's cost when no variable changes it (limits/cost.py)

    @property
    def key(self) -> str:
        return self.node.alias.value if self.node.alias else self.node.name.value


class FastPath:
    def __init__(
        self,
        schema: strawberry.Schema,
        limits: OperationLimits,
        known: KnownDocuments,
        engine: AsyncEngine,
    ) -> None:
        self.schema = schema
        self.engine = engine  # the requests' sessions' (reads sent alone: store/alone.py)
        self.limits = limits
        self.known = known  # the operation guard's own (resolvers/limits/__init__.py)
        query_type = schema._schema.query_type
        assert query_type is not None
        self.query_type: GraphQLObjectType = query_type
        self.masking = mask_errors()
        self._plans: OrderedDict[tuple[str, str | None], _Plan | None] = OrderedDict()

    def answers(self, query: str, operation_name: str | None) -> bool:
        """Whether the operation is one the fast path may answer (``answer`` may still
        leave it to the normal path: a cost past the caller's ceiling, a variable that
        does not coerce)."""
        return self._plan(query, operation_name) is not None

    def _plan(self, query: str, operation_name: str | None) -> _Plan | None:
        """The operation's plan, or None: not one the fast path answers, or a document the
        operation guard has not let through (yet). What the guard let through stays
        valid — the schema does not change in a process —, so the answer is kept per
        text and name (bounded: the most recent ``PLANS_KEPT``)."""
        key = (query, operation_name)
        plans = self._plans
        if key in plans:
            plans.move_to_end(key)
            return plans[key]
        document = self.known.document(query)
        if document is None or not self.known.passed(query, document, _RULES):
            return None  # not kept: the guard may pass it later
        plan = self._plan_of(document, operation_name)
        plans[key] = plan
        if len(plans) > PLANS_KEPT:
            plans.popitem(last=False)
        return plan

    def _plan_of(self, document: DocumentNode, operation_name: str | None) -> _Plan | None:
        operation: OperationDefinitionNode | None = None
        fragments: dict[str, FragmentDefinitionNode] = {}
        for definition in document.definitions:
            if isinstance(definition, OperationDefinitionNode):
                if operation_name is None:
                    if operation is not None:
                        return None  # several operations and no name: the executor refuses
                    operation = definition
                elif definition.name is not None and definition.name.value == operation_name:
                    operation = definition
            elif isinstance(definition, FragmentDefinitionNode):
                if definition.variable_definitions:
                    return None  # fragment variables (experimental): the executor's job
                fragments[definition.name.value] = definition
        if operation is None or operation.operation is not OperationType.QUERY:
            return None
        selections = operation.selection_set.selections
        if operation.directives or len(selections) != 1:
            return None
        node = selections[0]
        if not isinstance(node, FieldNode) or node.directives:
            return None
        field = self.query_type.fields.get(node.name.value)
        if field is None:
            return None
        strawberry_field = (field.extensions or {}).get("strawberry-definition")
        resolver = getattr(getattr(strawberry_field, "base_resolver", None), "wrapped_func", None)
        read = ROOT_READS.get(resolver) if resolver is not None else None
        if read is None:
            return None
        estimate = cost.CostEstimate(self.schema._schema, document)
        total = estimate.total()
        fixed = None if estimate.read_variables else total
        return _Plan(document, operation, node, field, read, fragments, fixed)

    async def answer(
        self,
        query: str | None,
        variables: dict[str, Any] | None,
        operation_name: str | None,
        context: RequestContext,
    ) -> ExecutionResult | None:
        """The operation's result, or None: the normal path answers it."""
        at = datetime.now(UTC)  # AuditTrail's moment: the operation's start
        try:
            prepared = self._prepare(query, variables, operation_name, context)
        except Exception:  # whatever the normal path makes of it, it makes alone
            return None
        if prepared is None:
            return None
        plan, coerced, arguments = prepared
        milliseconds = self.limits.statement_timeout_ms
        armed: Armed | None = None
        try:
            # PostgreSQL: the one read goes alone, without BEGIN and COMMIT, limited by the
            # driver (store/alone.py); SQLite: in the session's transaction, as before.
            alone = await send_alone(context.session, self.engine, milliseconds)
            if alone is None:
                armed = await arm(context.session, milliseconds)
        except Exception:  # no connection: the normal path meets it too, and answers it
            return None
        limited = armed is not None or (alone is not None and milliseconds > 0)
        try:
            result = await self._execute(plan, coerced, arguments, context, limited)
        finally:
            if armed is not None:
                armed.disarm()
            if alone is not None:
                await alone.close()
        await end_transaction(context.session, result)
        await record_operation(
            context,
            at=at,
            kind=AuditOperationKind.QUERY,
            failed=bool(result.errors),
            operation_name=self._operation_name(plan, operation_name),
            document=query or "",
            variables=variables,
        )
        if result.errors:
            masking = self.masking
            result.errors = [
                masking.anonymise_error(e) if masking.should_mask_error(e) else e
                for e in result.errors
            ]
        return result

    def _prepare(
        self,
        query: str | None,
        variables: dict[str, Any] | None,
        operation_name: str | None,
        context: RequestContext,
    ) -> tuple[_Plan, dict[str, Any], dict[str, Any]] | None:
        """The plan, the coerced variables and the field's arguments; None where the normal
        path must answer: not a fast operation, too costly, a variable or argument that does
        not coerce. Nothing is sent to the database here."""
        if not isinstance(query, str):
            return None
        plan = self._plan(query, operation_name)
        if plan is None:
            return None
        schema = self.schema._schema
        ceiling = self.limits.cost_ceiling(context.identity)
        spent = (
            plan.cost if plan.cost is not None else cost.estimate(schema, plan.document, variables)
        )
        if spent > ceiling:
            return None  # the normal path refuses it (COST_LIMIT_EXCEEDED)
        definitions = plan.operation.variable_definitions or ()
        coerced = get_variable_values(schema, definitions, variables or {})
        if isinstance(coerced, list):
            return None
        arguments = get_argument_values(plan.field, plan.node, coerced)
        return plan, coerced.coerced, arguments

    async def _execute(
        self,
        plan: _Plan,
        variables: dict[str, Any],
        arguments: dict[str, Any],
        context: RequestContext,
        limited: bool,
    ) -> ExecutionResult:
        call = RootCall(
            schema=self.schema._schema,
            fragments=plan.fragments,
            variables=variables,
            field_nodes=[plan.node],
            parent_type=self.query_type,
            field_name=plan.node.name.value,
            return_type=plan.field.type,
            context=context,
        )
        milliseconds = self.limits.statement_timeout_ms
        non_null = is_non_null_type(plan.field.type)
        try:
            value = await plan.read(call, arguments)
            if isinstance(value, Precompleted):
                value = value.value
            if value is None and non_null:  # as graphql-core's complete_value words it
                raise TypeError(
                    "Cannot return null for non-nullable field"
                    f" {self.query_type}.{plan.node.name.value}."
                )
            return ExecutionResult(data={plan.key: value}, errors=None)
        except Exception as exc:
            error = located_error(exc, [plan.node], [plan.key])
            errors = [error]
            # Logged before masking, as strawberry logs what the executor returned.
            self.schema._process_errors(errors, None)
            if limited:
                errors = refusals(errors, milliseconds)
            return ExecutionResult(data=None if non_null else {plan.key: None}, errors=errors)

    @staticmethod
    def _operation_name(plan: _Plan, given: str | None) -> str | None:
        """The name the audit records, as strawberry's ExecutionContext gives it."""
        if given is not None:
            return given
        name = plan.operation.name
        return name.value if name is not None else None
