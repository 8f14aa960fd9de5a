"""Collects every field error of one input, then raises them together.

A service builds a ``Checker``, runs the checks for each field (each returns the cleaned
value or ``None``), and calls ``raise_if_any()`` before it touches the database, so a
refused write never leaves half a row behind. The checks live in one module per kind of
value; this class only assembles them.
"""

from __future__ import annotations

from services.validation.numbers import NumberChecks
from services.validation.scalars import MAX_ID, ScalarChecks
from services.validation.text import TextChecks
from services.validation.time import TimeChecks


class Checker(TextChecks, ScalarChecks, NumberChecks, TimeChecks):
    pass


__all__ = ["MAX_ID", "Checker"]
