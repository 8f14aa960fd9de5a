"""Tamper-evident archives (R-7.4-archive): verifying the units' chains, signed checkpoints
of their heads, and a unit's archive as GraphQL shows it (completeness, integrity).

The chains themselves are appended by the store (store/archive/), in the transaction of
every write of an archived row.
"""
