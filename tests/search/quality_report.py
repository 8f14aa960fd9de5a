"""Figures of the labelled query set, printed at the end of the run (tests/search/conftest)."""

from __future__ import annotations

FIGURES: list[str] = []
