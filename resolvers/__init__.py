"""Thin GraphQL resolvers: parse arguments, call a service, map to a schema type."""
