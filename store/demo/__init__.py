"""Deterministic demo and bench data sets (``anzexian seed``)."""
