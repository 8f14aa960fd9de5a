"""Casbin model and policy, and the scope compiler (scope -> SQL, scope -> OpenSearch)."""
