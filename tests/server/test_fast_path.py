"""The fast path (resolvers/fast_path.py) answers exactly as the normal path does.

Two apps over the same demo database, one with the fast path (the default) and one without
(``graphql_fast_path=False``), get the same requests: point lookups, pages, nested reads,
variables, fragments, and refusals of every kind — a bad id, a row outside the reader's
scope, a page past the limit, an unknown field, a cost past the ceiling, an error the masking
hides, a variable that does not coerce. Each request is sent twice, so the second run meets a
known document (documents.py), which is when the fast path may answer. For each: the HTTP
status, headers and body byte for byte, the SQL statements sent, the audit entry (all but its
moment) and what was logged must be equal; and the fast path must have answered the
operations it is meant for. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from collections.abc import AsyncIterator, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

import asyncpg
import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import event, make_url, text
from starlette.applications import Starlette
from starlette.routing import Route
from typer.testing import CliRunner

from server import request_log, tokens
from server.app import create_app
from server.cli import app as cli
from server.graphql_app import GatewayGraphQL
from server.settings import Settings
from services.audit import NewAuditEntry
from store.database import create_engine
from tests.conftest import require_postgres
from tests.seeded import DEMO_SEED

SECRET = SecretStr("fast-path-secret-0123456789abcdef0123456")
REGULATOR = "demo-regulator-gd"  # Guangdong's regulator (store/demo/gen_access.py)
ACCESS_LOGGER = request_log.logger.name  # one line per request, the metrics' figures

POINT = """query Point($id: ID!) {
  serviceRecord(id: $id) {
    id category status plannedOn completedAt
    unit { id name region { code name } }
    insurer { id name }
  }
}"""
POINT_FRAGMENT = """query PointFragment($id: ID!) {
  record: serviceRecord(id: $id) { ...R }
}
fragment R on ServiceRecord { id status unit { ...U } }
fragment U on InsuredUnit { id name withheldFields }"""
NODE = """query Node($id: ID!) {
  node(id: $id) { __typename id ... on ServiceRecord { status insurer { name } } }
}"""
PAGE = """query Page($first: Int, $after: String, $status: [ServiceStatus!], $region: String) {
  serviceRecords(first: $first, after: $after, filter: {status: $status, region: $region},
                 orderBy: {field: COMPLETED_AT, direction: DESC}) {
    totalCount
    edges { cursor node { id completedAt unit { name } insurer { name } } }
    pageInfo { hasNextPage endCursor }
  }
}"""
NESTED = """query Nested($id: ID!) {
  insuredUnit(id: $id) {
    id name
    serviceRecords(first: 3) { nodes { id status hazards { id } } }
  }
}"""
TWO_ROOTS = """query Two($id: ID!) {
  a: serviceRecord(id: $id) { id }
  b: serviceRecord(id: $id) { status }
}"""
MANY_OPERATIONS = """query First($id: ID!) { serviceRecord(id: $id) { id } }
query Second($id: ID!) { serviceRecord(id: $id) { status } }"""
UNKNOWN_FIELD = 'query { serviceRecord(id: "ServiceRecord:1") { id secret } }'
TOO_COSTLY = """query Costly {
  serviceRecords(first: 1000) { nodes { id unit { serviceRecords(first: 1000) {
    nodes { id hazards { id } } } } } }
}"""


@dataclass(frozen=True)
class Demo:
    url: str
    inside: int  # a service record of a Guangdong unit
    outside: int  # one elsewhere, outside the regulator's scope
    unit: int  # a Guangdong unit with service records


async def _admin(url: str, statement: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(statement))
    finally:
        await engine.dispose()


async def _ids(url: str) -> tuple[int, int, int]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            within = "SELECT s.id, s.unit_id FROM service_record s JOIN insured_unit u"
            within += " ON u.id = s.unit_id WHERE u.region_code {} '44%' ORDER BY s.id LIMIT 1"
            inside = (await conn.execute(text(within.format("LIKE")))).one()
            outside = (await conn.execute(text(within.format("NOT LIKE")))).one()
    finally:
        await engine.dispose()
    return int(inside[0]), int(outside[0]), int(inside[1])


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def demo(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Demo]:
    """The demo data set, migrated and seeded by the CLI, in a database of its own."""
    name = ""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('fast') / 'demo.db'}"
    else:
        base = require_postgres()
        name = f"anzexian_fast_path_{secrets.token_hex(4)}"
        asyncio.run(_admin(base, f'CREATE DATABASE "{name}"'))
        url = make_url(base).set(database=name).render_as_string(hide_password=False)
    try:
        runner = CliRunner()
        migrated = runner.invoke(cli, ["migrate", "--database-url", url])
        assert migrated.exit_code == 0, migrated.output
        args = ["seed", "--no-progress", "--seed", str(DEMO_SEED), "--database-url", url]
        seeded = runner.invoke(cli, args)
        assert seeded.exit_code == 0, seeded.output
        inside, outside, unit = asyncio.run(_ids(url))
        yield Demo(url, inside, outside, unit)
    finally:
        if name:
            asyncio.run(
                _admin(require_postgres(), f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            )


@dataclass
class Served:
    """One app and what its requests left: statements, audit entries, log records, and the
    operations its fast path answered."""

    app: Starlette
    client: httpx.AsyncClient
    statements: list[str] = field(default_factory=list)
    entries: list[NewAuditEntry] = field(default_factory=list)
    answered: list[str | None] = field(default_factory=list)

    def clear(self) -> None:
        self.statements.clear()
        self.entries.clear()
        self.answered.clear()


def _graphql_view(app: Starlette) -> GatewayGraphQL:
    for route in app.routes:
        if isinstance(route, Route) and route.path == "/graphql":
            assert isinstance(route.endpoint, GatewayGraphQL)
            return route.endpoint
    raise AssertionError("no /graphql route")


async def _served(url: str, fast: bool, statement_timeout_ms: int = 10_000) -> Served:
    settings = Settings(
        database_url=url,
        statement_timeout_ms=statement_timeout_ms,
        token_secret=SECRET,
        limit_rate="off",
        graphql_fast_path=fast,
        environment="production",  # suggestions and introspection off, as served
        graphiql=False,
        # No version checks of the credential and policy caches inside the compared
        # requests: their statements come and go with the clock, not with the path.
        auth_refresh_seconds=300,
        auth_reload_seconds=3600,
        policy_refresh_seconds=300,
        policy_reload_seconds=3600,
    )
    app = create_app(settings)
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
    served = Served(app, client)
    event.listen(
        app.state.engine.sync_engine,
        "before_cursor_execute",
        lambda *a: served.statements.append(a[2]),
    )

    async def submit(entry: NewAuditEntry) -> None:  # the writer's queue, kept here
        served.entries.append(entry)

    app.state.audit_log.submit = submit
    view = _graphql_view(app)
    assert (view.fast_path is not None) is fast
    if view.fast_path is not None:
        answer = view.fast_path.answer

        async def recorded(query: Any, variables: Any, name: Any, context: Any) -> Any:
            result = await answer(query, variables, name, context)
            if result is not None:
                served.answered.append(name)
            return result

        view.fast_path.answer = recorded  # type: ignore[method-assign,assignment]
    return served


@pytest.fixture
async def apps(demo: Demo) -> AsyncIterator[tuple[Served, Served]]:
    fast = await _served(demo.url, True)
    normal = await _served(demo.url, False)
    yield fast, normal
    for served in (fast, normal):
        await served.client.aclose()
        await served.app.state.search.backend.close()
        await served.app.state.engine.dispose()


# What a case's answer must contain, so that each case tests what its label says.
EXPECTED: dict[str, bytes] = {
    "point": b'"insurer":{"id":"Insurer:',
    "point outside the scope": b'{"data":{"serviceRecord":null}}',
    "fragments and an alias": b'"withheldFields":',
    "node": b'"__typename":"ServiceRecord"',
    "node of an unknown type": b'{"data":{"node":null}}',
    "bad id": b'"code":"BAD_ID"',
    "id of another type": b'"code":"BAD_ID"',
    "masked database error": b'"message":"Unexpectederror."',
    "page": b'"totalCount":',
    "page, unknown enum value": b'"code":"BAD_REQUEST"',
    "page, bad cursor": b'"code":"BAD_CURSOR"',
    "page past the limit": b'"code":"PAGE_SIZE_EXCEEDED"',
    "page, negative size": b'"code":"PAGE_SIZE_NEGATIVE"',
    "nested to-many": b'"hazards":[',
    "variable that does not coerce": b'"code":"BAD_REQUEST"',
    "missing variable": b'"code":"BAD_REQUEST"',
    "unknown field": b'"code":"GRAPHQL_VALIDATION_FAILED"',
    "cost past the ceiling": b'"code":"COST_LIMIT_EXCEEDED"',
}


def _cases(demo: Demo) -> list[tuple[str, str | None, str, dict[str, Any] | None, bool]]:
    """(label, login or None for the public, document, variables, fast path expected)."""
    inside = f"ServiceRecord:{demo.inside}"
    outside = f"ServiceRecord:{demo.outside}"
    huge = "ServiceRecord:9223372036854775808"  # past a 64-bit key: the database refuses it
    return [
        ("point", REGULATOR, POINT, {"id": inside}, True),
        ("point, public", None, POINT, {"id": inside}, True),
        ("point outside the scope", REGULATOR, POINT, {"id": outside}, True),
        (
            "point, literal id",
            REGULATOR,
            f'{{ serviceRecord(id: "{inside}") {{ id }} }}',
            None,
            True,
        ),
        ("fragments and an alias", REGULATOR, POINT_FRAGMENT, {"id": inside}, True),
        ("node", REGULATOR, NODE, {"id": inside}, True),
        ("node of an unknown type", REGULATOR, NODE, {"id": "Nothing:1"}, True),
        ("bad id", REGULATOR, POINT, {"id": "ServiceRecord:abc"}, True),
        ("id of another type", REGULATOR, POINT, {"id": f"InsuredUnit:{demo.unit}"}, True),
        ("masked database error", REGULATOR, POINT, {"id": huge}, True),
        ("page", REGULATOR, PAGE, {"first": 5, "status": ["COMPLETED"]}, True),
        ("page, default size", REGULATOR, PAGE, {}, True),
        ("page of a region", REGULATOR, PAGE, {"first": 3, "region": "440300"}, True),
        ("page, unknown enum value", REGULATOR, PAGE, {"status": ["DONE"]}, False),
        ("page, bad cursor", REGULATOR, PAGE, {"first": 5, "after": "nonsense"}, True),
        ("page past the limit", REGULATOR, PAGE, {"first": 5000}, True),
        ("page, negative size", REGULATOR, PAGE, {"first": -1}, True),
        ("nested to-many", REGULATOR, NESTED, {"id": f"InsuredUnit:{demo.unit}"}, True),
        ("variable that does not coerce", REGULATOR, PAGE, {"first": "five"}, False),
        ("missing variable", REGULATOR, POINT, {}, False),
        ("two root fields", REGULATOR, TWO_ROOTS, {"id": inside}, False),
        ("unknown field", REGULATOR, UNKNOWN_FIELD, None, False),
        ("cost past the ceiling", None, TOO_COSTLY, None, False),
        ("viewer", REGULATOR, "{ viewer { name } }", None, False),
    ]


async def _post(
    served: Served, login: str | None, body: dict[str, Any]
) -> tuple[int, bytes, dict[str, str]]:
    headers = {} if login is None else {"Authorization": f"Bearer {_token(login)}"}
    response = await served.client.post("/graphql", json=body, headers=headers)
    kept = {k: v for k, v in response.headers.items() if k.lower() != "x-request-id"}
    return response.status_code, response.content, kept


def _token(login: str) -> str:
    return tokens.issue(Settings(token_secret=SECRET), login)


def _entries(served: Served) -> list[dict[str, Any]]:
    return [{k: v for k, v in asdict(e).items() if k != "at"} for e in served.entries]


def _logged(records: list[logging.LogRecord]) -> list[tuple[Any, ...]]:
    """What was logged: errors as strawberry logs them, and the access log's line with what
    the metrics count (operation, status, statements, error codes), its timing left out."""
    kept: list[tuple[Any, ...]] = []
    for r in records:
        if r.name == ACCESS_LOGGER:
            fields = ("route", "operation", "status", "sql_statements", "error_codes")
            kept.append((r.name, *(getattr(r, name) for name in fields)))
        elif r.levelno >= logging.WARNING:
            error = type(r.exc_info[1]).__name__ if r.exc_info else None
            kept.append((r.name, r.levelno, r.getMessage(), error))
    return kept


async def test_both_paths_answer_alike(
    apps: tuple[Served, Served], demo: Demo, caplog: pytest.LogCaptureFixture
) -> None:
    fast, normal = apps
    caplog.set_level(logging.INFO)
    known: set[str] = set()
    for label, login, document, variables, expected in _cases(demo):
        body: dict[str, Any] = {"query": document}
        if variables is not None:
            body["variables"] = variables
        for attempt in (1, 2):  # the second meets a known document
            answers = []
            for served in (fast, normal):
                served.clear()
                caplog.clear()
                status, content, headers = await _post(served, login, body)
                answers.append(
                    (
                        status,
                        content,
                        headers,
                        list(served.statements),
                        _entries(served),
                        _logged(caplog.records),
                        list(served.answered),
                    )
                )
            (f_status, f_body, f_headers, f_sql, f_audit, f_log, f_fast) = answers[0]
            (n_status, n_body, n_headers, n_sql, n_audit, n_log, _) = answers[1]
            where = f"{label} (run {attempt})"
            assert f_status == n_status, where
            # The case is what it says (spaces dropped: PostgreSQL writes them around colons).
            assert EXPECTED.get(label, b"") in f_body.replace(b" ", b""), where
            assert f_body == n_body, f"{where}\n{f_body!r}\n{n_body!r}"
            assert f_headers == n_headers, where
            assert f_sql == n_sql, where
            assert f_audit == n_audit, where
            assert f_log == n_log, where
            assert [x for x in f_log if x[0] == ACCESS_LOGGER], where  # the line was seen
            # Answered fast once the guard knows the text (any earlier case may have sent it).
            assert bool(f_fast) is (expected and document in known), where
            if expected:
                known.add(document)


async def test_named_operation_of_several(apps: tuple[Served, Served], demo: Demo) -> None:
    fast, normal = apps
    body = {
        "query": MANY_OPERATIONS,
        "variables": {"id": f"ServiceRecord:{demo.inside}"},
        "operationName": "Second",
    }
    for _attempt in (1, 2):
        answers = []
        for served in (fast, normal):
            served.clear()
            answers.append((await _post(served, REGULATOR, body), _entries(served)))
        assert answers[0] == answers[1]
    assert fast.answered == ["Second"]
    assert b'"status"' in answers[0][0][1]


async def test_the_page_is_read_through_the_fast_path_with_cursors(
    apps: tuple[Served, Served], demo: Demo
) -> None:
    """Page after page, each cursor taken from the answer before: the same pages both ways."""
    fast, normal = apps
    after: dict[str, Any] = {"fast": None, "normal": None}
    pages = []
    for _ in range(3):
        bodies = []
        for key, served in (("fast", fast), ("normal", normal)):
            variables = {"first": 4, "after": after[key], "status": ["COMPLETED"]}
            status, content, _ = await _post(
                served, REGULATOR, {"query": PAGE, "variables": variables}
            )
            assert status == 200
            bodies.append(content)
            after[key] = json.loads(content)["data"]["serviceRecords"]["pageInfo"]["endCursor"]
        assert bodies[0] == bodies[1]
        pages.append(bodies[0])
    assert len(set(pages)) == 3  # three different pages


@pytest.mark.parametrize("demo", ["postgresql"], indirect=True)
async def test_a_read_past_the_timeout_is_answered_alike(demo: Demo) -> None:
    """PostgreSQL: the fast path sends its read alone, without BEGIN, its time limited by
    the driver (store/alone.py) rather than by SET LOCAL. A read waiting on a lock past the
    limit is cancelled either way and answered STATEMENT_TIMEOUT, byte for byte alike, and
    the pooled connection serves the next request once the lock is gone."""
    fast = await _served(demo.url, True, statement_timeout_ms=300)
    normal = await _served(demo.url, False, statement_timeout_ms=300)
    body = {"query": POINT, "variables": {"id": f"ServiceRecord:{demo.inside}"}}
    locker = await asyncpg.connect(
        make_url(demo.url).set(drivername="postgresql").render_as_string(hide_password=False)
    )
    try:
        for served in (fast, normal):
            await _post(served, REGULATOR, body)  # the guard now knows the document
            served.clear()
        lock = locker.transaction()
        await lock.start()
        await locker.execute("LOCK TABLE service_record IN ACCESS EXCLUSIVE MODE")
        # Bounded here: a read the limit does not cancel would wait for the lock for good.
        answers = [
            await asyncio.wait_for(_post(served, REGULATOR, body), 10) for served in (fast, normal)
        ]
        await lock.rollback()
        assert len(fast.answered) == 1  # the fast path answered it, and timed it out
        (f_status, f_body, f_headers), (n_status, n_body, n_headers) = answers
        assert f_status == n_status == 200
        assert b'"code":"STATEMENT_TIMEOUT"' in f_body
        assert b"300 ms" in f_body
        assert f_body == n_body and f_headers == n_headers
        assert fast.statements == normal.statements  # the read, sent once
        # Nothing left running, and the next read on the same pool is answered.
        after = [await _post(served, REGULATOR, body) for served in (fast, normal)]
        assert after[0] == after[1] and after[0][0] == 200
        assert b'"insurer":{"id":"Insurer:' in after[0][1].replace(b" ", b"")
    finally:
        await locker.close()
        for served in (fast, normal):
            await served.client.aclose()
            await served.app.state.search.backend.close()
            await served.app.state.engine.dispose()
