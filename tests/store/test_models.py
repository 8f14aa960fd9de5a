"""Properties every model must keep: no lazy loading, sensitive columns marked."""

from __future__ import annotations

import store.models  # noqa: F401
from store.base import Base


def test_every_relationship_raises_on_lazy_load() -> None:
    # lazy="raise": a query can never hide behind attribute access (EXAMPLES #8).
    offenders = [
        f"{mapper.class_.__name__}.{rel.key}"
        for mapper in Base.registry.mappers
        for rel in mapper.relationships
        if rel.lazy != "raise"
    ]
    assert offenders == []


def test_personal_and_secret_columns_are_marked() -> None:
    # R-4.2-privacy: the masking layer protects exactly the columns marked here.
    marked = {
        f"{table.name}.{column.name}": column.info["sensitivity"]
        for table in Base.metadata.tables.values()
        for column in table.columns
        if "sensitivity" in column.info
    }
    assert marked == {
        "insured_unit.contact_name": "personal",
        "insured_unit.contact_phone": "personal",
        "insured_unit.business_secret_notes": "business_secret",
        "staff_member.phone": "personal",
        "staff_member.id_number": "personal",
    }


def test_money_columns_are_exact_decimals() -> None:
    from sqlalchemy import Float, Numeric

    floats = [
        f"{table.name}.{column.name}"
        for table in Base.metadata.tables.values()
        for column in table.columns
        if isinstance(column.type, Float)
        or (isinstance(column.type, Numeric) and not column.type.asdecimal)
    ]
    assert floats == []
