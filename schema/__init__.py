"""Strawberry types, inputs, enums and errors; the exported SDL lives in schema.graphql."""
