"""The operation limits as one schema extension, in the order that keeps hostile documents
cheap; the first step that finds something answers and the later ones do not run:

1. parsing stops at the token limit (tokens.py);
2. the structural limits, each linear in the document, before any spec rule sees it: fragment
   cycles, introspection, depth, aliases, fields, directives;
3. the GraphQL spec's validation rules (those strawberry would run), with suggestions hidden
   when configured and every error given a code;
4. the cost estimate against the ceiling of the caller's role (it needs the types step 3
   checked).

The extension runs validation itself and stores the errors, as strawberry's own
ValidationCache extension does; strawberry then skips its validation. A document that passed
steps 1-3 before is neither parsed nor checked again (documents.py); step 4 always runs.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import (
    ASTValidationRule,
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    MaxIntrospectionDepthRule,
    NoFragmentCyclesRule,
    UniqueDirectivesPerLocationRule,
    validate,
)
from strawberry.extensions import SchemaExtension
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from resolvers.context import RequestContext
from resolvers.limits import aliases, cost, depth, directives, errors, fields, fragments
from resolvers.limits import introspection as introspection_limit
from resolvers.limits.config import OperationLimits
from resolvers.limits.documents import KnownDocuments
from resolvers.limits.tokens import tag_parse_error
from services.identity import PUBLIC

# Rules of the spec whose refusals match a limit get that limit's code; the rest are coded
# GRAPHQL_VALIDATION_FAILED.
_SPEC_CODES: dict[type[ASTValidationRule], tuple[str, str]] = {
    NoFragmentCyclesRule: (errors.FRAGMENT_CYCLE, "片段直接或间接地引用了自身（循环片段）"),
    MaxIntrospectionDepthRule: (errors.INTROSPECTION_TOO_DEEP, "自省查询的列表嵌套过深"),
    UniqueDirectivesPerLocationRule: (errors.DUPLICATE_DIRECTIVE, "同一位置重复使用了指令"),
}
# Strawberry's additions to the spec rules (strawberry.schema.schema.validate_document).
_STRAWBERRY_RULES: tuple[type[ASTValidationRule], ...] = (
    MaybeNullValidationRule,
    OneOfInputValidationRule,
)


def _coded(rule: type[ASTValidationRule]) -> type[ASTValidationRule]:
    if rule not in _SPEC_CODES:
        return rule
    code, message_zh = _SPEC_CODES[rule]

    class Coded(rule):  # type: ignore[valid-type,misc]
        def report_error(self, error: GraphQLError) -> None:
            super().report_error(errors.tag(error, code, message_zh))

    Coded.__name__ = f"Coded{rule.__name__}"
    return Coded


def structural(
    document: DocumentNode, schema: GraphQLSchema, limits: OperationLimits
) -> list[GraphQLError]:
    """Step 2: limits that need no types, so no spec rule runs on a hostile document."""
    try:
        found = [
            fragments.check(document),
            None if limits.introspection else introspection_limit.check(document),
            depth.check(document, limits.max_depth),
            aliases.check(document, limits.max_aliases),
            fields.check(document, limits.max_fields),
        ]
    except RecursionError:  # only a document far past every limit nests this deep
        return [
            errors.refusal(
                errors.DEPTH_LIMIT,
                f"the operation nests too deeply; at most {limits.max_depth} levels are allowed",
                f"查询嵌套过深，最多允许 {limits.max_depth} 层",
                limit=limits.max_depth,
            )
        ]
    refused = [e for e in found if e is not None]
    return refused + directives.check(document, schema, limits.max_directives)


def specified(
    document: DocumentNode,
    schema: GraphQLSchema,
    rules: tuple[type[ASTValidationRule], ...],
    limits: OperationLimits,
) -> list[GraphQLError]:
    """Step 3: the spec's rules, every refusal coded."""
    found = validate(
        schema,
        document,
        [_coded(rule) for rule in (*rules, *_STRAWBERRY_RULES)],
        hide_suggestions=not limits.suggestions,
    )
    return [
        errors.tag(e, errors.VALIDATION_FAILED, f"查询未通过 GraphQL 校验：{e.message}")
        for e in found
    ]


class OperationGuard(SchemaExtension):
    def __init__(self, limits: OperationLimits, known: KnownDocuments | None = None) -> None:
        self.limits = limits
        # Shared by the requests of one schema (documents.py); None: every request afresh.
        self.known = known

    def on_operation(self) -> Iterator[None]:
        self.execution_context.parse_options["max_tokens"] = self.limits.max_tokens
        yield

    def on_parse(self) -> Iterator[None]:
        if self.known is not None:  # strawberry does not parse a document already given
            context = self.execution_context
            context.graphql_document = self.known.document(context.query)
        yield
        for error in self.execution_context.pre_execution_errors or ():
            tag_parse_error(error, self.limits.max_tokens)

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        # Empty rules: validation was switched off on purpose (DisableValidation).
        if (
            document is not None
            and context.pre_execution_errors is None
            and context.validation_rules
        ):
            context.pre_execution_errors = self._refusals(document)
        yield

    def on_execute(self) -> Iterator[None]:
        yield
        # Errors of the request as a whole (a variable that does not coerce, an unknown
        # operation name) come from the executor without a field path.
        for error in getattr(self.execution_context.result, "errors", None) or ():
            if error.path is None:
                errors.tag(error, errors.BAD_REQUEST, f"请求无效：{error.message}")

    def _refusals(self, document: DocumentNode) -> list[GraphQLError]:
        context = self.execution_context
        schema = context.schema._schema
        rules = tuple(context.validation_rules)
        known = self.known is not None and self.known.passed(context.query, document, rules)
        if not known:
            refused = structural(document, schema, self.limits) or specified(
                document, schema, rules, self.limits
            )
            if refused:
                return refused
            if self.known is not None:
                self.known.remember(context.query, document, rules)
        # The cost depends on the variables and the caller's role: checked on every request.
        request = context.context
        identity = request.identity if isinstance(request, RequestContext) else PUBLIC
        too_costly = cost.check(
            schema, document, context.variables, self.limits.cost_ceiling(identity)
        )
        return [too_costly] if too_costly is not None else []
