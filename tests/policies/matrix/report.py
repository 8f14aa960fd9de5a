"""Lines the matrix tests hand to pytest's terminal summary (tests/policies/conftest.py), so
the number of cells checked shows in every run, not only under ``-s``."""

from __future__ import annotations

SUMMARY: list[str] = []
