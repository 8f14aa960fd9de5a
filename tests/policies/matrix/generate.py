"""Regenerate the authorization matrix: ``python -m tests.policies.matrix.generate``.

Seeds the demo data (the tests' seed) into a throwaway SQLite file, runs the oracle over it and
writes the matrix. Review the diff like code: it is what the policy means, cell by cell.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from store.database import create_engine
from store.demo.seed import seed
from store.migrate import upgrade
from tests.policies.matrix.cells import MATRIX_PATH, Matrix, generate, render
from tests.policies.matrix.oracle import default_policy
from tests.policies.matrix.world import load_world
from tests.seeded import DEMO_SEED


async def build_matrix() -> Matrix:
    with tempfile.TemporaryDirectory() as folder:
        engine = create_engine(f"sqlite+aiosqlite:///{Path(folder) / 'matrix.db'}")
        try:
            await upgrade(engine)
            async with engine.connect() as conn:
                outer = await conn.begin()
                await seed(conn, scale="demo", seed=DEMO_SEED)
                world = await load_world(conn)
                await outer.rollback()
        finally:
            await engine.dispose()
    return generate(world, default_policy())


def main() -> None:
    matrix = asyncio.run(build_matrix())
    MATRIX_PATH.write_text(render(matrix, seed=DEMO_SEED), encoding="utf-8")
    print(f"{len(matrix.cells)} cells written to {MATRIX_PATH}")


if __name__ == "__main__":
    main()
