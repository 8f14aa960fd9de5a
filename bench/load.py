"""Load tools and process probes: wrk (with a Lua script posting a fixed body), pgbench
(per-transaction log for percentiles), and /proc readings of a server process."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# -- the server process ----------------------------------------------------------------


def cpu_ms(pid: int) -> float:
    """utime + stime of ``pid`` in milliseconds (/proc/<pid>/stat fields 14 and 15)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) "
    return (int(fields[11]) + int(fields[12])) * 1000 / CLOCK_TICKS


def reset_peak(pid: int) -> bool:
    """Reset VmHWM to the current RSS (``echo 5 > clear_refs``, Linux ≥ 4.0, root or owner)."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for {pid}")


# -- wrk -------------------------------------------------------------------------------


def ensure_wrk() -> str:
    """The wrk binary; installed from Debian's packages when missing and we are root."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        sys.exit("wrk is missing: run `apt-get install -y wrk` as root (Debian's package)")
    print("installing wrk from Debian's packages", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env)
    found = shutil.which("wrk")
    assert found, "wrk did not install"
    return found


_LUA = """
local f = assert(io.open("{body}", "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
{headers}
done = function(summary, latency, requests)
  io.write(string.format("BENCH %d %d %d %d %d %d %d %.1f %.1f %.1f\\n",
    summary.requests, summary.duration, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.mean))
end
"""


@dataclass(frozen=True, slots=True)
class LoadResult:
    requests: int
    seconds: float
    errors: int  # connect/read/write/timeout errors and non-2xx/3xx answers
    p50_ms: float
    p99_ms: float
    mean_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def lua_script(path: Path, body_file: Path, headers: dict[str, str]) -> Path:
    header_lines = "\n".join(f'wrk.headers["{k}"] = "{v}"' for k, v in headers.items())
    path.write_text(_LUA.format(body=body_file, headers=header_lines))
    return path


def run_wrk(
    wrk: str,
    url: str,
    script: Path,
    connections: int,
    seconds: float,
    *,
    timeout_s: int = 180,
) -> LoadResult:
    """A closed loop: ``connections`` connections each sending the next request when the
    last one is answered, for ``seconds`` (or until the script's request limit)."""
    threads = min(connections, 2)  # the machine has 2 cores
    command = [
        *(wrk, "-t", str(threads), "-c", str(connections), "-d", f"{max(1, round(seconds))}s"),
        *("--timeout", f"{timeout_s}s", "-s", str(script), url),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + timeout_s + 30)
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("BENCH ")), None)
    if line is None:
        raise RuntimeError(f"wrk failed: {done.stdout}\n{done.stderr}")
    parts = line.split()[1:]
    requests, duration_us = int(parts[0]), int(parts[1])
    errors = sum(int(p) for p in parts[2:7])
    p50, p99, mean = (float(p) / 1000 for p in parts[7:10])
    return LoadResult(requests, duration_us / 1e6, errors, p50, p99, mean)


# -- pgbench ---------------------------------------------------------------------------


def run_pgbench(
    script: Path,
    database_url: str,
    clients: int,
    *,
    seconds: int | None = None,
    transactions: int | None = None,
    log_dir: Path,
    pg_options: str = "",
) -> LoadResult:
    """``pgbench -n -M prepared -f script`` for ``seconds`` or ``transactions`` per client;
    percentiles from its per-transaction log (``-l``)."""
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    for old in log_dir.glob("pgb*"):
        old.unlink()
    command = [
        *("pgbench", "-n", "-M", "prepared", "-f", str(script)),
        *("-c", str(clients), "-j", str(min(clients, 2))),
        *("-h", str(url.host), "-p", str(url.port or 5432), "-U", str(url.username)),
        *("-l", "--log-prefix", str(log_dir / "pgb")),
    ]
    command += ["-T", str(seconds)] if seconds else ["-t", str(transactions)]
    command.append(str(url.database))
    env = {**os.environ, "PGPASSWORD": str(url.password or "")}
    if pg_options:
        env["PGOPTIONS"] = pg_options
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=900)
    if done.returncode != 0:
        raise RuntimeError(f"pgbench failed: {done.stdout}\n{done.stderr}")
    latencies: list[float] = []
    for log in log_dir.glob("pgb*"):
        for entry in log.read_text().splitlines():
            # client_id transaction_no time script_no time_epoch time_us
            latencies.append(int(entry.split()[2]) / 1000)
    tps = next(
        (float(ln.split("=")[1].split()[0]) for ln in done.stdout.splitlines() if "tps =" in ln),
        0.0,
    )
    seconds_run = len(latencies) / tps if tps else 0.0
    return LoadResult(
        requests=len(latencies),
        seconds=seconds_run,
        errors=0,
        p50_ms=percentile(latencies, 50),
        p99_ms=percentile(latencies, 99),
        mean_ms=statistics.fmean(latencies) if latencies else 0.0,
    )


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (what wrk and HdrHistogram report)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[int(rank) - 1]
