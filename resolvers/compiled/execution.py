"""The one hook into graphql-core: values a compiled resolver returns skip completion."""

from __future__ import annotations

from typing import Any

from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext


class JsonText:
    """A subtree as the JSON text the database wrote, for a response the HTTP view encodes
    (server/json_codec.py copies it into the body unparsed)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


class Precompleted:
    """A response subtree already in its final JSON shape (keys are response keys)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    @classmethod
    def of_text(cls, text: str | None) -> Precompleted:
        return cls(None if text is None else JsonText(text))


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
