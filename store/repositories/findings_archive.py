"""R-7.4-archive: a unit's service archive (服务档案) with an insurer holds every document the
ruleset lists ([retention] documents), checked per policy from the tables that hold them, for
policies whose period ended within the retention period ([retention] years).

The source tables, not the tamper-evident archive chain, answer what exists: a document is
missing when its rows are. The contracts of hired agencies (``agency_contract``, migration
0010) are missing when a service of the policy was given to an agency (``agency_id``) that no
contract of the insurer with that agency covers: for the unit (or that policy), valid on the
day the service was planned; a policy no agency served needs none (met). Contracts with
individually hired experts are not in the data model: the ruleset's single code covers the
agencies'. A document code this module does not know is unverifiable, never silently met
(state UNKNOWN when nothing is missing). Missing documents are due when the policy year ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    Text,
    and_,
    bindparam,
    case,
    false,
    func,
    literal_column,
    or_,
    select,
)
from sqlalchemy import Date as SqlDate
from sqlalchemy.orm import aliased

from store.enums import EvaluationStatus
from store.models.agency_contract import AgencyContract
from store.models.annual_evaluation import AnnualEvaluation
from store.models.complaint import Complaint
from store.models.fee_ledger_entry import FeeLedgerEntry
from store.models.insurance_policy import InsurancePolicy
from store.models.service_record import ServiceRecord
from store.models.service_scheme import ServiceScheme
from store.repositories.base import RowScope
from store.repositories.findings_spec import FindingQuery, FindingRule, FindingState
from store.repositories.findings_sql import (
    begins,
    flag_text,
    label,
    narrowed,
    reached_state,
    row,
)
from store.repositories.stats.sql import number, year_of

RETAINED_FROM = "findings_retained_from"  # policies ending after this day are still kept
EMPTY = "''"
# Why a document cannot be checked, by code (shown with the finding's evidence); every code
# of the shipped ruleset is checked now (agency contracts since migration 0010).
UNVERIFIABLE_REASONS: dict[str, str] = {}
UNKNOWN_DOCUMENT = (
    "规则集列出的文档类型平台未知 / a document type the ruleset lists that the platform does "
    "not know"
)


@dataclass(frozen=True, slots=True)
class Facts:
    """Per-policy facts, each a subquery grouped by policy and outer-joined once: as EXISTS
    per policy, PostgreSQL ran the country regulator's 31 jurisdictions again for each of a
    quarter of a million policies (minutes instead of seconds)."""

    schemes: Any  # policy_id
    services: Any  # policy_id, unorganised (1: one is not organised)
    uncovered: Any  # policy_id (of a service given to an agency no contract covers)
    ledger: Any  # policy_id
    complaints: Any  # policy_id (of the unanswered ones)
    reports: Any  # insurer_id, year (submitted or published)


def _facts(scope: RowScope) -> Facts:
    sc, s, e, c, r = ServiceScheme, ServiceRecord, FeeLedgerEntry, Complaint, AnnualEvaluation
    one, zero = number(1), number(0)
    schemes = (
        select(sc.policy_id.label("policy_id"))
        .where(scope.where(sc))
        .group_by(sc.policy_id)
        .subquery("archived_schemes")
    )
    # The material of every completed service: its record organised (R-6.3-archive).
    unorganised = and_(s.completed_at.is_not(None), s.organised_at.is_(None))
    services = (
        select(
            s.policy_id.label("policy_id"),
            func.max(case((unorganised, one), else_=zero)).label("unorganised"),
        )
        .where(scope.where(s))
        .group_by(s.policy_id)
        .subquery("archived_services")
    )
    # Contracts and records of hired agencies: a service given to an agency that no contract
    # of the insurer with it covers (the unit, or the service's policy; valid on the day the
    # service was planned).
    k = AgencyContract
    covered = (
        select(k.id)
        .where(
            k.agency_id == s.agency_id,
            k.insurer_id == s.insurer_id,
            k.unit_id == s.unit_id,
            or_(k.policy_id.is_(None), k.policy_id == s.policy_id),
            k.valid_from <= s.planned_on,
            or_(k.valid_to.is_(None), k.valid_to >= s.planned_on),
            scope.where(k),
        )
        .correlate(s)
        .exists()
    )
    uncovered = (
        select(s.policy_id.label("policy_id"))
        .where(scope.where(s), s.agency_id.is_not(None), ~covered)
        .group_by(s.policy_id)
        .subquery("uncovered_agencies")
    )
    ledger = (
        select(e.policy_id.label("policy_id"))
        .where(scope.where(e))
        .group_by(e.policy_id)
        .subquery("archived_ledgers")
    )
    # Complaints and their handling: one filed in a policy's year and never answered.
    own = aliased(InsurancePolicy)
    complaints = (
        select(own.id.label("policy_id"))
        .select_from(c)
        .join(own, and_(own.unit_id == c.unit_id, own.insurer_id == c.insurer_id))
        .where(
            scope.where(c),
            c.answered_at.is_(None),
            c.filed_at >= begins(own.period_start),
            c.filed_at < begins(own.period_end),
        )
        .group_by(own.id)
        .subquery("unanswered_complaints")
    )
    # The insurer's report on a year. Read without the caller's scope on purpose: whether an
    # insurer has submitted its report on a year is no unit's secret (its results are
    # published, R-8.2), and a unit, which may not read reports, would otherwise see every
    # archive as missing one. Drafts do not count: an archived report was submitted.
    reports = (
        select(r.insurer_id.label("insurer_id"), r.year.label("year"))
        .where(r.status != EvaluationStatus.DRAFT)
        .group_by(r.insurer_id, r.year)
        .subquery("archived_reports")
    )
    return Facts(schemes, services, uncovered, ledger, complaints, reports)


def _missing(code: str, p: Any, f: Facts, due_year: Any) -> Any:
    """When document ``code`` is missing from policy ``p``'s archive; None: never (the
    policy is the contract)."""
    if code == "service_scheme":
        return f.schemes.c.policy_id.is_(None)
    if code == "service_material":
        return f.services.c.unorganised == number(1)
    if code == "agency_contracts_and_records":
        return f.uncovered.c.policy_id.is_not(None)
    if code == "fee_ledger":
        return f.ledger.c.policy_id.is_(None)
    if code == "complaints":
        return f.complaints.c.policy_id.is_not(None)
    if code == "evaluation_reports":
        # The report on the year the policy began, once it is due (R-8.2's submission day).
        return and_(year_of(p.period_start) <= due_year, f.reports.c.insurer_id.is_(None))
    return None


# The documents this module checks (``_missing``).
MISSING = frozenset(
    {
        "insurance_contract",
        "service_scheme",
        "service_material",
        "agency_contracts_and_records",
        "fee_ledger",
        "complaints",
        "evaluation_reports",
    }
)


def _retained_from(query: FindingQuery) -> date:
    """Today, the retention period's years ago (29 February: the 28th)."""
    day = query.today
    year = day.year - query.params.retention_years
    return date(year, day.month, min(day.day, 28 if day.month == 2 else day.day))


