"""``seed()`` writes the demo data set on both backends, inside the caller's transaction."""

from __future__ import annotations

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from store.demo.seed import DatabaseNotEmptyError, seed
from store.models import Insurer, ServiceRecord


async def test_seed_demo_writes_the_data_set_without_committing(
    connection: AsyncConnection,
) -> None:
    report = await seed(connection, scale="demo", seed=1)

    assert connection.in_transaction()  # the caller's, still open: seed never commits
    assert report.counts["insured_unit"] == 300
    assert 2_000 <= report.counts["service_record"] <= 8_000
    assert report.counts["region"] > 3_000
    assert report.elapsed_seconds < 15
    assert f"{report.counts['service_record']:,}" in report.summary()
    records = (await connection.execute(select(func.count()).select_from(ServiceRecord))).scalar()
    assert records == report.counts["service_record"]


async def test_seed_refuses_a_database_that_has_insurers(connection: AsyncConnection) -> None:
    await connection.execute(
        insert(Insurer).values(code="X", name="已有保险机构", credit_code="91110000MA0000000X")
    )
    with pytest.raises(DatabaseNotEmptyError):
        await seed(connection, scale="demo", seed=1)


async def test_ids_continue_after_the_seeded_ones(connection: AsyncConnection) -> None:
    report = await seed(connection, scale="demo", seed=2)
    # On PostgreSQL the sequences were moved past the explicit ids (setval after COPY).
    new_id = (
        await connection.execute(
            insert(Insurer)
            .values(code="NEW", name="新保险机构", credit_code="91110000MA00000019")
            .returning(Insurer.id)
        )
    ).scalar_one()
    assert new_id == report.counts["insurer"] + 1
