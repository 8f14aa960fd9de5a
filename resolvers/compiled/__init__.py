"""The compiled read path: GraphQL selection → selection tree → one SQL statement → JSON.

graphql-core parses, validates, coerces variables and runs the root fields; a compiled root
field returns its whole subtree already complete (``Precompleted``), so graphql-core never
walks the rows field by field — the cost strawberry's per-field resolution would add."""
