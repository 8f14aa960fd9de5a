"""Small factory helpers, one module per domain (EXAMPLES #12): ``create_x(session, **kw)``."""
