"""An insurer records its contract with a hired technical service agency (聘用技术服务机构的
合同) for an insured unit or one policy of it. R-7.4-archive: the unit's archive holds "the
contracts and records of hired experts and agencies"; a contract is archived and never
changed (a new contract is a new row). R-7.1-staff: a suspended agency gets no new work, so
no new contract either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from services import references
from services.agency import check_agency_accepts_work
from services.insurance_policy import policy_of
from services.validation import Checker
from store.models.agency_contract import AgencyContract
from store.repositories.agency_contract import AgencyContractRepository

RULE = "R-7.4-archive"
SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True, slots=True)
class AgencyContractInput:
    insurer_id: int
    agency_id: int
    unit_id: int
    signed_on: date
    valid_from: date
    scope_of_services: str
    document_ref: str
    policy_id: int | None = None  # None: every policy of the unit with the insurer
    valid_to: date | None = None  # inclusive; None: open-ended
    document_sha256: str | None = None  # of the signed text, lowercase hex


async def create_agency_contract(
    session: AsyncSession, data: AgencyContractInput
) -> AgencyContract:
    """Check and add a contract; all or nothing (raises ``InputError``)."""
    check = Checker()
    insurer_id = check.identifier("insurerId", data.insurer_id)
    agency_id = check.identifier("agencyId", data.agency_id)
    unit_id = check.identifier("unitId", data.unit_id)
    policy_id = check.identifier("policyId", data.policy_id, required=False)
    signed_on = check.day("signedOn", data.signed_on)
    valid_from = check.day("validFrom", data.valid_from)
    valid_to = check.day("validTo", data.valid_to, required=False)
    scope = check.text("scopeOfServices", data.scope_of_services, max_len=2000, multiline=True)
    document_ref = check.text("documentRef", data.document_ref, max_len=256)
    digest = check.pattern(
        "documentSha256",
        None if data.document_sha256 is None else data.document_sha256.lower(),
        SHA256,
        code="BAD_DIGEST",
        zh="应为64位十六进制的 SHA-256 摘要",
        en="must be a SHA-256 digest: 64 hexadecimal digits",
        max_len=64,
        required=False,
    )
    check.in_order("validFrom", valid_from, "validTo", valid_to, rule=RULE)
    # A contract is signed before it ends: one signed after its validity covers nothing.
    check.in_order("signedOn", signed_on, "validTo", valid_to, code="SIGNED_AFTER_END", rule=RULE)
    check.raise_if_any()
    assert insurer_id is not None and agency_id is not None and unit_id is not None
    assert signed_on is not None and valid_from is not None
    assert scope is not None and document_ref is not None

    await references.insurer(check, session, "insurerId", insurer_id)
    await check_agency_accepts_work(check, session, "agencyId", agency_id)
    if policy_id is None:
        await references.insured_unit(check, session, "unitId", unit_id)
    else:
        policy = await policy_of(
            check, session, "policyId", policy_id, insurer_id=insurer_id, unit_id=unit_id
        )
        if policy is not None and not _overlaps(policy.period_start, policy.period_end, data):
            check.fail(
                "CONTRACT_OUTSIDE_POLICY",
                "validFrom",
                "合同有效期与保险期间不重叠",
                "the contract's validity does not overlap the policy's period",
                rule=RULE,
            )
    check.raise_if_any()
    return await AgencyContractRepository(session).add(
        AgencyContract(
            insurer_id=insurer_id,
            agency_id=agency_id,
            unit_id=unit_id,
            policy_id=policy_id,
            signed_on=signed_on,
            valid_from=valid_from,
            valid_to=valid_to,
            scope_of_services=scope,
            document_ref=document_ref,
            document_sha256=digest,
        )
    )


def _overlaps(start: date, end: date, data: AgencyContractInput) -> bool:
    """[valid_from, valid_to] meets the policy's [start, end) (end exclusive)."""
    return data.valid_from < end and (data.valid_to is None or data.valid_to >= start)
