"""The embedded search backend: SQLite FTS5 (the default when no OpenSearch URL is set)."""
