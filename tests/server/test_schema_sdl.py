"""schema/schema.graphql is the exported SDL; drift fails here (EXAMPLES #11)."""

from __future__ import annotations

from pathlib import Path

from resolvers.root import build_schema

SDL = Path(__file__).resolve().parents[2] / "schema" / "schema.graphql"


def test_sdl_snapshot_is_current() -> None:
    assert SDL.read_text(encoding="utf-8") == build_schema().as_str() + "\n", (
        "schema changed: run `anzexian export-schema` and commit schema/schema.graphql"
    )
