"""Errors of credential handling (API keys, bearer tokens), with stable codes."""

from __future__ import annotations

from services.errors import DomainError


class CredentialRefused(DomainError):
    """A presented credential is not acceptable: HTTP 401, never a downgrade to public."""

    code = "UNAUTHENTICATED"


class UnknownPrincipal(DomainError):
    code = "UNKNOWN_PRINCIPAL"

    def __init__(self, name: str) -> None:
        super().__init__(f"用户不存在：{name}", f"no such principal: {name}")
        self.name = name


class PrincipalInactive(DomainError):
    code = "PRINCIPAL_INACTIVE"

    def __init__(self, name: str) -> None:
        super().__init__(f"用户已停用：{name}", f"principal is inactive: {name}")
        self.name = name


class UnknownApiKey(DomainError):
    code = "UNKNOWN_API_KEY"

    def __init__(self, prefix: str) -> None:
        super().__init__(f"API 密钥不存在：{prefix}", f"no such API key: {prefix}")
        self.prefix = prefix
