"""Operation limits over HTTP in production mode (SQLite): graphql-cop's hostile requests and
every other limit, each refused with its HTTP status and stable code (issue 4, "Done when").

graphql-cop (github.com/dolevf/graphql-cop, lib/tests/) sends exactly these requests; a check
"passes" for the server when the request is refused.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from server import tokens
from server.app import create_app
from server.settings import Settings
from store.database import create_engine, session_factory
from store.enums import PrincipalKind, Role
from store.migrate import upgrade
from store.models.principal import Principal
from store.models.role_binding import RoleBinding

SECRET = SecretStr("test-secret-0123456789abcdef0123456789")


@dataclass(frozen=True)
class Hostile:
    """One request and how it must be refused."""

    status: int
    code: str
    method: str = "POST"
    json: Any = None  # a JSON body (POST)
    data: dict[str, str] | None = None  # a form body (POST)
    params: dict[str, str] | None = None  # the URL's query string
    headers: dict[str, str] = field(default_factory=dict)


def operation(query: str, **extra: Any) -> dict[str, Any]:
    return {"query": query, **extra}


ALIASES_101 = "query { " + " ".join(f"alias{i}:__typename" for i in range(101)) + " }"
FIELDS_500 = "query { " + "__typename \n" * 500 + "} "
CIRCULAR_INTROSPECTION = (
    "query { __schema { types { fields { type { fields { type { fields { type { fields "
    "{ type { name } } } } } } } } } } }"
)
CIRCULAR_FRAGMENT = """
    query { __schema { ...A } }
    fragment A on __Schema { __typename ...B }
    fragment B on __Schema { ...A }
