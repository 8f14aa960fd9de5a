from __future__ import annotations

from resolvers.context import Info
from schema.viewer import Viewer


def viewer(info: Info) -> Viewer:
    identity = info.context.identity
    return Viewer(
        name=identity.name, display_name=identity.display_name, roles=list(identity.roles)
    )
