"""Mutations for the workflows of the standard, one module per concept (issue 3, item 4).

Each module defines ``XMutation`` with its fields; ``PARTS`` is what resolvers.root merges
into the Mutation type. Until authorization (issue 4) lands, the acting insurer, unit or
agency is the one the input names.
"""

from resolvers.mutations.agency_contract import AgencyContractMutation
from resolvers.mutations.annual_evaluation import AnnualEvaluationMutation
from resolvers.mutations.complaint import ComplaintMutation
from resolvers.mutations.fee_ledger_entry import FeeLedgerEntryMutation
from resolvers.mutations.follow_up import FollowUpMutation
from resolvers.mutations.improvement_measure import ImprovementMeasureMutation
from resolvers.mutations.insurance_policy import InsurancePolicyMutation
from resolvers.mutations.service_record import ServiceRecordMutation
from resolvers.mutations.service_scheme import ServiceSchemeMutation
from resolvers.mutations.unit_confirmation import UnitConfirmationMutation

# In the order of the standard's workflow: contract, scheme, service, follow-up, archive,
# complaints, ledger, evaluation, improvement.
PARTS: tuple[type, ...] = (
    InsurancePolicyMutation,
    ServiceSchemeMutation,
    ServiceRecordMutation,
    FollowUpMutation,
    UnitConfirmationMutation,
    ComplaintMutation,
    FeeLedgerEntryMutation,
    AgencyContractMutation,  # R-7.4-archive: contracts of hired agencies
    AnnualEvaluationMutation,
    ImprovementMeasureMutation,
)