"""

# graphql-cop's checks, in its own words (lib/tests/*.py), and the refusal each gets here.
GRAPHQL_COP: dict[str, Hostile] = {
    "alias overloading (101 aliases)": Hostile(
        200, "ALIAS_LIMIT_EXCEEDED", json=operation(ALIASES_101)
    ),
    "array-based query batching (11)": Hostile(
        400, "BATCHING_NOT_SUPPORTED", json=[operation("query { __typename }")] * 11
    ),
    "field duplication (500 fields)": Hostile(
        200, "FIELD_LIMIT_EXCEEDED", json=operation(FIELDS_500)
    ),
    "directive overloading (@aa x10)": Hostile(
        200,
        "DUPLICATE_DIRECTIVE",
        json=operation("query cop { __typename @aa@aa@aa@aa@aa@aa@aa@aa@aa@aa }"),
    ),
    "repeated directive (@skip @skip)": Hostile(
        200,
        "DUPLICATE_DIRECTIVE",
        json=operation("query { __typename @skip(if: false) @skip(if: false) }"),
    ),
    "introspection-based circular query": Hostile(
        200, "INTROSPECTION_DISABLED", json=operation(CIRCULAR_INTROSPECTION)
    ),
    "circular fragment": Hostile(200, "FRAGMENT_CYCLE", json=operation(CIRCULAR_FRAGMENT)),
    "mutation over GET (CSRF)": Hostile(
        405, "METHOD_NOT_ALLOWED", method="GET", params={"query": "mutation {__typename}"}
    ),
    "query over GET (CSRF)": Hostile(
        405, "METHOD_NOT_ALLOWED", method="GET", params={"query": "query {__typename}"}
    ),
    "url-encoded POST (CSRF)": Hostile(
        415, "UNSUPPORTED_MEDIA_TYPE", data={"query": "query {__typename}"}
    ),
    "POST with the query in the URL (CSRF)": Hostile(
        415, "UNSUPPORTED_MEDIA_TYPE", params={"query": "query {__typename}"}
    ),
    "introspection": Hostile(
        200, "INTROSPECTION_DISABLED", json=operation("query { __schema { queryType { name } } }")
    ),
    "GraphiQL": Hostile(405, "METHOD_NOT_ALLOWED", method="GET", headers={"Accept": "text/html"}),
}

DEEP = (
    "{ regions { nodes { parent { parent { parent { parent { parent { parent { parent "
    "{ parent { name } } } } } } } } } } }"
)
# Public ceiling 2,000: 1 + 1,000 rows x (node + unit + insurer) = 3,001.
COSTLY = "{ serviceRecords(first: 1000) { nodes { id unit { name } insurer { name } } } }"

OTHER_LIMITS: dict[str, Hostile] = {
    "body over 1 MiB": Hostile(
        413, "BODY_TOO_LARGE", json=operation("{ __typename }", variables={"x": "x" * 1_100_000})
    ),
    "not JSON": Hostile(
        400, "BAD_JSON", headers={"Content-Type": "application/json"}, data={"q": "{"}
    ),
    "JSON but not an object": Hostile(400, "BAD_JSON", json="{ __typename }"),
    "over-depth (11 > 10)": Hostile(200, "DEPTH_LIMIT_EXCEEDED", json=operation(DEEP)),
    "over 1,000 tokens": Hostile(
        200, "TOKEN_LIMIT_EXCEEDED", json=operation("{ " + "__typename " * 1001 + "}")
    ),
    "over the public cost ceiling": Hostile(200, "COST_LIMIT_EXCEEDED", json=operation(COSTLY)),
    "a variable that does not coerce": Hostile(
        200,
        "BAD_REQUEST",
        json=operation(
            "query($n: Int) { serviceRecords(first: $n) { totalCount } }", variables={"n": "x"}
        ),
    ),
    "a syntax error": Hostile(200, "GRAPHQL_PARSE_FAILED", json=operation("{ viewer { ")),
}


async def _database(path: Path) -> str:
    url = f"sqlite+aiosqlite:///{path}"
    engine = create_engine(url)
    await upgrade(engine)
    async with session_factory(engine)() as session, session.begin():
        principal = Principal(
            kind=PrincipalKind.USER, name="ops-admin", display_name="运维管理员", active=True
        )
        principal.bindings.append(RoleBinding(role=Role.ADMIN))
        session.add(principal)
    await engine.dispose()
    return url


@pytest.fixture(scope="module")
async def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return await _database(tmp_path_factory.mktemp("limits") / "limits.db")


def settings_for(database_url: str, **overrides: Any) -> Settings:
    return Settings(
        environment=overrides.pop("environment", "production"),
        database_url=database_url,
        token_secret=SECRET,
        **overrides,
    )


async def _client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c
    await app.state.engine.dispose()


@pytest.fixture(scope="module")
async def production(database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """Production defaults; the rate limit is off here and tested on its own below."""
    async for c in _client(settings_for(database_url, limit_rate="off")):
        yield c


@pytest.fixture(scope="module")
async def development(database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async for c in _client(settings_for(database_url, environment="development")):
        yield c


async def send(client: httpx.AsyncClient, hostile: Hostile) -> httpx.Response:
    if hostile.method == "GET":
        return await client.get("/graphql", params=hostile.params, headers=hostile.headers)
    return await client.post(
        "/graphql",
        json=hostile.json,
        data=hostile.data,
        params=hostile.params,
        headers=hostile.headers,
    )


def refusal(response: httpx.Response) -> list[str]:
    """The codes of the response's errors, after checking every error explains itself."""
    body = response.json()
    assert body.get("data") is None, body
    for error in body["errors"]:
        assert error["message"]
        assert error["extensions"]["messageZh"]
    return [e["extensions"]["code"] for e in body["errors"]]


def cases(table: dict[str, Hostile]) -> list[Any]:
    return [pytest.param(hostile, id=name) for name, hostile in table.items()]


@pytest.mark.parametrize("hostile", cases(GRAPHQL_COP))
async def test_graphql_cop_checks_are_refused_in_production(
    production: httpx.AsyncClient, hostile: Hostile
) -> None:
    response = await send(production, hostile)
    assert response.status_code == hostile.status
    assert hostile.code in refusal(response)


