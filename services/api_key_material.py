"""API key strings: generate, parse, hash, verify. Pure functions, no database.

A key reads ``azx_<prefix>_<secret>``: ``azx_`` tells it from a JWT at a glance (and lets a
secret scanner find leaked keys), ``prefix`` is 8 lower-case letters or digits naming the
key (public, shown in listings), ``secret`` is 32 random bytes in unpadded base64url
(43 characters). Only ``sha256(secret)`` is stored.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import string
from dataclasses import dataclass

from store.models.api_key import PREFIX_LENGTH

SCHEME = "azx_"
SECRET_BYTES = 32  # 256 bits: guessing is hopeless, so a salted slow hash would add nothing
_PREFIX_ALPHABET = string.ascii_lowercase + string.digits  # no "_": the separator stays unique
_SECRET_LENGTH = 43  # base64url of 32 bytes without padding
_KEY = re.compile(
    rf"{SCHEME}(?P<prefix>[a-z0-9]{{{PREFIX_LENGTH}}})_(?P<secret>[A-Za-z0-9_-]{{{_SECRET_LENGTH}}})"
)


@dataclass(frozen=True, slots=True)
class KeyMaterial:
    prefix: str
    secret: str

    @property
    def key(self) -> str:
        """The string handed to the client once; it is never stored."""
        return f"{SCHEME}{self.prefix}_{self.secret}"

    @property
    def secret_hash(self) -> str:
        return hash_secret(self.secret)


def generate() -> KeyMaterial:
    prefix = "".join(secrets.choice(_PREFIX_ALPHABET) for _ in range(PREFIX_LENGTH))
    return KeyMaterial(prefix=prefix, secret=secrets.token_urlsafe(SECRET_BYTES))


def looks_like_api_key(credential: str) -> bool:
    """Whether a bearer credential is meant as an API key (rather than a JWT)."""
    return credential.startswith(SCHEME)


def parse(key: str) -> KeyMaterial | None:
    """The prefix and secret of a well-formed key, else ``None``."""
    match = _KEY.fullmatch(key)
    if match is None:
        return None
    return KeyMaterial(prefix=match["prefix"], secret=match["secret"])


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def secret_matches(secret: str, secret_hash: str) -> bool:
    # Constant time, so response timing says nothing about how much of a guess was right.
    return hmac.compare_digest(hash_secret(secret), secret_hash)
