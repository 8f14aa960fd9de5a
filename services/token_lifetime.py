"""The longest lifetime a bearer token may have (a dependency-free module: settings read it).

``ANZEXIAN_TOKEN_TTL_HOURS`` and ``anzexian token issue --hours`` are capped here, and a jti
revoked without its token is remembered this long: only then is every token that may carry
it sure to have expired.
"""

from __future__ import annotations

from datetime import timedelta

MAX_TOKEN_HOURS = 24 * 30
MAX_TOKEN_LIFETIME = timedelta(hours=MAX_TOKEN_HOURS)