@pytest.mark.parametrize("hostile", cases(OTHER_LIMITS))
async def test_other_limits_are_refused_in_production(
    production: httpx.AsyncClient, hostile: Hostile
) -> None:
    response = await send(production, hostile)
    assert response.status_code == hostile.status
    assert hostile.code in refusal(response)


async def test_graphql_cop_still_finds_a_graphql_server(production: httpx.AsyncClient) -> None:
    """Its first probe (lib/utils.py is_graphql) is an ordinary query and is answered."""
    response = await production.post("/graphql", json=operation("query { __typename }"))
    assert response.json() == {"data": {"__typename": "Query"}}


async def test_a_chunked_body_is_cut_off_at_the_limit(production: httpx.AsyncClient) -> None:
    """No Content-Length to check first: the body is counted as it arrives."""

    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"query": "{ __typename }", "variables": {"x": "'
        for _ in range(20):
            yield b"x" * 65_536
        yield b'"}}'

    response = await production.post(
        "/graphql", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert refusal(response) == ["BODY_TOO_LARGE"]


async def test_the_cost_ceiling_depends_on_the_role(
    production: httpx.AsyncClient, database_url: str
) -> None:
    token = tokens.issue(settings_for(database_url), "ops-admin")
    response = await production.post(
        "/graphql", json=operation(COSTLY), headers={"Authorization": f"Bearer {token}"}
    )
    codes = [e["extensions"].get("code") for e in response.json().get("errors", [])]
    assert "COST_LIMIT_EXCEEDED" not in codes  # the admin's ceiling is 50,000


async def test_suggestions_are_hidden_in_production_and_shown_in_development(
    production: httpx.AsyncClient, development: httpx.AsyncClient
) -> None:
    misspelt = operation("{ viewr { name } }")
    hidden = (await production.post("/graphql", json=misspelt)).json()["errors"][0]
    shown = (await development.post("/graphql", json=misspelt)).json()["errors"][0]
    assert hidden["message"] == "Cannot query field 'viewr' on type 'Query'."
    assert shown["message"] == "Cannot query field 'viewr' on type 'Query'. Did you mean 'viewer'?"
    assert (
        hidden["extensions"]["code"] == shown["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    )
    # An enum value in a variable is coerced by the executor, which hides them too.
    wrong_enum = operation(
        "query($c: [ServiceCategory!]) { serviceRecords(filter: {category: $c}) { totalCount } }",
        variables={"c": ["TRAINIG"]},
    )
    hidden_enum = (await production.post("/graphql", json=wrong_enum)).json()["errors"][0]
    shown_enum = (await development.post("/graphql", json=wrong_enum)).json()["errors"][0]
    assert "Did you mean" not in hidden_enum["message"]
    assert "Did you mean the enum value 'TRAINING'?" in shown_enum["message"]


async def test_development_keeps_introspection_and_graphiql(
    development: httpx.AsyncClient,
) -> None:
    response = await development.post(
        "/graphql", json=operation("{ __schema { queryType { name } } }")
    )
    assert response.json() == {"data": {"__schema": {"queryType": {"name": "Query"}}}}
    page = await development.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "graphiql" in page.text.lower()
    # ...but not the circular introspection query: graphql-core's own depth rule refuses it.
    circular = await development.post("/graphql", json=operation(CIRCULAR_INTROSPECTION))
    assert refusal(circular) == ["INTROSPECTION_TOO_DEEP"]


async def test_rate_limit_answers_429_with_retry_after(database_url: str) -> None:
    async for client in _client(settings_for(database_url, limit_rate="public:1/2")):
        query = operation("{ __typename }")
        answered = [(await client.post("/graphql", json=query)).status_code for _ in range(2)]
        refused = await client.post("/graphql", json=query)
        assert answered == [200, 200]
        assert refused.status_code == 429
        assert refused.headers["Retry-After"] == "1"
        assert refusal(refused) == ["RATE_LIMITED"]
        assert json.loads(refused.text)["errors"][0]["extensions"]["retryAfterSeconds"] == 1