def _last_due_year(query: FindingQuery) -> int:
    """The last year whose report's submission day has ended by today."""
    year = query.today.year - 1
    if (query.today - date(year + 1, 1, 1)).days < query.params.submit_days:
        year -= 1
    return year


def archive_rule(query: FindingQuery, scope: RowScope) -> Select[Any]:
    p, f = InsurancePolicy, _facts(scope)
    due_year = bindparam("findings_last_due_year", _last_due_year(query), type_=Integer())
    missing: ColumnElement[str] = literal_column(EMPTY, Text())
    unverifiable: ColumnElement[str] = literal_column(EMPTY, Text())
    for code in query.params.documents:
        if code in MISSING:
            condition = _missing(code, p, f, due_year)
            if condition is not None:
                missing = missing + flag_text(code, condition)
        else:
            unverifiable = unverifiable + literal_column(f"'{code},'", Text())
    due = begins(p.period_end)
    none = literal_column(EMPTY, Text())
    state = case(
        (missing != none, reached_state(false(), due)),
        (unverifiable != none, label(FindingState.UNKNOWN)),
        else_=label(FindingState.MET),
    )
    retained_from = bindparam(RETAINED_FROM, _retained_from(query), type_=SqlDate())
    return (
        select(
            *row(
                FindingRule.UNIT_ARCHIVE,
                subject_id=p.id,
                insurer_id=p.insurer_id,
                unit_id=p.unit_id,
                event_at=begins(p.period_start),
                done_at=None,
                due_ends=due,
                measured=number(len(query.params.documents)),
                missing=missing,
                unverifiable=unverifiable,
                state=state,
            )
        )
        .select_from(p)
        .outerjoin(f.schemes, f.schemes.c.policy_id == p.id)
        .outerjoin(f.services, f.services.c.policy_id == p.id)
        .outerjoin(f.uncovered, f.uncovered.c.policy_id == p.id)
        .outerjoin(f.ledger, f.ledger.c.policy_id == p.id)
        .outerjoin(f.complaints, f.complaints.c.policy_id == p.id)
        .outerjoin(
            f.reports,
            and_(
                f.reports.c.insurer_id == p.insurer_id,
                f.reports.c.year == year_of(p.period_start),
            ),
        )
        .where(
            scope.where(p),
            p.period_end > retained_from,  # R-7.4-archive: kept at least N years
            *narrowed(query, begins(p.period_start), p.insurer_id, p.unit_id),
        )
    )
