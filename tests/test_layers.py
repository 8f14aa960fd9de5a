"""Dependencies point one way (DESIGN.md): server → resolvers → (schema, services) →
(policies, search, store). A module importing a layer above it fails here."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# layer → the layers it must never import
FORBIDDEN: dict[str, set[str]] = {
    "store": {"server", "resolvers", "schema", "services", "policies", "search"},
    "policies": {"server", "resolvers", "schema", "services", "search"},
    "search": {"server", "resolvers", "schema", "services"},
    "services": {"server", "resolvers", "schema"},
    "schema": {"server", "resolvers", "services", "policies", "search"},
    "resolvers": {"server"},
}

# Known debts, each with its reason; the test fails if one disappears, so the list stays true.
ALLOWED = {
    # The demo generator makes valid credit codes with the validators' own arithmetic.
    ("store/demo/identity.py", "services"),
    # Bulk NDJSON lines carry the same global ids ("Type:key") as the GraphQL inputs.
    ("services/bulk/report.py", "schema"),
    ("services/bulk/wire.py", "schema"),
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
    return found


def test_no_module_imports_a_layer_above_it() -> None:
    violations = set()
    for layer, forbidden in FORBIDDEN.items():
        for path in (ROOT / layer).rglob("*.py"):
            for imported in _imports(path) & forbidden:
                violations.add((path.relative_to(ROOT).as_posix(), imported))
    assert violations - ALLOWED == set()
    assert ALLOWED - violations == set(), "a known debt was paid: remove it from ALLOWED"
