"""Technical service agencies for tests; the region is created on first use."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from store.enums import AgencyKind, AgencyStatus
from store.models.agency import Agency
from store.repositories.agency import AgencyRepository
from tests.factories.codes import credit_code
from tests.factories.region import ensure_region

_n = itertools.count(1)


async def create_agency(session: AsyncSession, **overrides: Any) -> Agency:
    """An active consultancy in 440300 深圳市 without qualifications, unless overridden."""
    values: dict[str, Any] = {
        "credit_code": credit_code(),
        "name": f"测试安全技术咨询有限公司{next(_n)}",
        "kind": AgencyKind.CONSULTANCY,
        "region_code": "440300",
        "status": AgencyStatus.ACTIVE,
        "qualifications": [],
    }
    values.update(overrides)
    await ensure_region(session, values["region_code"])
    return await AgencyRepository(session).add(Agency(**values))
