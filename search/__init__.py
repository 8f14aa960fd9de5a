"""Full-text search: mappings, documents, query builders, indexer, backends."""
