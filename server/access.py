"""An identity's rights under the process's current policy: the one way the server builds
the scope object every read and write of a request goes through (policies/scope.py)."""

from __future__ import annotations

from policies.scope import Scope
from server.policy_source import PolicySource
from services.identity import Identity


async def access_of(policy: PolicySource, identity: Identity) -> Scope:
    return Scope(identity, (await policy.decisions()).decide)
