"""Mutation results, one module per concept: ``XResult = XSuccess | InputErrors | NotFound |
Conflict`` (EXAMPLES #6). A success carries the global id, whether it was an idempotent
replay, and the few fields a client needs to confirm the write; the row id is kept private
(``_pk``) for fields that load the full record."""
