from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from store.models.insurer import Insurer
from tests.factories.codes import credit_code

_n = itertools.count(1)


async def create_insurer(session: AsyncSession, **overrides: Any) -> Insurer:
    n = next(_n)
    values: dict[str, Any] = {
        "code": f"INS{n}",
        "name": f"测试财产保险股份有限公司{n}",
        "credit_code": credit_code(),
    }
    values.update(overrides)
    insurer = Insurer(**values)
    session.add(insurer)
    await session.flush()
    return insurer
