"""The benchmark harness (issue 3, item 7): named operations through the HTTP gateway beside
the physical limit, interleaved over rounds. See bench/README.md.

    .venv/bin/python bench/run.py --rounds 3 --duration 4
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import asyncpg  # noqa: E402
import httpx  # noqa: E402

from bench import upload  # noqa: E402
from bench.inprocess import Captured, InProcessGateway  # noqa: E402
from bench.limit_app import SQL_FILES, bind, calendar_arrays, render_literal  # noqa: E402
from bench.load import (  # noqa: E402
    LoadResult,
    cpu_ms,
    ensure_wrk,
    lua_script,
    peak_rss_mib,
    percentile,
    reset_peak,
    run_pgbench,
    run_wrk,
)
from bench.operations import Operation, deep_cursor, operations  # noqa: E402

BENCH_URL = "postgresql+asyncpg://anzexian:anzexian@127.0.0.1:5432/anzexian_bench"
READER = "demo-regulator-gd"  # reads carry a regulator's token, as a regulator's client would
UPLOADER = "demo-insurer-picc"
# Another tree's harness on the same machine would use the same ports: BENCH_PORT_BASE moves
# them (start_server refuses a port something else already answers on).
_BASE = int(os.environ.get("BENCH_PORT_BASE", "18091"))
PORTS = {"gateway": _BASE, "limit": _BASE + 1, "upload_gateway": _BASE + 2}
CONCURRENCY = (1, 4, 16)
SLOW_REQUESTS = {1: 2, 4: 4, 16: 16}  # requests per slow (stats) measurement
SETTLE_LIMIT_S = 120


def log(message: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


# -- servers ---------------------------------------------------------------------------


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen[bytes]

    @property
    def pid(self) -> int:
        return self.process.pid

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def start_server(name: str, factory: str, port: int, env: dict[str, str], logs: Path) -> Server:
    """uvicorn, one worker process, log level warning, no access log (production-like)."""
    command = [
        *(sys.executable, "-m", "uvicorn", "--factory", factory),
        *("--host", "127.0.0.1", "--port", str(port), "--workers", "1"),
        *("--log-level", "warning", "--no-access-log"),
    ]
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:  # it would measure that server instead
            raise RuntimeError(f"port {port} is taken (another bench?); set BENCH_PORT_BASE")
    out = (logs / f"{name}.log").open("wb")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited; see {logs / (name + '.log')}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return Server(name, port, process)
        time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{name} did not listen on {port} within 60 s")


async def settle(server: Server, database_url: str) -> None:
    """Wait until the server process is idle and no query of ours still runs (a request wrk
    gave up on at the end of a run must not load the next measurement)."""
    conn = await asyncpg.connect(database_url.replace("+asyncpg", ""))
    try:
        deadline = time.monotonic() + SETTLE_LIMIT_S
        while time.monotonic() < deadline:
            before = cpu_ms(server.pid)
            await asyncio.sleep(0.3)
            busy = await conn.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND state = 'active' AND pid <> pg_backend_pid()"
            )
            if cpu_ms(server.pid) - before < 10 and busy == 0:
                return
    finally:
        await conn.close()


# -- measurements ----------------------------------------------------------------------


@dataclass
class Sample:
    """One system, one operation, one concurrency, one round."""

    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p99_ms: float
    rps: float
    cpu_ms_per_request: float | None


@dataclass
class OpResult:
    name: str
    title: str
    goal: float | None
    one_statement_goal: bool
    same_data: bool | None = None
    response_bytes: dict[str, int] = field(default_factory=dict)
    # system → concurrency → one Sample per round
    samples: dict[str, dict[int, list[Sample]]] = field(default_factory=dict)
    peak_rss_mib: dict[str, float] = field(default_factory=dict)
    statements: dict[str, Any] = field(default_factory=dict)
    pgbench: dict[int, Sample] = field(default_factory=dict)


@dataclass
class Target:
    """What one system is asked: a wrk script per concurrency, and the same body and headers
    for the counted loop."""

    server: Server
    path: str
    scripts: dict[int, Path]
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


def sample_of(result: LoadResult, cpu: float | None) -> Sample:
    return Sample(
        result.requests,
        result.seconds,
        result.errors,
        result.p50_ms,
        result.p99_ms,
        result.rps,
        cpu / result.requests if cpu is not None and result.requests else None,
    )


async def measure(
    wrk: str,
    target: Target,
    concurrency: int,
    seconds: float,
    database_url: str,
    *,
    slow: bool,
) -> Sample:
    await settle(target.server, database_url)
    before = cpu_ms(target.server.pid)
    if slow:
        result = await counted_loop(target, concurrency, SLOW_REQUESTS[concurrency])
    else:
        result = await asyncio.to_thread(
            run_wrk,
            wrk,
            target.server.url(target.path),
            target.scripts[concurrency],
            concurrency,
            seconds,
        )
    cpu = cpu_ms(target.server.pid) - before
    if result.errors:
        log(f"  !! {result.errors} errors from {target.server.name} at c={concurrency}")
    return sample_of(result, cpu)


async def counted_loop(target: Target, concurrency: int, requests: int) -> LoadResult:
    """For operations that take seconds: ``concurrency`` workers share exactly ``requests``
    requests (wrk only stops on time). A closed loop like wrk's; httpx's own cost is
    negligible beside seconds of server time."""
    body = target.body
    latencies: list[float] = []
    errors = 0
    todo = list(range(requests))

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal errors
        while todo:
            todo.pop()
            began = time.perf_counter()
            response = await client.post(target.server.url(target.path), content=body)
            latencies.append((time.perf_counter() - began) * 1000)
            errors += response.status_code >= 400

    began = time.perf_counter()
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(timeout=600, limits=limits, headers=target.headers) as client:
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
    wall = time.perf_counter() - began
    return LoadResult(
        len(latencies),
        wall,
        errors,
        percentile(latencies, 50),
        percentile(latencies, 99),
        statistics.fmean(latencies),
    )


def make_target(
    server: Server, path: str, workdir: Path, tag: str, body: bytes, headers: dict[str, str]
) -> Target:
    body_file = workdir / f"{tag}.body"
    body_file.write_bytes(body)
    scripts = {c: lua_script(workdir / f"{tag}.c{c}.lua", body_file, headers) for c in CONCURRENCY}
    return Target(server, path, scripts, body, headers)


# -- checks and statement counts -------------------------------------------------------


async def same_data(
    op: Operation, gateway: Server, limit: Server, token: str
) -> tuple[bool, int, int]:
    headers = {"authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(timeout=600) as client:
        g = await client.post(gateway.url("/graphql"), json=op.graphql_body(), headers=headers)
        lim = await client.post(limit.url(f"/{op.name}"), json=op.limit_body)
    g_json, l_json = g.json(), lim.json()
    ok = (
        g.status_code == 200
        and lim.status_code == 200
        and not g_json.get("errors")
        and g_json.get("data") is not None
        and g_json.get("data") == l_json.get("data")
    )
    if not ok:
        print("\n" + "!" * 78, flush=True)
        print(f"!!! MISMATCH: {op.name}: the gateway and the limit answer differently", flush=True)
        print(f"!!! gateway {g.status_code}: {g.text[:400]}", flush=True)
        print(f"!!! limit   {lim.status_code}: {lim.text[:400]}", flush=True)
        print("!" * 78 + "\n", flush=True)
    return ok, len(g.content), len(lim.content)


def count_of(captured: Captured) -> dict[str, Any]:
    auth = sum(
        1 for s, _ in captured.statements if "FROM principal" in s or "FROM role_binding" in s
    )
    # The request's statement timeout (resolvers/limits/timeout.py): a SET LOCAL, not a read.
    timeout = sum(1 for s, _ in captured.statements if "set_config('statement_timeout'" in s)
    return {
        "status": captured.status,
        "statements": len(captured.statements),
        "auth_statements": auth,
        "timeout_statements": timeout,
        "work_statements": len(captured.statements) - auth - timeout,
        "transactions": captured.transactions,
        "checkouts": captured.checkouts,
        "round_trips": captured.round_trips,
    }


async def count_statements(
    database_url: str, requests: list[tuple[str, str, bytes, dict[str, str]]]
) -> dict[str, dict[str, Any]]:
    """(name, path, body, headers) → statement counts of one warm request, in process."""
    gateway = InProcessGateway(database_url)
    counts: dict[str, dict[str, Any]] = {}
    try:
        for name, path, body, headers in requests:
            counts[name] = count_of(await gateway.request(path, body, headers))
    finally:
        await gateway.close()
    return counts


# -- the read operations ---------------------------------------------------------------


async def run_reads(
    args: argparse.Namespace, wrk: str, workdir: Path, env: dict[str, str], results: dict[str, Any]
) -> list[OpResult]:
    from server import tokens
    from server.settings import Settings

    token = tokens.issue(Settings(), READER)
    cursor = await deep_cursor(args.database_url)
    ops = [op for op in operations(cursor) if not args.ops or op.name in args.ops]
    results["deep_cursor"] = cursor

    log("counting SQL statements per request (in process, same app and settings)")
    auth = {"content-type": "application/json", "authorization": f"Bearer {token}"}
    counts = await count_statements(
        args.database_url,
        [(op.name, "/graphql", json.dumps(op.graphql_body()).encode(), auth) for op in ops],
    )

    gateway = start_server("gateway", "bench.gateway_app:app", PORTS["gateway"], env, workdir)
    limit = start_server("limit", "bench.limit_app:app", PORTS["limit"], env, workdir)
    out: list[OpResult] = []
    try:
        targets: dict[str, dict[str, Target]] = {}
        for op in ops:
            result = OpResult(op.name, op.title, op.goal, op.one_statement_goal)
            result.statements = {"gateway": counts[op.name], "limit": {"statements": 1}}
            log(f"checking {op.name}: gateway and limit must return the same data")
            ok, g_bytes, l_bytes = await same_data(op, gateway, limit, token)
            result.same_data = ok
            result.response_bytes = {"gateway": g_bytes, "limit": l_bytes}
            log(f"  {'same data' if ok else 'MISMATCH'} ({g_bytes:,} / {l_bytes:,} bytes)")
            g_body = json.dumps(op.graphql_body()).encode()
            l_body = json.dumps(op.limit_body).encode()
            json_headers = {"Content-Type": "application/json"}
            targets[op.name] = {
                "gateway": make_target(
                    gateway,
                    "/graphql",
                    workdir,
                    f"{op.name}.gateway",
                    g_body,
                    {**json_headers, "Authorization": f"Bearer {token}"},
                ),
                "limit": make_target(
                    limit, f"/{op.name}", workdir, f"{op.name}.limit", l_body, json_headers
                ),
            }
            result.samples = {"gateway": {}, "limit": {}}
            out.append(result)

        for round_no in range(args.rounds):
            order = ["gateway", "limit"] if round_no % 2 == 0 else ["limit", "gateway"]
            for op, result in zip(ops, out, strict=True):
                for system in order:
                    target = targets[op.name][system]
                    reset_peak(target.server.pid)
                    levels = [c for c in CONCURRENCY if not (op.slow and c == 16 and round_no)]
                    for c in levels:
                        sample = await measure(
                            wrk, target, c, args.duration, args.database_url, slow=op.slow
                        )
                        result.samples[system].setdefault(c, []).append(sample)
                        log(
                            f"round {round_no + 1}/{args.rounds} {op.name:<22} {system:<8} "
                            f"c={c:<2} p50 {sample.p50_ms:8.1f} ms  p99 {sample.p99_ms:8.1f} ms "
                            f"{sample.rps:8.1f} req/s  cpu {sample.cpu_ms_per_request or 0:7.1f}"
                            f" ms/req  n={sample.requests}"
                        )
                    peak = peak_rss_mib(target.server.pid)
                    result.peak_rss_mib[system] = max(result.peak_rss_mib.get(system, 0), peak)
    finally:
        gateway.stop()
        limit.stop()

    if not args.skip_pgbench:
        await run_pgbench_all(args, ops, out, workdir)
    return out


async def run_pgbench_all(
    args: argparse.Namespace, ops: list[Operation], out: list[OpResult], workdir: Path
) -> None:
    calendar = calendar_arrays()
    pg_options = " ".join(f"-c {setting}" for setting in args.pg_setting)
    for op, result in zip(ops, out, strict=True):
        params = bind(op.name, op.limit_body, calendar)
        script = workdir / f"{op.name}.pgbench.sql"
        script.write_text(render_literal(SQL_FILES[op.name], params))
        for clients in (1, 4):
            kwargs: dict[str, Any] = (
                {"transactions": max(1, SLOW_REQUESTS[clients] // clients)}
                if op.slow
                else {"seconds": args.pgbench_seconds}
            )
            run = await asyncio.to_thread(
                run_pgbench,
                script,
                args.database_url,
                clients,
                log_dir=workdir,
                pg_options=pg_options,
                **kwargs,
            )
            result.pgbench[clients] = sample_of(run, None)
            log(
                f"pgbench {op.name:<22} c={clients} p50 {run.p50_ms:8.1f} ms  "
                f"p99 {run.p99_ms:8.1f} ms  {run.rps:8.1f} tps  n={run.requests}"
            )


# -- the upload ------------------------------------------------------------------------


async def raw_uploads(
    url: str, refs: upload.Refs, *, copy: bool, connections: int, each: int
) -> Sample:
    """``connections`` asyncpg connections, each writing ``each`` uploads back to back."""
    conns = [await asyncpg.connect(upload.plain(url)) for _ in range(connections)]
    try:
        cpu_before = time.process_time()
        began = time.perf_counter()

        async def worker(conn: asyncpg.Connection) -> list[float]:
            return [await upload.raw_upload(conn, refs, copy=copy) for _ in range(each)]

        timings = [t for ts in await asyncio.gather(*(worker(c) for c in conns)) for t in ts]
        wall = time.perf_counter() - began
        cpu = (time.process_time() - cpu_before) * 1000
    finally:
        for conn in conns:
            await conn.close()
    ms = [t * 1000 for t in timings]
    return Sample(
        len(ms), wall, 0, percentile(ms, 50), percentile(ms, 99), len(ms) / wall, cpu / len(ms)
    )


async def run_upload(
    args: argparse.Namespace, wrk: str, workdir: Path, env: dict[str, str]
) -> OpResult:
    from server import tokens
    from server.settings import Settings

    log(f"upload: scratch database {upload.SCRATCH_DB} (migrated, demo seed)")
    url = await asyncio.to_thread(upload.scratch_url)
    refs = await upload.find_refs(url)
    body = upload.ndjson(refs)
    token = tokens.issue(Settings(), UPLOADER)
    headers = {"Content-Type": "application/x-ndjson", "Authorization": f"Bearer {token}"}
    result = OpResult(
        "upload", f"(7) bulk upload of {upload.LINES:,} service records (NDJSON)", 2.0, False
    )
    counts = await count_statements(
        url, [("upload", "/bulk/service-records", body, {k.lower(): v for k, v in headers.items()})]
    )
    result.statements = {"gateway": counts["upload"]}
    server_env = {**env, "ANZEXIAN_DATABASE_URL": url}
    gateway = start_server(
        "upload_gateway", "bench.gateway_app:app", PORTS["upload_gateway"], server_env, workdir
    )
    target = make_target(gateway, "/bulk/service-records", workdir, "upload", body, headers)
    result.samples = {"gateway": {}, "executemany": {}, "copy": {}}
    raw_plan = {1: (1, 5), 4: (4, 3), 16: (16, 2)}  # concurrency → (connections, uploads each)
    try:
        for round_no in range(args.rounds):
            systems = ["gateway", "executemany", "copy"]
            order = systems[round_no % 3 :] + systems[: round_no % 3]
            for system in order:
                if system == "gateway":
                    reset_peak(gateway.pid)
                for c in CONCURRENCY:
                    if system == "gateway":
                        sample = await measure(wrk, target, c, args.duration, url, slow=False)
                    else:
                        n, each = raw_plan[c]
                        sample = await raw_uploads(
                            url, refs, copy=system == "copy", connections=n, each=each
                        )
                    result.samples[system].setdefault(c, []).append(sample)
                    log(
                        f"round {round_no + 1}/{args.rounds} upload {system:<11} c={c:<2} "
                        f"p50 {sample.p50_ms:8.1f} ms  p99 {sample.p99_ms:8.1f} ms "
                        f"{sample.rps:7.1f} uploads/s  n={sample.requests}"
                    )
            result.peak_rss_mib["gateway"] = max(
                result.peak_rss_mib.get("gateway", 0), peak_rss_mib(gateway.pid)
            )
    finally:
        gateway.stop()
    if not args.keep_scratch:
        await drop_scratch(args.database_url)
    return result


async def drop_scratch(database_url: str) -> None:
    """Drop the upload's scratch database; a leftover connection (autovacuum) may delay it."""
    conn = await asyncpg.connect(upload.plain(database_url))
    try:
        for _ in range(10):
            try:
                await conn.execute(f"DROP DATABASE IF EXISTS {upload.SCRATCH_DB}")
                log(f"dropped {upload.SCRATCH_DB}")
                return
            except asyncpg.ObjectInUseError:
                await asyncio.sleep(2)
        log(f"!! could not drop {upload.SCRATCH_DB} (in use); drop it by hand")
    finally:
        await conn.close()


