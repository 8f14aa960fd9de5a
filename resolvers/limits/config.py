"""What an operation may ask for. The server builds one from its settings (server/limits.py);
the schema enforces it (resolvers/limits/guard.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from services.identity import Identity
from store.enums import Role


@dataclass(frozen=True, slots=True)
class OperationLimits:
    max_depth: int  # fields on the longest path, fragments expanded
    max_aliases: int  # aliases, counted once per fragment spread that brings them
    max_tokens: int  # lexical tokens, comments included (graphql-core's parser stops there)
    max_fields: int  # field selections, counted once per fragment spread that brings them
    max_directives: int  # directive uses written in the document
    cost_ceilings: Mapping[Role, int]  # resolvers/limits/cost.py, per role
    introspection: bool  # __schema and __type answer
    suggestions: bool  # "Did you mean …?" in error messages
    statement_timeout_ms: int  # PostgreSQL only; 0 = none

    def cost_ceiling(self, identity: Identity) -> int:
        """The most generous ceiling among the identity's roles; without a role, the public's."""
        ceilings = [self.cost_ceilings[role] for role in identity.roles]
        return max(ceilings, default=self.cost_ceilings[Role.PUBLIC])
