"""Refusals of an operation: a GraphQL error with a stable ``code`` and a Chinese message in
``extensions`` (the English one is the error's message), never masked (resolvers.masking keeps
errors without an original exception)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from graphql import GraphQLError, Node

# Codes are a public contract (services/errors.py): never change one's meaning once shipped.
PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
BAD_REQUEST = "BAD_REQUEST"  # variables that do not coerce, an unknown operation name
TOKEN_LIMIT = "TOKEN_LIMIT_EXCEEDED"
DEPTH_LIMIT = "DEPTH_LIMIT_EXCEEDED"
ALIAS_LIMIT = "ALIAS_LIMIT_EXCEEDED"
FIELD_LIMIT = "FIELD_LIMIT_EXCEEDED"
DIRECTIVE_LIMIT = "DIRECTIVE_LIMIT_EXCEEDED"
DUPLICATE_DIRECTIVE = "DUPLICATE_DIRECTIVE"
FRAGMENT_CYCLE = "FRAGMENT_CYCLE"
INTROSPECTION_DISABLED = "INTROSPECTION_DISABLED"
INTROSPECTION_TOO_DEEP = "INTROSPECTION_TOO_DEEP"
COST_LIMIT = "COST_LIMIT_EXCEEDED"
STATEMENT_TIMEOUT = "STATEMENT_TIMEOUT"


def refusal(
    code: str,
    message_en: str,
    message_zh: str,
    nodes: Collection[Node] | Node | None = None,
    **details: Any,
) -> GraphQLError:
    extensions = {"code": code, "messageZh": message_zh, **details}
    return GraphQLError(message_en, nodes, extensions=extensions)


def tag(error: GraphQLError, code: str, message_zh: str) -> GraphQLError:
    """Give an error raised by graphql-core a code, unless it already carries one."""
    extensions = dict(error.extensions or {})
    if "code" not in extensions:
        extensions.update(code=code, messageZh=message_zh)
        error.extensions = extensions
    return error
