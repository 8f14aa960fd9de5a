"""The ``findings`` root field (合规发现): parse the arguments, call ``services.findings`` with
the ruleset in force and the caller's read scope, map the page."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

import strawberry

from resolvers.context import Info
from resolvers.errors import graphql_error
from resolvers.filter_ids import insurer_ids
from schema import findings as gql
from schema.ids import global_id
from schema.types.common import Edge, PageInfo, SortDirection
from schema.types.fields import DEFAULT_PAGE_DOC
from services.errors import InputError
from services.findings import (
    Finding,
    FindingFilterInput,
    FindingRule,
    FindingsPage,
    findings,
)
from services.findings_scorecard import Scorecard, scorecard
from services.reading import RowsSeen
from services.rulesets import chosen
from services.working_days import china_day, china_today


def _input(f: gql.FindingFilter | None) -> FindingFilterInput:
    f = f or gql.FindingFilter()
    return FindingFilterInput(
        region=f.region,
        industries=f.industries or (),
        insurer_ids=insurer_ids(f.insurers or []),
        rules=f.rules or (),
        states=f.states or (),
        date_from=f.from_,
        date_to=f.to,
    )


SUBJECTS = {
    FindingRule.FOLLOWUP: gql.FindingSubjectType.SERVICE_RECORD,
    FindingRule.ARCHIVE: gql.FindingSubjectType.SERVICE_RECORD,
    FindingRule.SCHEME: gql.FindingSubjectType.SERVICE_RECORD,
    FindingRule.COMPLAINT: gql.FindingSubjectType.COMPLAINT,
    FindingRule.ANNUAL: gql.FindingSubjectType.INSURANCE_POLICY,
    FindingRule.LEDGER: gql.FindingSubjectType.INSURANCE_POLICY,
    FindingRule.UNIT_ARCHIVE: gql.FindingSubjectType.INSURANCE_POLICY,
    FindingRule.CONTRACT: gql.FindingSubjectType.POLICY_SERVICE_ITEM,
    FindingRule.MAJOR_HAZARD: gql.FindingSubjectType.HAZARD,
    FindingRule.STAFF: gql.FindingSubjectType.STAFF_MEMBER,
    FindingRule.EVALUATION: gql.FindingSubjectType.INSURER,
    FindingRule.PUBLICATION: gql.FindingSubjectType.INSURER,
    FindingRule.AGENCY_WORK: gql.FindingSubjectType.SERVICE_RECORD,
    FindingRule.AGENCY_SCHEME: gql.FindingSubjectType.SERVICE_SCHEME,
}
# R-7.1-staff's agency half: ``measured`` is the agency, ``flagged`` its suspension then.
AGENCY = frozenset({FindingRule.AGENCY_WORK, FindingRule.AGENCY_SCHEME})
YEARLY = frozenset({FindingRule.STAFF, FindingRule.EVALUATION, FindingRule.PUBLICATION})


def _subject_type(finding: Finding) -> gql.FindingSubjectType:
    return SUBJECTS[finding.row.rule]


def _yuan(fen: int | None) -> Decimal | None:
    return None if fen is None else Decimal(fen) / 100


def _agency_ids(finding: Finding) -> tuple[strawberry.ID | None, strawberry.ID | None]:
    row = finding.row
    if row.rule not in AGENCY or row.measured is None:
        return None, None
    suspension = None
    if row.flagged is not None:
        suspension = strawberry.ID(global_id("AgencyStatusChange", row.flagged))
    return strawberry.ID(global_id("Agency", row.measured)), suspension


def _evidence(finding: Finding) -> gql.FindingEvidence:
    row = finding.row
    ledger = row.rule is FindingRule.LEDGER
    agency = row.rule in AGENCY
    agency_id, suspension_id = _agency_ids(finding)
    return gql.FindingEvidence(
        started_at=row.event_at,
        done_at=row.done_at,
        working_days=finding.working_days,
        needs_verification=row.needs_verification,
        year=china_day(row.event_at).year if row.rule in YEARLY else None,
        count=None if ledger or agency else row.measured,
        required_count=None if ledger or agency else row.required,
        fee_spent=_yuan(row.measured) if ledger else None,
        fee_agreed=_yuan(row.required) if ledger else None,
        unbacked_entries=None if agency else row.flagged,
        missing=list(row.missing),
        unverifiable=[
            gql.FindingGap(code=code, reason=reason)
            for code, reason in zip(row.unverifiable, finding.reasons, strict=True)
        ],
        agency_id=agency_id,
        agency_suspension_id=suspension_id,
    )


def _unit_id(unit_id: int | None) -> strawberry.ID | None:
    return None if unit_id is None else strawberry.ID(global_id("InsuredUnit", unit_id))


def _node(finding: Finding, ruleset_id: str) -> gql.Finding:
    row, kind = finding.row, _subject_type(finding)
    return gql.Finding(
        rule=finding.rule,
        state=finding.state,
        due_on=finding.due_on,
        due_at=finding.due_at,
        working_days_left=finding.working_days_left,
        subject_id=strawberry.ID(global_id(kind.value, row.subject_id)),
        subject_type=kind,
        insurer_id=strawberry.ID(global_id("Insurer", row.insurer_id)),
        unit_id=None
        if row.unit_id is None
        else strawberry.ID(global_id("InsuredUnit", row.unit_id)),
        evidence=_evidence(finding),
        ruleset_id=ruleset_id,
    )


def _connection(page: FindingsPage, *, after: str | None) -> gql.FindingConnection:
    nodes = [_node(f, page.ruleset_id) for f in page.findings]
    cursors = [page.cursor(f) for f in page.findings]
    return gql.FindingConnection(
        edges=[Edge(cursor=c, node=n) for c, n in zip(cursors, nodes, strict=True)],
        nodes=nodes,
        page_info=PageInfo(
            has_next_page=page.more,
            has_previous_page=after is not None,
            start_cursor=cursors[0] if cursors else None,
            end_cursor=cursors[-1] if cursors else None,
        ),
        ruleset_id=page.ruleset_id,
    )


def _audit(info: Info, page: FindingsPage) -> None:
    """The subjects a finding showed, as rows read of their types (the audit log)."""
    for kind in gql.FindingSubjectType:
        shown = [f.row for f in page.findings if _subject_type(f) is kind]
        record = info.context.audit_reads(kind.value)
        if record is not None and shown:
            keys = tuple(row.subject_id for row in shown)
            units = frozenset(row.unit_id for row in shown if row.unit_id is not None)
            record(RowsSeen(keys=keys, units=units))


async def resolve_findings(
    info: Info,
    filter_: Annotated[
        gql.FindingFilter | None,
        strawberry.argument(name="filter", description="筛选条件 / narrowing"),
    ] = None,
    first: Annotated[int | None, strawberry.argument(description=DEFAULT_PAGE_DOC)] = None,
    after: str | None = None,
    order_by: Annotated[
        gql.FindingOrderInput | None,
        strawberry.argument(
            description="排序（默认按起算时间升序）/ ordering (default: by start, ascending)"
        ),
    ] = None,
) -> gql.FindingConnection:
    context = info.context
    order = order_by or gql.FindingOrderInput()
    try:
        data = _input(filter_)
        today = china_today()
        rules = chosen(context.ruleset, today)
        # Sibling root fields run concurrently and share the request's session.
        async with context.db_lock:
            page = await findings(
                context.session,
                data,
                rules=rules,
                today=today,
                first=first,
                after=after,
                order=order.field.value,
                descending=order.direction is SortDirection.DESC,
                scope=context.scope,  # a finding exists only about a row the caller may read
            )
    except InputError as error:
        raise graphql_error(error) from error
    _audit(info, page)
    return _connection(page, after=after)


def _scorecard(card: Scorecard) -> gql.FindingScorecard:
    return gql.FindingScorecard(
        ruleset_id=card.ruleset_id,
        insurers=[
            gql.InsurerScorecard(
                insurer_id=strawberry.ID(global_id("Insurer", insurer.insurer_id)),
                rules=[
                    gql.FindingRuleScore(
                        rule=r.rule,
                        met=r.met,
                        not_met=r.not_met,
                        open=r.open,
                        unknown=r.unknown,
                        rate=r.rate,
                    )
                    for r in insurer.rules
                ],
            )
            for insurer in card.insurers
        ],
    )


async def resolve_finding_scorecard(
    info: Info,
    filter_: Annotated[
        gql.FindingFilter | None,
        strawberry.argument(
            name="filter", description="筛选条件（不含状态）/ narrowing (states unused)"
        ),
    ] = None,
) -> gql.FindingScorecard:
    context = info.context
    try:
        data = _input(filter_)
        today = china_today()
        rules = chosen(context.ruleset, today)
        async with context.db_lock:
            card = await scorecard(
                context.session, data, rules=rules, today=today, scope=context.scope
            )
    except InputError as error:
        raise graphql_error(error) from error
    context.audit.aggregated(sum(len(i.rules) for i in card.insurers))  # counts, no rows
    return _scorecard(card)


@strawberry.type
class FindingsQuery:
    findings: gql.FindingConnection = strawberry.field(
        resolver=resolve_findings,
        description="合规发现：标准各条规则（R-5.1-annual、R-4.1-contract、R-6.1-scheme、"
        "R-6.2-major-hazard、R-6.3-followup、R-6.3-archive、R-6.4-complaint、R-7.1-staff、"
        "R-7.3-ledger、R-7.4-archive、R-8.1-evaluation、R-8.2-publication）下各对象的状态，仅限"
        "可读取的记录 / compliance findings: where each subject stands against each rule of "
        "the standard, only about rows the caller may read (semantics: services/findings.py)",
    )
    finding_scorecard: gql.FindingScorecard = strawberry.field(
        resolver=resolve_finding_scorecard,
        description="合规评分：各保险机构各规则的合规计数与合规率，依据可读取的合规发现 / "
        "compliance scorecards: per insurer and rule, findings met, not met, open and unknown "
        "and the rate, from the findings the caller may read (services/findings_scorecard.py)",
    )
