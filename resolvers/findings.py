"""The ``findings`` root field (合规发现): parse the arguments, call ``services.findings`` with
the ruleset in force and the caller's read scope, map the page."""

from __future__ import annotations

from typing import Annotated

import strawberry

from resolvers.context import Info
from resolvers.errors import graphql_error
from schema import findings as gql
from schema.ids import BadGlobalId, global_id, parse_int_id
from schema.types.common import Edge, PageInfo
from schema.types.fields import DEFAULT_PAGE_DOC
from services.errors import FieldError, InputError
from services.findings import (
    Finding,
    FindingFilterInput,
    FindingRule,
    FindingsPage,
    cursor_of,
    findings,
)
from services.reading import RowsSeen
from services.rulesets import chosen
from services.working_days import china_today


def _insurer_ids(values: list[strawberry.ID]) -> list[int]:
    ids, errors = [], []
    for i, value in enumerate(values):
        try:
            ids.append(parse_int_id(str(value), "Insurer"))
        except BadGlobalId:
            errors.append(
                FieldError(
                    "BAD_GLOBAL_ID",
                    f"filter.insurers[{i}]",
                    "应为保险机构全局 ID（Insurer:<主键>）",
                    "must be an insurer's global id (Insurer:<key>)",
                )
            )
    if errors:
        raise InputError(errors)
    return ids


def _input(f: gql.FindingFilter | None) -> FindingFilterInput:
    f = f or gql.FindingFilter()
    return FindingFilterInput(
        region=f.region,
        insurer_ids=_insurer_ids(f.insurers or []),
        rules=f.rules or (),
        states=f.states or (),
        date_from=f.from_,
        date_to=f.to,
    )


def _subject_type(finding: Finding) -> gql.FindingSubjectType:
    if finding.row.rule is FindingRule.COMPLAINT:
        return gql.FindingSubjectType.COMPLAINT
    return gql.FindingSubjectType.SERVICE_RECORD


def _node(finding: Finding, ruleset_id: str) -> gql.Finding:
    row, kind = finding.row, _subject_type(finding)
    return gql.Finding(
        rule=finding.rule,
        state=finding.state,
        due_on=finding.due_on,
        due_at=finding.due_at,
        subject_id=strawberry.ID(global_id(kind.value, row.subject_id)),
        subject_type=kind,
        insurer_id=strawberry.ID(global_id("Insurer", row.insurer_id)),
        unit_id=strawberry.ID(global_id("InsuredUnit", row.unit_id)),
        evidence=gql.FindingEvidence(
            started_at=row.event_at,
            done_at=row.done_at,
            working_days=finding.working_days,
            needs_verification=row.needs_verification,
        ),
        ruleset_id=ruleset_id,
    )


def _connection(page: FindingsPage, *, after: str | None) -> gql.FindingConnection:
    nodes = [_node(f, page.ruleset_id) for f in page.findings]
    cursors = [cursor_of(f.row.key) for f in page.findings]
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
            record(RowsSeen(keys=keys, units=frozenset(row.unit_id for row in shown)))


async def resolve_findings(
    info: Info,
    filter_: Annotated[
        gql.FindingFilter | None,
        strawberry.argument(name="filter", description="筛选条件 / narrowing"),
    ] = None,
    first: Annotated[int | None, strawberry.argument(description=DEFAULT_PAGE_DOC)] = None,
    after: str | None = None,
) -> gql.FindingConnection:
    context = info.context
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
                scope=context.scope,  # a finding exists only about a row the caller may read
            )
    except InputError as error:
        raise graphql_error(error) from error
    _audit(info, page)
    return _connection(page, after=after)


@strawberry.type
class FindingsQuery:
    findings: gql.FindingConnection = strawberry.field(
        resolver=resolve_findings,
        description="合规发现：服务记录与投诉相对于标准期限（R-6.3-followup、R-6.3-archive、"
        "R-6.4-complaint）的状态，仅限可读取的记录 / compliance findings: where service "
        "records and complaints stand against the standard's deadlines, only about rows the "
        "caller may read (semantics: services/findings.py)",
    )
