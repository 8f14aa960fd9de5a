"""The explicit package list of pyproject.toml names every package of the layers, so a
non-editable install (a wheel) carries all the code the editable checkout runs."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ("server", "resolvers", "schema", "services", "policies", "search", "store")
# Not a layer: the pages' static files (issue 7), a package only so that the wheel ships them.
ASSETS = ("web",)


def test_every_package_is_listed() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for layer in (*LAYERS, *ASSETS)
        for init in (ROOT / layer).glob("**/__init__.py")
    }
    assert found - listed == set()
    assert listed - found == set()
