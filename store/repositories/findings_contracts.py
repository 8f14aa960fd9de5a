"""Findings about a policy year (保险合同期间): R-5.1-annual (high-risk units above designated
size get the services of the categories), R-4.1-contract (each agreed service item delivered
as often as agreed) and R-7.3-ledger (fees spent against the agreed share of the premium, and
no spending without a service behind it).

A policy year is the policy's period [start, end); its due day is the period's last day. A
service counts in the year when it was completed within the period, on the day in China.
The policies' periods are taken as one year each: an item's frequency is per year (the
contract's own unit), and the generated and demo policies all run a year.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, false, func, or_, select
from sqlalchemy.orm import aliased

from store.enums import LedgerEntryKind
from store.models.fee_ledger_entry import FeeLedgerEntry
from store.models.industry import Industry
from store.models.insurance_policy import InsurancePolicy
from store.models.insured_unit import InsuredUnit
from store.models.policy_service_item import PolicyServiceItem
from store.models.service_record import ServiceRecord
from store.repositories.base import RowScope
from store.repositories.findings_spec import FindingQuery, FindingRule
from store.repositories.findings_sql import begins, narrowed, reachable, reached_state, row
from store.repositories.stats.sql import fen, number


def _delivered(
    name: str, scope: RowScope, *conditions: ColumnElement[bool], by_category: bool = False
) -> Any:
    """(policy_id[, category], delivered): services the caller may read, completed within
    their policy's period. Grouped once and joined: as a count per policy, PostgreSQL checked
    the services' scope again for each of a country's 773,000 agreed items (21 s).
    A MATERIALIZED CTE, so it is grouped once whatever the plan: under a narrow filter
    (a province's overdue findings of one year) PostgreSQL estimated one policy, chose a
    nested loop and grouped the province's services again for each policy (48 s instead
    of 0.3, bench/RESULTS.md 2026-11-29)."""
    s, own = ServiceRecord, aliased(InsurancePolicy)  # the record's own policy: its period
    keys: list[ColumnElement[Any]] = [s.policy_id.label("policy_id")]
    if by_category:
        keys.append(s.category.label("category"))
    return (
        select(*keys, func.count().label("delivered"))
        .select_from(s)
        .join(own, own.id == s.policy_id)
        .where(
            scope.where(s),
            s.completed_at >= begins(own.period_start),
            s.completed_at < begins(own.period_end),
            *conditions,
        )
        .group_by(*keys)
        .cte(name)
        .prefix_with("MATERIALIZED", dialect="postgresql")
    )


def annual_rule(query: FindingQuery, scope: RowScope) -> Select[Any]:
    """R-5.1-annual: at least ``annual_min`` services of the categories in each policy year
    of a unit above designated size in a high-risk industry of the ruleset."""
    p, u, i, params = InsurancePolicy, InsuredUnit, Industry, query.params
    counts = _delivered(
        "annual_delivered", scope, ServiceRecord.category.in_(params.annual_categories)
    )
    delivered = func.coalesce(counts.c.delivered, number(0))
    due = begins(p.period_end)
    return (
        select(
            *row(
                FindingRule.ANNUAL,
                subject_id=p.id,
                insurer_id=p.insurer_id,
                unit_id=p.unit_id,
                event_at=begins(p.period_start),
                done_at=None,
                due_ends=due,
                measured=delivered,
                required=number(params.annual_min),
                state=reached_state(delivered >= number(params.annual_min), due),
            )
        )
        .select_from(p)
        .outerjoin(counts, counts.c.policy_id == p.id)
        # The unit's size and industry describe the policy's own unit: read with it.
        .join(u, u.id == p.unit_id)
        .join(i, i.code == u.industry_code)
        .where(
            scope.where(p),
            u.above_designated_size.is_(True),
            i.high_risk_category.in_(params.annual_industries),
            *narrowed(query, begins(p.period_start), p.insurer_id, p.unit_id),
            *reachable(query, due),
        )
    )


def contract_rule(query: FindingQuery, scope: RowScope) -> Select[Any]:
    """R-4.1-contract: each service item of the contract delivered as often as agreed."""
    item, p = PolicyServiceItem, InsurancePolicy
    counts = _delivered("contract_delivered", scope, by_category=True)
    delivered = func.coalesce(counts.c.delivered, number(0))
    due = begins(p.period_end)
    return (
        select(
            *row(
                FindingRule.CONTRACT,
                subject_id=item.id,
                insurer_id=p.insurer_id,
                unit_id=p.unit_id,
                event_at=begins(p.period_start),
                done_at=None,
                due_ends=due,
                measured=delivered,
                required=item.frequency_per_year,
                state=reached_state(delivered >= item.frequency_per_year, due),
            )
        )
        .select_from(item)
        .join(p, p.id == item.policy_id)
        .outerjoin(
            counts,
            and_(counts.c.policy_id == item.policy_id, counts.c.category == item.category),
        )
        .where(
            scope.where(item),
            *narrowed(query, begins(p.period_start), p.insurer_id, p.unit_id),
            *reachable(query, due),
        )
    )


def ledger_rule(query: FindingQuery, scope: RowScope) -> Select[Any]:
    """R-7.3-ledger: by the end of the policy year the ledger shows at least the agreed share
    of the premium spent (``prevention_fee_ratio``, the contract's number), and every
    expenditure names the service it paid for."""
    p, e = InsurancePolicy, FeeLedgerEntry
    # An adjustment counts towards the kind of the entry it corrects (stats/ledger.py). That
    # entry is of the same unit's ledger (services/fee_ledger_entry.py), so visible with the
    # adjustment: joined without a scope of its own (as an IN list, PostgreSQL scanned every
    # expenditure of the country for each adjustment).
    corrected = aliased(FeeLedgerEntry)
    spending = or_(
        e.kind == LedgerEntryKind.EXPENDITURE,
        and_(e.kind == LedgerEntryKind.ADJUSTMENT, corrected.kind == LedgerEntryKind.EXPENDITURE),
    )
    unbacked_entry = and_(e.kind == LedgerEntryKind.EXPENDITURE, e.service_record_id.is_(None))
    # Grouped once and joined, for the reason of ``_delivered``.
    totals = (
        select(
            e.policy_id.label("policy_id"),
            func.sum(case((spending, fen(e.amount)), else_=number(0))).label("spent"),
            func.sum(case((unbacked_entry, number(1)), else_=number(0))).label("unbacked"),
        )
        .select_from(e)
        .outerjoin(corrected, corrected.id == e.corrects_id)
        .where(scope.where(e))
        .group_by(e.policy_id)
        .subquery("ledger_totals")
    )
    spent = func.coalesce(totals.c.spent, number(0))
    unbacked = func.coalesce(totals.c.unbacked, number(0))
    agreed = fen(p.premium * p.prevention_fee_ratio)
    due = begins(p.period_end)
    # Spending with no service behind it is never met, whatever the totals; like a shortfall
    # it stays open (due soon, pending) until the policy year ends: a service may yet be named.
    state = case(
        (unbacked > number(0), reached_state(false(), due)),
        else_=reached_state(spent >= agreed, due),
    )
    return (
        select(
            *row(
                FindingRule.LEDGER,
                subject_id=p.id,
                insurer_id=p.insurer_id,
                unit_id=p.unit_id,
                event_at=begins(p.period_start),
                done_at=None,
                due_ends=due,
                measured=spent,
                required=agreed,
                flagged=unbacked,
                state=state,
            )
        )
        .select_from(p)
        .outerjoin(totals, totals.c.policy_id == p.id)
        .where(
            scope.where(p),
            *narrowed(query, begins(p.period_start), p.insurer_id, p.unit_id),
            *reachable(query, due),
        )
    )
