"""Every model, imported so that ``Base.metadata`` knows all tables (Alembic reads it)."""

from typing import Any

from store.archive.hook import install as _install_archive_chain
from store.base import Base
from store.models.agency import Agency
from store.models.agency_contract import AgencyContract
from store.models.agency_qualification import AgencyQualification
from store.models.agency_status_change import AgencyStatusChange
from store.models.annual_evaluation import AnnualEvaluation
from store.models.api_key import ApiKey
from store.models.archive_entry import ArchiveEntry
from store.models.archive_head import ArchiveHead
from store.models.audit_entry import AuditEntry
from store.models.audit_subject import AuditSubject
from store.models.auth_version import AuthVersion
from store.models.complaint import Complaint
from store.models.fee_ledger_entry import FeeLedgerEntry
from store.models.follow_up import FollowUp
from store.models.hazard import Hazard
from store.models.idempotency_key import IdempotencyKey
from store.models.improvement_measure import ImprovementMeasure
from store.models.industry import Industry
from store.models.insurance_policy import InsurancePolicy
from store.models.insured_unit import InsuredUnit
from store.models.insurer import Insurer
from store.models.insurer_branch import InsurerBranch
from store.models.policy_rule import PolicyRule
from store.models.policy_service_item import PolicyServiceItem
from store.models.principal import Principal
from store.models.region import Region
from store.models.region_ancestor import RegionAncestor
from store.models.revoked_token import RevokedToken
from store.models.role_binding import RoleBinding
from store.models.scheme_item import SchemeItem
from store.models.scheme_staff import SchemeStaff
from store.models.search_dead_letter import SearchDeadLetter
from store.models.search_indexer_lease import SearchIndexerLease
from store.models.search_outbox import SearchOutbox
from store.models.service_record import ServiceRecord
from store.models.service_record_staff import ServiceRecordStaff
from store.models.service_scheme import ServiceScheme
from store.models.staff_member import StaffMember
from store.models.staff_training import StaffTraining
from store.models.unit_confirmation import UnitConfirmation
from store.outbox import install as _install_search_outbox

# Writes of searchable rows add search outbox rows in their own flush (store/outbox.py).
_install_search_outbox()
# Writes of archived rows append to their unit's archive chain (store/archive/hook.py).
_install_archive_chain()

__all__ = [
    "Agency",
    "AgencyContract",
    "AgencyQualification",
    "AgencyStatusChange",
    "AnnualEvaluation",
    "ApiKey",
    "ArchiveEntry",
    "ArchiveHead",
    "AuditEntry",
    "AuditSubject",
    "AuthVersion",
    "Complaint",
    "FeeLedgerEntry",
    "FollowUp",
    "Hazard",
    "IdempotencyKey",
    "ImprovementMeasure",
    "Industry",
    "InsurancePolicy",
    "InsuredUnit",
    "Insurer",
    "InsurerBranch",
    "PolicyRule",
    "PolicyServiceItem",
    "Principal",
    "Region",
    "RegionAncestor",
    "RevokedToken",
    "RoleBinding",
    "SchemeItem",
    "SchemeStaff",
    "SearchDeadLetter",
    "SearchIndexerLease",
    "SearchOutbox",
    "ServiceRecord",
    "ServiceRecordStaff",
    "ServiceScheme",
    "StaffMember",
    "StaffTraining",
    "UnitConfirmation",
    "model_of",
]


# Every model is imported above, so the registry is complete here.
_BY_TABLE: dict[str, type[Any]] = {
    mapper.class_.__tablename__: mapper.class_ for mapper in Base.registry.mappers
}


def model_of(table: str) -> type[Any]:
    """The mapped class of ``table``: the policy names its resources by table."""
    return _BY_TABLE[table]
