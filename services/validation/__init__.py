"""Input validation shared by every write path: one checker, stable codes, bilingual messages."""

from services.validation.checker import Checker

__all__ = ["Checker"]
