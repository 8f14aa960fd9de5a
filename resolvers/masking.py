"""Which errors reach clients as written (EXAMPLES #6, issue 3 item 4).

Kept: a ``DomainError`` (it carries a stable code and a message written for the client) and
GraphQL's own errors (syntax, validation, input coercion such as a float given for a
``Decimal``), which say what is wrong with the request. Anything else — a bug, a database
failure — becomes "Unexpected error." so no SQL, path or stack detail leaks; strawberry
logs the original before it is masked.
"""

from __future__ import annotations

from graphql import GraphQLError
from strawberry.extensions import MaskErrors

from services.errors import DomainError

MASKED_MESSAGE = "Unexpected error."


def should_mask_error(error: GraphQLError) -> bool:
    original = error.original_error
    if original is None:  # raised by GraphQL itself: syntax, validation, non-null
        return False
    # Input coercion wraps its own GraphQLError (e.g. the Decimal scalar refusing a float).
    return not isinstance(original, DomainError | GraphQLError)


def mask_errors() -> MaskErrors:
    return MaskErrors(should_mask_error=should_mask_error, error_message=MASKED_MESSAGE)