# -- the report ------------------------------------------------------------------------


def med(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def per_round_ratio(
    result: OpResult, num: str, den: str, c: int, pick: Callable[[Sample], float]
) -> float:
    """Median over rounds of pick(num) / pick(den) at concurrency ``c``."""
    pairs = zip(result.samples[num].get(c, []), result.samples[den].get(c, []), strict=False)
    ratios = [pick(a) / pick(b) for a, b in pairs if pick(b)]
    return med(ratios)


def fmt(value: float | None, digits: int = 1) -> str:
    if value is None or value != value:  # None or NaN
        return "–"
    return f"{value:,.{digits}f}"


def read_table(result: OpResult) -> list[str]:
    g, lim = result.samples["gateway"], result.samples["limit"]
    rows = ["| figure | gateway | limit | ratio gateway / limit |", "|---|---:|---:|---:|"]
    for c in (1, 4):
        for label, attr in (("p50", "p50_ms"), ("p99", "p99_ms")):

            def pick(s: Sample, attr: str = attr) -> float:
                value: float = getattr(s, attr)
                return value

            rows.append(
                f"| {label} latency, c={c} (ms) | {fmt(med([pick(s) for s in g.get(c, [])]))} | "
                f"{fmt(med([pick(s) for s in lim.get(c, [])]))} | "
                f"{fmt(per_round_ratio(result, 'gateway', 'limit', c, pick), 2)}× |"
            )
    rps_g = med([s.rps for s in g.get(16, [])])
    rps_l = med([s.rps for s in lim.get(16, [])])
    rows.append(
        f"| requests/s, c=16 | {fmt(rps_g)} | {fmt(rps_l)} | "
        f"{fmt(per_round_ratio(result, 'limit', 'gateway', 16, lambda s: s.rps), 2)}× |"
    )
    cpu_g = med([s.cpu_ms_per_request or 0 for s in g.get(1, [])])
    cpu_l = med([s.cpu_ms_per_request or 0 for s in lim.get(1, [])])
    rows.append(
        f"| server CPU per request, c=1 (ms) | {fmt(cpu_g, 2)} | {fmt(cpu_l, 2)} | "
        f"{fmt(cpu_g / cpu_l if cpu_l else None, 2)}× |"
    )
    st = result.statements.get("gateway", {})
    rows.append(
        f"| SQL statements per request | {st.get('statements')} "
        f"({st.get('auth_statements')} auth + {st.get('timeout_statements', 0)} timeout + "
        f"{st.get('work_statements')} read) | 1 | |"
    )
    rows.append(f"| round trips to PostgreSQL per request (est.) | {st.get('round_trips')} | 1 | |")
    rows.append(
        f"| peak RSS of the server (MiB) | {fmt(result.peak_rss_mib.get('gateway'))} | "
        f"{fmt(result.peak_rss_mib.get('limit'))} | |"
    )
    rows.append(
        f"| response bytes | {result.response_bytes.get('gateway', 0):,} | "
        f"{result.response_bytes.get('limit', 0):,} | |"
    )
    for c in (1, 4):
        pg = result.pgbench.get(c)
        if pg:
            rows.append(
                f"| pgbench on the limit's SQL, c={c}: p50 / p99 (ms), tps | | "
                f"{fmt(pg.p50_ms)} / {fmt(pg.p99_ms)}, {fmt(pg.rps)} | |"
            )
    return rows


def upload_table(result: OpResult) -> list[str]:
    s = result.samples
    rows = [
        "| figure | gateway (HTTP NDJSON) | raw executemany | raw COPY |",
        "|---|---:|---:|---:|",
    ]
    for c in (1, 4):
        for label, attr in (("p50", "p50_ms"), ("p99", "p99_ms")):
            cells = [fmt(med([getattr(x, attr) for x in s[n].get(c, [])])) for n in s]
            rows.append(f"| {label} per upload, c={c} (ms) | " + " | ".join(cells) + " |")
    rows.append(
        "| uploads/s, c=16 | "
        + " | ".join(fmt(med([x.rps for x in s[n].get(16, [])])) for n in s)
        + " |"
    )
    rows.append(
        "| records/s at c=1 (1,000 / p50) | "
        + " | ".join(fmt(1000 / med([x.p50_ms for x in s[n][1]]) * 1000, 0) for n in s)
        + " |"
    )
    cpu = [fmt(med([x.cpu_ms_per_request or 0 for x in s[n].get(1, [])])) for n in s]
    rows.append(
        f"| CPU per upload, c=1 (ms) | {cpu[0]} (server) | {cpu[1]} (client) | {cpu[2]} (client) |"
    )
    st = result.statements.get("gateway", {})
    rows.append(
        f"| SQL statements per upload | {st.get('statements')} ({st.get('auth_statements')} auth) "
        "| 4 (nextval + 3 executemany) | 4 (nextval + 3 COPY) |"
    )
    rows.append(f"| peak RSS of the server (MiB) | {fmt(result.peak_rss_mib.get('gateway'))} | | |")
    ratio_em = per_round_ratio(result, "executemany", "gateway", 1, lambda x: x.p50_ms)
    ratio_copy = per_round_ratio(result, "copy", "gateway", 1, lambda x: x.p50_ms)
    rows.append(
        f"| rows/s ratio gateway / raw (median of rounds, c=1 p50) | | {fmt(ratio_em, 2)}× | "
        f"{fmt(ratio_copy, 2)}× |"
    )
    return rows


def report(results: list[OpResult]) -> str:
    lines = []
    for r in results:
        lines += ["", f"### {r.title}", ""]
        if r.name == "upload":
            lines += upload_table(r)
            ratio = per_round_ratio(r, "executemany", "gateway", 1, lambda x: x.p50_ms)
            lines += [
                "",
                f"Goal ≥ 0.5× raw executemany rows/s: {fmt(ratio, 2)}× → "
                f"{'met' if ratio >= 0.5 else 'NOT met'}",
            ]
            continue
        lines += read_table(r)
        ratio = per_round_ratio(r, "gateway", "limit", 1, lambda s: s.p50_ms)
        verdict = "met" if r.goal and ratio <= r.goal else "NOT met"
        lines += [
            "",
            f"Same data as the limit: {'yes' if r.same_data else 'NO — MISMATCH'}. "
            f"Goal ≤ {r.goal}× (p50, c=1): {fmt(ratio, 2)}× → {verdict}.",
        ]
        if r.one_statement_goal:
            work = r.statements.get("gateway", {}).get("work_statements")
            lines[-1] += f" One statement for the read: {'yes' if work == 1 else 'NO'} ({work})."
    return "\n".join(lines) + "\n"


# -- main ------------------------------------------------------------------------------


def machine(commit: str | None) -> dict[str, Any]:
    mem_kib = next(
        int(ln.split()[1])
        for ln in Path("/proc/meminfo").read_text().splitlines()
        if ln.startswith("MemTotal:")
    )
    commit = (
        commit
        or subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    )
    return {"nproc": os.cpu_count(), "mem_gib": round(mem_kib / 1024 / 1024, 1), "commit": commit}


async def main(args: argparse.Namespace) -> None:
    wrk = ensure_wrk()
    began = time.monotonic()
    env = {
        **os.environ,
        "ANZEXIAN_DATABASE_URL": args.database_url,
        "ANZEXIAN_ENVIRONMENT": "production",
        "ANZEXIAN_GRAPHIQL": "false",
        "ANZEXIAN_LOG_LEVEL": "warning",
        "BENCH_DATABASE_URL": args.database_url,
        "BENCH_PG_SETTINGS": ",".join(args.pg_setting),
        "PYTHONPATH": str(ROOT),
    }
    conn = await asyncpg.connect(args.database_url.replace("+asyncpg", ""))
    pg_version = await conn.fetchval("SHOW server_version")
    jit = await conn.fetchval("SHOW jit")
    await conn.close()
    info: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        **machine(args.commit),
        "postgresql": pg_version,
        "cluster_jit": jit,
        "pg_settings_for_the_run": args.pg_setting,
        "command": " ".join(sys.argv),
        "load_tool": "wrk (Lua script posting the body), closed loop",
    }
    log(f"bench: {info}")
    results: list[OpResult] = []
    with tempfile.TemporaryDirectory(prefix="anzexian-bench-") as tmp:
        workdir = Path(tmp)
        if not args.skip_reads:
            results += await run_reads(args, wrk, workdir, env, info)
            if args.out:  # keep the reads even if the upload fails
                write_outputs(Path(args.out), info, results, report(results))
        if not args.skip_upload:
            results.append(await run_upload(args, wrk, workdir, env))
    info["wall_seconds"] = round(time.monotonic() - began)
    text = report(results)
    print(text)
    if args.out:
        write_outputs(Path(args.out), info, results, text)
    log(f"done in {info['wall_seconds']} s")


