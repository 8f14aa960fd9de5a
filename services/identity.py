"""Who is asking — defined in ``policies.identity`` (policies sit below services: the scope
compiler reads the grants); re-exported here for the services and resolvers."""

from policies.identity import PUBLIC, PUBLIC_GRANT, Identity, RoleGrant

__all__ = ["PUBLIC", "PUBLIC_GRANT", "Identity", "RoleGrant"]
