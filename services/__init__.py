"""The standard's rules: validation, ingestion workflows, deadlines, findings, archives."""
