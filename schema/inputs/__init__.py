"""Mutation inputs, one module per concept; fields mirror the services' dataclasses.

Ids are global ids (``"InsuredUnit:7"``), money and ratios ``Decimal`` strings, instants
``DateTime`` with an offset (the services refuse a naive one), days ``Date``. Fields the
standard requires but that are nullable here are checked by the service, so a missing one
comes back as a typed error with its rule instead of a bare GraphQL error.
"""