def write_outputs(out: Path, info: dict[str, Any], results: list[OpResult], text: str) -> None:
    """The raw samples as JSON, and the tables as Markdown beside it."""
    out.write_text(json.dumps({"run": info, "results": [asdict(r) for r in results]}, indent=1))
    out.with_suffix(".md").write_text(
        "\n".join(f"- {k}: {v}" for k, v in info.items()) + "\n" + text
    )


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=float, default=4, help="seconds per wrk run")
    parser.add_argument("--pgbench-seconds", type=int, default=5)
    parser.add_argument("--database-url", default=BENCH_URL)
    parser.add_argument("--ops", nargs="*", default=[], help="read operations (default: all)")
    parser.add_argument("--skip-reads", action="store_true")
    parser.add_argument("--skip-upload", action="store_true")
    parser.add_argument("--skip-pgbench", action="store_true")
    parser.add_argument("--keep-scratch", action="store_true", help="keep the upload database")
    parser.add_argument(
        "--pg-setting",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a PostgreSQL parameter for every connection of both systems and pgbench, "
        "e.g. jit=off (the cluster is not touched)",
    )
    parser.add_argument("--out", default=str(ROOT / "bench" / "last_run.json"))
    parser.add_argument(
        "--commit", default=None, help="the commit under test, when the tree is not a checkout"
    )
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main(parse()))
