"""The reverse proxy of deploy/compose.yaml, run for real (issue 8): nginx started from
deploy/nginx.conf (tests/cluster/proxy.py says what is substituted: upstream addresses, the
port, the access log's path) in front of two ``anzexian serve`` processes on one PostgreSQL
database.

1. Requests through nginx reach both gateways, and the request id passes through: the
   client's ``X-Request-ID`` when it is sane, else nginx's own, is the one the answering
   gateway logs and echoes (deploy/README.md, "Probes, metrics, logs").
2. ``/healthz`` and ``/readyz`` answer through nginx; ``/metrics`` does not, however the path
   is spelled (404: "keep it off the public route"), while each gateway serves it directly.
3. The body limit: an upload that declares ``ANZEXIAN_BULK_MAX_BYTES`` bytes reaches a
   gateway, one byte more is refused by nginx (413) before any gateway sees it, and a real
   NDJSON upload larger than nginx's default limit (1 MiB) streams through and is written.
4. Load through nginx — GETs of ``/readyz``, GraphQL reads and idempotent writes (POST) —
   while gateway A is killed with SIGKILL: no GET fails (nginx retries it on B, whether A
   refused it or lost it mid-request); a POST that A had received and lost is answered 502
   and retried by the client with its idempotency key (nginx never resends a POST that
   reached a gateway; deploy/nginx.conf); a POST that A refused is passed to B by nginx;
   every acknowledged write is stored exactly once.

The figures are printed at the end (``make test-cluster`` shows them)."""

from __future__ import annotations

import asyncio
import json
import re
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr
from sqlalchemy import text
from typer.testing import CliRunner

from server import tokens
from server.cli import app as cli
from server.settings import Settings
from store.database import create_engine, session_factory
from store.enums import Role
from store.models.role_binding import RoleBinding
from tests.cluster.complaints import COUNT, file_body, stored_keys
from tests.cluster.proxy import Proxy, running_proxy
from tests.factories.bulk_lines import ndjson, record_line
from tests.factories.insurance_policy import create_policy
from tests.factories.principal import create_principal
from tests.factories.world import build_world
from tests.server.processes import Server, database, servers

SECRET = "reverse-proxy-test-secret-0123456789abcdef"
BULK_MAX_BYTES = Settings().bulk_max_bytes  # what deploy/README.md and env.example promise
NGINX_DEFAULT_BODY = 1024 * 1024  # client_max_body_size when nginx.conf would not set it
WORKERS = 4
KILL_AT = 2.0  # seconds into the load
# After the kill, longer than nginx.conf's fail_timeout (5 s): nginx tries A again at least
# once, is refused, and passes that request to B.
AFTER_KILL = 6.5
NDJSON = "application/x-ndjson"
HEX_ID = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True)
class Site:
    insurer_id: int
    unit_id: int
    unit_user: str
    insurer_user: str
    upload: bytes  # service records of the insurer, more than NGINX_DEFAULT_BODY bytes
    upload_lines: int


