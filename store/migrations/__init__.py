"""Alembic migrations; the same scripts run on SQLite and PostgreSQL."""
