"""Global ids in filter inputs, turned into keys for the services: one parser, so `stats` and
`findings` refuse a bad id with the same code, field path and messages."""

from __future__ import annotations

import strawberry

from schema.ids import BadGlobalId, parse_int_id
from services.errors import FieldError, InputError


def insurer_ids(values: list[strawberry.ID], field: str = "filter.insurers") -> list[int]:
    """The insurers' keys of ``values``; every bad id is named (``field[i]``) in one refusal."""
    ids, errors = [], []
    for i, value in enumerate(values):
        try:
            ids.append(parse_int_id(str(value), "Insurer"))
        except BadGlobalId:
            errors.append(
                FieldError(
                    "BAD_GLOBAL_ID",
                    f"{field}[{i}]",
                    "应为保险机构全局 ID（Insurer:<主键>）",
                    "must be an insurer's global id (Insurer:<key>)",
                )
            )
    if errors:
        raise InputError(errors)
    return ids
