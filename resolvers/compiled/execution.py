"""The one hook into graphql-core: values a compiled resolver returns skip completion."""

from __future__ import annotations

from typing import Any

from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext


class Precompleted:
    """A response subtree already in its final JSON shape (keys are response keys)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


class CompiledExecutionContext(StrawberryGraphQLCoreExecutionContext):
    def complete_value(
        self,
        return_type: Any,
        field_details_list: Any,
        info: Any,
        path: Any,
        result: Any,
        position_context: Any,
    ) -> Any:
        if isinstance(result, Precompleted):
            return result.value
        return super().complete_value(
            return_type, field_details_list, info, path, result, position_context
        )
