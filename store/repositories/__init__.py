"""Repositories: every query of the application lives here, one module per concept."""
