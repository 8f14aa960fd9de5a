"""Field suggestions off (production default): "Cannot query field 'secrt'. Did you mean
'secret'?" lets a client rebuild the schema with introspection off.

graphql-core 3.3 can leave the hint out where it writes it (``hide_suggestions``). Strawberry
does not pass that option on (its own ``disable_field_suggestions`` only trims messages about
unknown fields), so both places are reached directly: validation runs in guard.py, and the
executor below coerces variables (an unknown enum value, a misspelt input field) without hints.
"""

from __future__ import annotations

from typing import Any

from resolvers.compiled.execution import CompiledExecutionContext


class ExecutionWithoutSuggestions(CompiledExecutionContext):
    @classmethod
    def build(cls, *args: Any, **kwargs: Any) -> Any:
        kwargs["hide_suggestions"] = True
        return super().build(*args, **kwargs)
