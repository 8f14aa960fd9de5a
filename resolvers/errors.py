"""The one translation of a refused read into a GraphQL error (EXAMPLES #7): the stable code,
the Chinese message beside the English, and, for refused input, every field at fault.
Mutations answer with union types instead (resolvers/mutations/outcome.py)."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError

from services.errors import DomainError, InputError


def graphql_error(exc: DomainError) -> GraphQLError:
    extensions: dict[str, Any] = {"code": exc.code, "messageZh": exc.message_zh}
    if isinstance(exc, InputError):
        extensions["errors"] = [e.as_dict() for e in exc.errors]
    return GraphQLError(exc.message_en, extensions=extensions)
