"""Scale-out, proven on this machine (issue 8): two ``anzexian serve`` processes on one
PostgreSQL database and a three-node OpenSearch cluster of local processes.

1. A write through gateway A is read through gateway B, and found by search through B.
2. A policy change (``anzexian policy``) is enforced by both gateways within the stated bound.
3. Load — concurrent complaint filings and reads, half aimed at each gateway — runs while A is
   killed with SIGKILL. A client whose request to A fails retries it on B with the same
   idempotency key, as the reverse proxy does (deploy/nginx.conf): every write acknowledged to
   a client must be in the database afterwards, exactly once; B keeps serving throughout.
4. One OpenSearch node (the first in the gateways' host list) is killed: searches through B
   keep answering from the replicas, and B stays ready.

The figures (requests served during the kill, errors, writes lost) are printed at the end
(``make test-cluster`` shows them)."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from typer.testing import CliRunner

from search.opensearch import OpenSearchBackend
from server import tokens
from server.cli import app as cli
from server.settings import Settings
from store.database import create_engine, session_factory
from store.enums import Role
from store.models.role_binding import RoleBinding
from tests.cluster.complaints import COUNT, file_body, stored_keys
from tests.cluster.conftest import cluster
from tests.factories.insurance_policy import create_policy
from tests.factories.principal import create_principal
from tests.factories.service_record import create_service_record
from tests.factories.world import PROVINCE, build_world
from tests.server.processes import Server, database, servers

SECRET = "cluster-test-secret-0123456789abcdef0123"
BOUND = Settings().policy_refresh_seconds  # the README's bound for a policy change
WORKERS = 4  # two cores: modest load
LOAD_SECONDS = 8.0
KILL_AT = 3.0  # seconds into the load

RECORDS = {"query": "query Records { serviceRecords { totalCount } }"}
SEARCH = """query Search($text: String!) {
  search(text: $text, types: [COMPLAINT], first: 10) { totalCount hits { id } }
}"""
RULE = ("regulator", "service_record", "read", "jurisdiction")


@dataclass(frozen=True)
class Site:
    insurer_id: int
    unit_id: int
    unit_user: str
    regulator: str


async def _prepare(url: str) -> Site:
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session, session.begin():
            world = await build_world(session)
            policy = await create_policy(
                session, insurer_id=world.insurer.id, unit_id=world.unit.id
            )
            await create_service_record(session, policy)
            unit_user = await create_principal(
                session, RoleBinding(role=Role.UNIT, unit_id=world.unit.id)
            )
            regulator = await create_principal(
                session, RoleBinding(role=Role.REGULATOR, region_code=PROVINCE)
            )
            return Site(world.insurer.id, world.unit.id, unit_user.name, regulator.name)
    finally:
        await engine.dispose()


def _ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return dict(body["data"])


def _search(server: Server, headers: dict[str, str], words: str) -> int:
    body = {"query": SEARCH, "variables": {"text": words}}
    return int(_ok(server.post(body, headers))["search"]["totalCount"])


def _found(server: Server, headers: dict[str, str], words: str) -> bool:
    """Searchable yet? Until the first indexer round has created the indexes, search answers
    with an error: that is "not yet" here, not a failure."""
    try:
        return _search(server, headers, words) == 1
    except AssertionError:
        return False


def _until(check: Callable[[], bool], seconds: float, what: str) -> float:
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if check():
            return time.monotonic() - started
        time.sleep(0.1)
    pytest.fail(f"{what}: not within {seconds} s")


@dataclass
class Load:
    """What the clients saw. ``acknowledged``: keys of writes answered with success."""

    kill_time: float = 0.0
    acknowledged: set[str] = field(default_factory=set)
    served: int = 0
    served_during_kill: int = 0  # answers received after A was killed
    retried_on_b: int = 0
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _client_loop(
    worker: int, a: Server, b: Server, site: Site, headers: dict[str, str], load: Load, end: float
) -> None:
    targets = [a, b] if worker % 2 == 0 else [b]  # half the clients start on A
    i = 0
    while time.monotonic() < end:
        i += 1
        key = f"load-{worker}-{i}"
        write = i % 2 == 1
        body = file_body(site, f"负载 {key}", key) if write else COUNT
        for target in list(targets):
            try:
                response = target.post(body, headers)
            except httpx.TransportError:
                # A is gone (refused, or reset mid-request): retry on the next gateway with
                # the same idempotency key; the write happened at most once either way.
                if target is a and a in targets:
                    targets.remove(a)
                with load.lock:
                    load.retried_on_b += 1
                continue
            with load.lock:
                load.served += 1
                if load.kill_time and time.monotonic() >= load.kill_time:
                    load.served_during_kill += 1
                try:
                    data = _ok(response)
                except AssertionError as error:
                    load.errors.append(f"{target.name}: {error}")
                    break
                if write:
                    result = data["fileComplaint"]
                    if result["__typename"] == "ComplaintSuccess":
                        load.acknowledged.add(key)
                    else:
                        load.errors.append(f"{target.name}: {result}")
            break
        else:
            with load.lock:
                load.errors.append(f"{key}: no gateway answered")


def test_two_gateways_and_a_three_node_search_cluster(
    tmp_path: Path, pg: str, cluster_urls: str
) -> None:
    prefix = f"cl{uuid.uuid4().hex[:10]}"
    settings = Settings(token_secret=SecretStr(SECRET))
    env = {
        "ANZEXIAN_TOKEN_SECRET": SECRET,
        "ANZEXIAN_SEARCH_URL": cluster_urls,
        "ANZEXIAN_SEARCH_INDEX_PREFIX": prefix,
        "ANZEXIAN_SEARCH_INDEXER_INTERVAL_SECONDS": "0.2",
        "ANZEXIAN_SEARCH_TIMEOUT_SECONDS": "5",
        "ANZEXIAN_POLICY_REFRESH_SECONDS": str(BOUND),
        "ANZEXIAN_POLICY_RELOAD_SECONDS": "3600",
        "ANZEXIAN_LIMIT_RATE": "off",
        "ANZEXIAN_DATABASE_POOL_SIZE": "5",
    }
    try:
        with database(tmp_path, "cluster") as url:
            migrated = CliRunner().invoke(cli, ["migrate", "--database-url", url])
            assert migrated.exit_code == 0, migrated.output
            site = asyncio.run(_prepare(url))
            unit = {"Authorization": f"Bearer {tokens.issue(settings, site.unit_user)}"}
            regulator = {"Authorization": f"Bearer {tokens.issue(settings, site.regulator)}"}
            with servers(url, tmp_path, env) as (a, b):
                _run(url, site, a, b, unit, regulator)
    finally:
        backend = OpenSearchBackend(cluster_urls, prefix, timeout=10)

        async def _drop() -> None:
            try:
                await backend.drop_all()
            finally:
                await backend.close()

        asyncio.run(_drop())


def _run(
    url: str, site: Site, a: Server, b: Server, unit: dict[str, str], regulator: dict[str, str]
) -> None:
    # 1. Written through A, read through B, found by search through B.
    filed = _ok(
        a.post(
            file_body(site, "首次写入 配电箱 first"),
            unit,
        )
    )["fileComplaint"]
    assert filed["__typename"] == "ComplaintSuccess"
    node = {"query": "query One($id: ID!) { complaint(id: $id) { id } }"}
    seen = _ok(b.post({**node, "variables": {"id": filed["id"]}}, unit))
    assert seen["complaint"] == {"id": filed["id"]}
    indexed_after = _until(lambda: _found(b, unit, "首次写入"), 30, "search through B")

    # 2. A policy change through the CLI, enforced by both gateways within the bound.
    def records(server: Server) -> int:
        return int(_ok(server.post(RECORDS, regulator))["serviceRecords"]["totalCount"])

    assert records(a) == records(b) == 1
    started = time.monotonic()
    revoked = CliRunner().invoke(cli, ["policy", "revoke", *RULE, "--database-url", url])
    assert revoked.exit_code == 0, revoked.output
    for server in (a, b):
        _until(partial(lambda s, n: records(s) == n, server, 0), BOUND + 2, server.name)
    policy_delay = time.monotonic() - started
    assert policy_delay <= BOUND + 1.5
    granted = CliRunner().invoke(cli, ["policy", "grant", *RULE, "--database-url", url])
    assert granted.exit_code == 0, granted.output
    for server in (a, b):
        _until(partial(lambda s, n: records(s) == n, server, 1), BOUND + 2, server.name)

    # 3. Load on both gateways; A is killed in the middle of it.
    load = Load()
    end = time.monotonic() + LOAD_SECONDS
    clients = [
        threading.Thread(target=_client_loop, args=(w, a, b, site, unit, load, end))
        for w in range(WORKERS)
    ]
    for client in clients:
        client.start()
    time.sleep(KILL_AT)
    with load.lock:
        load.kill_time = time.monotonic()
    a.process.kill()  # SIGKILL: no graceful anything
    a.process.wait(timeout=10)
    for client in clients:
        client.join(LOAD_SECONDS + 30)
    assert httpx.get(f"{b.base}/readyz", timeout=5).status_code == 200

    stored = asyncio.run(stored_keys(url, "load-"))
    lost = load.acknowledged - set(stored)
    duplicates = len(stored) - len(set(stored))

    # 4. One OpenSearch node down (the first the gateways try): search answers on.
    cluster("kill", "1")
    answers = [_search(b, unit, "首次写入") for _ in range(10)]
    ready_after_node_loss = httpx.get(f"{b.base}/readyz", timeout=10)

    print(
        f"\nscale-out: {WORKERS} clients for {LOAD_SECONDS:.0f} s, gateway A killed at "
        f"{KILL_AT:.0f} s; requests served {load.served}, served during the kill "
        f"{load.served_during_kill}, retried on B {load.retried_on_b}, errors "
        f"{len(load.errors)}, writes acknowledged {len(load.acknowledged)}, writes lost "
        f"{len(lost)}, duplicates {duplicates}; first write searchable through B after "
        f"{indexed_after:.1f} s; policy change enforced by both after {policy_delay:.2f} s "
        f"(bound {BOUND} s); searches with one OpenSearch node down: {len(answers)} answered"
    )
    assert load.errors == []
    assert lost == set()
    assert duplicates == 0
    assert load.served_during_kill > 0
    assert load.acknowledged  # the load did write
    assert answers == [1] * 10
    assert ready_after_node_loss.status_code == 200, ready_after_node_loss.text
