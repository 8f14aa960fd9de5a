"""Which credential a request presents, read from its headers (no database).

- no ``Authorization`` and no ``X-API-Key``: none (the public role);
- ``Authorization: Bearer azx_...`` or ``X-API-Key: azx_...``: an API key;
- ``Authorization: Bearer <anything else>``: a JWT;
- both headers, another scheme, or an ``X-API-Key`` that is not a key: refused (401), so a
  client's mistake never silently becomes the public role.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from starlette.datastructures import Headers

from services.api_key_material import looks_like_api_key
from services.credential_errors import CredentialRefused

API_KEY_HEADER = "x-api-key"


@dataclass(frozen=True, slots=True)
class Presented:
    kind: Literal["jwt", "api_key"]
    value: str


def has_credential(headers: Headers) -> bool:
    return bool(headers.get("authorization") or headers.get(API_KEY_HEADER))


def presented_credential(headers: Headers) -> Presented | None:
    authorization = headers.get("authorization") or None  # an empty header is no header
    api_key = (headers.get(API_KEY_HEADER) or "").strip() or None
    if authorization is None and api_key is None:
        return None
    if authorization is not None and api_key is not None:
        raise CredentialRefused(
            "请只使用一种凭证：Authorization 或 X-API-Key，不要同时提供",
            "send one credential: 'Authorization' or 'X-API-Key', not both",
        )
    if api_key is not None:
        if not looks_like_api_key(api_key):
            raise CredentialRefused(
                "X-API-Key 应为以 azx_ 开头的 API 密钥",
                "X-API-Key must hold an API key (azx_...)",
            )
        return Presented("api_key", api_key)
    assert authorization is not None
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise CredentialRefused(
            "认证方式应为 Authorization: Bearer <令牌或 API 密钥>",
            "expected 'Authorization: Bearer <token or API key>'",
        )
    return Presented("api_key" if looks_like_api_key(token) else "jwt", token)