async def _prepare(url: str) -> Site:
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session, session.begin():
            world = await build_world(session)
            policy = await create_policy(
                session, insurer_id=world.insurer.id, unit_id=world.unit.id
            )
            unit_user = await create_principal(
                session, RoleBinding(role=Role.UNIT, unit_id=world.unit.id)
            )
            insurer_user = await create_principal(
                session, RoleBinding(role=Role.INSURER, insurer_id=world.insurer.id)
            )
            # Long descriptions (3,000 characters, 9 KB a line): few rows, many bytes.
            line = record_line(world, policy, content="储罐区、装卸区隐患排查。" * 250)
            lines = 1 + (NGINX_DEFAULT_BODY * 5 // 4) // len(ndjson([line]))
            return Site(
                world.insurer.id,
                world.unit.id,
                unit_user.name,
                insurer_user.name,
                ndjson([line] * lines),
                lines,
            )
    finally:
        await engine.dispose()


async def _scalar(url: str, statement: str) -> Any:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return (await conn.execute(text(statement))).scalar_one()
    finally:
        await engine.dispose()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _address(server: Server) -> str:
    return server.base.removeprefix("http://")


def _gateway_request_ids(server: Server) -> set[str]:
    """The request ids of the gateway's access lines (its JSON log)."""
    found = set()
    for line in server.log.read_text(errors="replace").splitlines():
        if line.startswith("{") and '"anzexian.access"' in line:
            found.add(str(json.loads(line).get("request_id")))
    return found


def _declared_upload(proxy: Proxy, length: int) -> tuple[int, dict[str, str], bytes]:
    """POST /bulk/service-records declaring ``length`` bytes, sending only the first few, and
    without a credential: the status, headers and body of whoever answers first."""
    host, port = proxy.base.removeprefix("http://").split(":")
    head = (
        f"POST /bulk/service-records HTTP/1.1\r\nHost: {host}\r\nContent-Type: {NDJSON}\r\n"
        f"Content-Length: {length}\r\nConnection: close\r\n\r\n"
    ).encode()
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(head + b'{"insurerId":')
        answer = b""
        while not _complete(answer):
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
    header_text, _, body = answer.partition(b"\r\n\r\n")
    status_line, *header_lines = header_text.decode("latin-1").split("\r\n")
    headers = _headers(header_lines)
    return int(status_line.split()[1]), headers, body


def _headers(lines: list[str]) -> dict[str, str]:
    return {
        name.strip().lower(): value.strip() for name, _, value in (h.partition(":") for h in lines)
    }


def _complete(answer: bytes) -> bool:
    """A whole response with a Content-Length (nginx keeps a connection whose request body
    it has not read open a while: waiting for the end would wait for that)."""
    header_text, found, body = answer.partition(b"\r\n\r\n")
    if not found:
        return False
    length = _headers(header_text.decode("latin-1").split("\r\n")[1:]).get("content-length")
    return length is not None and len(body) >= int(length)


def _eventually(check: Callable[[], bool], what: str, seconds: float = 5.0) -> None:
    """Log lines are written as a request ends, just after its answer: wait for them."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


@dataclass
class Load:
    """What the clients saw through nginx."""

    kill_time: float = 0.0
    gets: int = 0
    posts: int = 0
    after_kill: int = 0  # answers received after A was killed
    client_retries: int = 0  # POSTs answered 502 (A lost them) and sent again
    acknowledged: set[str] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _client_loop(
    worker: int, proxy: Proxy, site: Site, headers: dict[str, str], load: Load, end: float
) -> None:
    with httpx.Client(base_url=proxy.base, timeout=15) as client:
        i = 0
        while time.monotonic() < end:
            i += 1
            key = f"px-{worker}-{i}"
            kind = ("get", "write", "read")[i % 3]
            if kind == "get":
                response = client.get("/readyz")
                with load.lock:
                    load.gets += 1
                    load.after_kill += bool(load.kill_time)
                    if response.status_code != 200:
                        load.errors.append(f"GET /readyz: {response.status_code}")
                continue
            body = file_body(site, f"代理 {key}", key) if kind == "write" else COUNT
            for _ in range(3):
                response = client.post("/graphql", json=body, headers=headers)
                if response.status_code != 502:
                    break
                with load.lock:  # A took it and died: again, under the same idempotency key
                    load.client_retries += 1
            with load.lock:
                load.posts += 1
                load.after_kill += bool(load.kill_time)
                answer = response.json() if response.status_code == 200 else {}
                if "data" not in answer or answer.get("errors"):
                    load.errors.append(f"POST {kind}: {response.status_code} {response.text}")
                elif kind == "write":
                    if answer["data"]["fileComplaint"]["__typename"] == "ComplaintSuccess":
                        load.acknowledged.add(key)
                    else:
                        load.errors.append(f"{key}: {answer}")


def test_nginx_in_front_of_two_gateways(tmp_path: Path, pg: str) -> None:
    settings = Settings(token_secret=SecretStr(SECRET))
    env = {
        "ANZEXIAN_TOKEN_SECRET": SECRET,
        "ANZEXIAN_LOG_LEVEL": "info",  # the access lines carry the request ids
        "ANZEXIAN_SEARCH_FTS_PATH": str(tmp_path / "search.db"),
        "ANZEXIAN_SEARCH_INDEXER": "false",  # search is not what this test is about
        "ANZEXIAN_LIMIT_RATE": "off",
        "ANZEXIAN_DATABASE_POOL_SIZE": "5",
    }
    with database(tmp_path, "proxy") as url:
        migrated = CliRunner().invoke(cli, ["migrate", "--database-url", url])
        assert migrated.exit_code == 0, migrated.output
        site = asyncio.run(_prepare(url))
        with (
            servers(url, tmp_path, env) as (a, b),
            running_proxy((_address(a), _address(b)), _free_port(), tmp_path / "nginx") as proxy,
        ):
            _run(url, site, settings, a, b, proxy)


def _run(url: str, site: Site, settings: Settings, a: Server, b: Server, proxy: Proxy) -> None:
    unit = {"Authorization": f"Bearer {tokens.issue(settings, site.unit_user)}"}
    insurer = {"Authorization": f"Bearer {tokens.issue(settings, site.insurer_user)}"}

    # 1. Both gateways answer through nginx, under the client's request id or nginx's own.
    ids = [f"px-rid-{i}.{uuid.uuid4().hex[:6]}" for i in range(10)]
    for request_id in ids:
        answered = httpx.get(f"{proxy.base}/healthz", headers={"X-Request-ID": request_id})
        assert (answered.status_code, answered.json()) == (200, {"status": "ok"})
        assert answered.headers["x-request-id"] == request_id
    made = httpx.get(f"{proxy.base}/healthz")  # no id: nginx makes one, the gateway keeps it
    odd = httpx.get(f"{proxy.base}/healthz", headers={"X-Request-ID": "not sane!"})
    for answered in (made, odd):
        assert HEX_ID.match(answered.headers["x-request-id"]), answered.headers
    every_id = [*ids, made.headers["x-request-id"], odd.headers["x-request-id"]]
    _eventually(lambda: set(every_id) <= {e["request_id"] for e in proxy.entries()}, "nginx's log")
    _eventually(
        lambda: set(every_id) <= _gateway_request_ids(a) | _gateway_request_ids(b),
        "the gateways' logs",
    )
    logged = {entry["request_id"]: entry for entry in proxy.entries()}
    assert made.headers["x-request-id"] in logged  # nginx's own id, not one of the gateway's
    assert odd.headers["x-request-id"] in logged  # replaced by nginx, as the gateway would
    on_a, on_b = _gateway_request_ids(a), _gateway_request_ids(b)
    by_upstream = {_address(a): on_a, _address(b): on_b}
    for request_id in every_id:
        assert request_id in by_upstream[logged[request_id]["upstream"]], request_id
    spread = {_address(a): 0, _address(b): 0}
    for request_id in ids:
        spread[logged[request_id]["upstream"]] += 1
    assert all(spread.values()), spread  # round robin: both gateways served

    # 2. Probes through nginx; metrics only on each gateway directly.
    ready = httpx.get(f"{proxy.base}/readyz")
    assert (ready.status_code, ready.json()["status"]) == (200, "ready")
    for path in ("/metrics", "/metrics?format=text", "//metrics", "/%6detrics"):
        hidden = httpx.get(f"{proxy.base}{path}")
        assert hidden.status_code == 404, path
        assert "anzexian_" not in hidden.text, path
    for server in (a, b):
        direct = httpx.get(f"{server.base}/metrics")
        assert direct.status_code == 200 and "anzexian_requests_total" in direct.text

    # 3. The body limit is the uploads' limit; a real upload over nginx's default streams.
    status, headers, body = _declared_upload(proxy, BULK_MAX_BYTES)
    assert status == 401, (status, body)  # the gateway's answer: it got that far
    assert "x-request-id" in headers and b"UNAUTHENTICATED" in body
    status, headers, body = _declared_upload(proxy, BULK_MAX_BYTES + 1)
    assert status == 413, (status, body)
    assert "x-request-id" not in headers  # nginx's own answer: no gateway saw it
    assert len(site.upload) > NGINX_DEFAULT_BODY
    uploaded = httpx.post(
        f"{proxy.base}/bulk/service-records",
        content=site.upload,
        headers={**insurer, "Content-Type": NDJSON},
        timeout=120,
    )
    assert uploaded.status_code == 200, uploaded.text[:2000]
    assert uploaded.json()["created"] == site.upload_lines
    stored_records = asyncio.run(_scalar(url, "SELECT count(*) FROM service_record"))
    assert stored_records == site.upload_lines

    # 4. Load through nginx; A is killed in the middle of it.
    before_load = len(proxy.entries())
    load = Load()
    end = time.monotonic() + KILL_AT + AFTER_KILL
    clients = [
        threading.Thread(target=_client_loop, args=(w, proxy, site, unit, load, end))
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
        client.join(KILL_AT + AFTER_KILL + 60)
    stored = asyncio.run(stored_keys(url, "px-"))
    lost = load.acknowledged - set(stored)
    duplicates = len(stored) - len(set(stored))

    requests = load.gets + load.posts + load.client_retries
    _eventually(lambda: len(proxy.entries()) - before_load >= requests, "nginx's log")
    entries = proxy.entries()[before_load:]
    served_by = {
        name: sum(1 for e in entries if e["upstream"] == _address(server))
        for name, server in (("A", a), ("B", b))
    }
    # "A, B": A refused or lost it, nginx passed it to B (only ever a GET, or a POST A refused).
    passed_on = [e for e in entries if "," in e["upstream"]]
    passed_on_gets = sum(1 for e in passed_on if e["method"] == "GET")
    failed = [e for e in entries if e["status"] >= 500]
    print(
        f"\nreverse proxy (deploy/nginx.conf, nginx {_version(proxy)}): {WORKERS} clients for "
        f"{KILL_AT + AFTER_KILL:.1f} s through nginx, gateway A killed at {KILL_AT:.0f} s; "
        f"requests {load.gets + load.posts} (GET {load.gets}, POST {load.posts}), answered "
        f"after the kill {load.after_kill}; served by A {served_by['A']}, by B {served_by['B']}, "
        f"passed on to B by nginx {len(passed_on)} (GET {passed_on_gets}); POSTs lost by A and "
        f"retried by clients {load.client_retries}; errors {len(load.errors)}, writes "
        f"acknowledged {len(load.acknowledged)}, lost {len(lost)}, duplicates {duplicates}; "
        f"request ids through: {len(ids) + 2} of {len(ids) + 2}; body limit "
        f"{BULK_MAX_BYTES} bytes passes, +1 refused by nginx (413); upload of "
        f"{len(site.upload)} bytes ({site.upload_lines} records) through nginx: written"
    )
    assert load.errors == []
    assert lost == set()
    assert duplicates == 0
    assert load.acknowledged and load.after_kill > 0
    assert served_by["A"] > 0 and served_by["B"] > 0
    # After the kill nginx tried A again (fail_timeout) and passed the request on to B.
    assert passed_on and all(e["status"] == 200 for e in passed_on), passed_on
    # What clients saw fail was only ever a POST A had taken (nginx never resends those).
    assert all(e["method"] == "POST" and e["upstream"] == _address(a) for e in failed), failed
    assert len(failed) == load.client_retries


def _version(proxy: Proxy) -> str:
    server = str(httpx.get(f"{proxy.base}/metrics").headers.get("server", "?"))
    return server.removeprefix("nginx/")
