"""Who may upload for which insurer, as the policy says (``create`` on the kind's table).

Everything the bulk path asks about authorization goes through ``UploadPermit``: whether
the identity may upload at all, whether a line's insurer is its own (NOT_YOUR_TENANT), and
the row scope its reference lookups run under, so that another insurer's policy or record
reads as absent (UNKNOWN_REFERENCE): existence does not leak (EXAMPLES #4).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, inspect, true

from policies.resources import ScopeKind
from services.validation import Checker
from services.write_access import Access, Action
from store.models.fee_ledger_entry import FeeLedgerEntry
from store.models.insurance_policy import InsurancePolicy
from store.models.service_record import ServiceRecord
from store.models.service_scheme import ServiceScheme
from store.repositories.base import EVERYTHING, RowScope

# Rows that belong to one insurer (its tenant) among those a bulk line may refer to.
_TENANT_OWNED: frozenset[type[Any]] = frozenset(
    {InsurancePolicy, ServiceScheme, ServiceRecord, FeeLedgerEntry}
)


class _InsurerScope:
    """Tenant-owned rows of the given insurers; every other table unrestricted."""

    def __init__(self, insurer_ids: frozenset[int]) -> None:
        self.insurer_ids = insurer_ids

    def where(self, entity: Any) -> ColumnElement[bool]:
        if inspect(entity).mapper.class_ in _TENANT_OWNED:
            condition: ColumnElement[bool] = entity.insurer_id.in_(self.insurer_ids)
            return condition
        return true()


@dataclass(frozen=True, slots=True)
class UploadPermit:
    insurer_ids: frozenset[int] | None  # None: any insurer
    # What the upload's reference lookups see: the uploader's read + refer scope under the
    # policy. Absent (service tests build permits by hand): the insurers' tenant as above.
    lookups: RowScope | None = None

    @classmethod
    def of(cls, access: Access, resource: str) -> UploadPermit | None:
        """The policy's permit to create ``resource`` rows in bulk; ``None`` when it grants
        none. Uploads are bounded by tenant: an ``own_tenant`` grant uploads for its
        insurer, an ``all`` grant for any; a grant of any other kind does not upload."""
        granted = access.for_action(Action.CREATE).grant_kinds(resource)
        if any(kind is ScopeKind.ALL for _, kind in granted):
            insurer_ids = None
        else:
            insurer_ids = frozenset(
                grant.insurer_id
                for grant, kind in granted
                if kind is ScopeKind.OWN_TENANT and grant.insurer_id is not None
            )
            if not insurer_ids:
                return None
        return cls(insurer_ids=insurer_ids, lookups=access.for_action(Action.REFER))

    def allows(self, insurer_id: int) -> bool:
        return self.insurer_ids is None or insurer_id in self.insurer_ids

    @property
    def scope(self) -> RowScope:
        if self.lookups is not None:
            return self.lookups
        return EVERYTHING if self.insurer_ids is None else _InsurerScope(self.insurer_ids)

    def check_insurer(self, check: Checker, field: str, insurer_id: int) -> bool:
        """An insurer writes its own data only (DESIGN.md, roles): False when reported."""
        if self.allows(insurer_id):
            return True
        check.fail(
            "NOT_YOUR_TENANT",
            field,
            "只能上传本保险机构的数据",
            "an insurer uploads its own data only",
        )
        return False
