"""deploy/nginx.conf, run for real by a local nginx in front of local gateways (issue 8).

The configuration is used verbatim except for what names compose's surroundings
(``SUBSTITUTIONS``, each required to match exactly once, so a change to nginx.conf that
this test no longer covers fails here instead of testing something else):

- the upstream servers ``gateway-1:8000`` / ``gateway-2:8000`` become the local gateways'
  addresses, without ``resolve``: an IP address has no name to re-resolve, and Debian 12's
  nginx (1.22) predates ``resolve`` in open-source nginx (1.27.3). Their ``max_fails`` and
  ``fail_timeout`` stay as written;
- ``listen 80`` becomes a free port of the loopback interface;
- the access log goes to a file (compose sends it to the container's stdout) so the test
  can read which gateway answered each request (``upstream``) under which request id.

The main-context directives a container image's own configuration holds (no daemon, the
pid file, the error log, and the worker user when started as root) are given with ``-g``.
nginx comes from Debian's package (deploy/nginx.sh); without it the tests fail in CI and
are skipped elsewhere."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from tests.conftest import IN_CI

REPO = Path(__file__).resolve().parents[2]
CONF = REPO / "deploy" / "nginx.conf"
SCRIPT = REPO / "deploy" / "nginx.sh"


def nginx_binary() -> str:
    """The nginx binary deploy/nginx.sh finds; fails in CI, skips elsewhere, when none."""
    done = subprocess.run([str(SCRIPT), "path"], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        message = f"no nginx: run `deploy/nginx.sh install` ({done.stderr.strip()})"
        if IN_CI:
            pytest.fail(message + " (CI never skips the reverse-proxy test)")
        pytest.skip(message)
    return done.stdout.strip().splitlines()[-1]


def substitutions(
    upstreams: tuple[str, str], listen: str, access_log: Path
) -> list[tuple[str, str]]:
    return [
        ("server gateway-1:8000 resolve ", f"server {upstreams[0]} "),
        ("server gateway-2:8000 resolve ", f"server {upstreams[1]} "),
        ("listen 80;", f"listen {listen};"),
        ("access_log /dev/stdout json;", f"access_log {access_log} json;"),
    ]


def render(conf: str, upstreams: tuple[str, str], listen: str, access_log: Path) -> str:
    for old, new in substitutions(upstreams, listen, access_log):
        assert conf.count(old) == 1, f"deploy/nginx.conf: {old!r} changed; update {__file__}"
        conf = conf.replace(old, new)
    return conf


@dataclass
class Proxy:
    base: str
    process: subprocess.Popen[bytes]
    access_log: Path
    error_log: Path

    def entries(self) -> list[dict[str, Any]]:
        """The access log's lines so far (nginx writes each at the end of its request)."""
        text = self.access_log.read_bytes() if self.access_log.exists() else b""
        return [orjson.loads(line) for line in text.splitlines() if line.strip()]


def _main_directives(prefix: Path) -> str:
    directives = [
        "daemon off;",
        f"pid {prefix / 'nginx.pid'};",
        f"error_log {prefix / 'error.log'} warn;",
    ]
    if os.geteuid() == 0:
        # The image's nginx runs its workers unprivileged too (as 'nginx'); Debian's user is
        # www-data, which owns the temporary folders under /var/lib/nginx.
        directives.append("user www-data;")
    return " ".join(directives)


@contextlib.contextmanager
def running_proxy(upstreams: tuple[str, str], port: int, prefix: Path) -> Iterator[Proxy]:
    """nginx with deploy/nginx.conf in front of ``upstreams`` (host:port), answering on
    127.0.0.1:``port``; stopped (gracefully, SIGQUIT) afterwards."""
    binary = nginx_binary()
    prefix.mkdir(parents=True, exist_ok=True)
    access_log = prefix / "access.log"
    conf = prefix / "nginx.conf"
    rendered = render(CONF.read_text(encoding="utf-8"), upstreams, f"127.0.0.1:{port}", access_log)
    conf.write_text(rendered, encoding="utf-8")
    command = [binary, "-p", str(prefix), "-c", str(conf), "-g", _main_directives(prefix)]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, f"nginx -t refuses deploy/nginx.conf:\n{checked.stderr}"
    output = (prefix / "nginx.out").open("wb")
    process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    proxy = Proxy(f"http://127.0.0.1:{port}", process, access_log, prefix / "error.log")
    try:
        _wait_until_up(proxy)
        yield proxy
    finally:
        process.send_signal(signal.SIGQUIT)  # graceful: finish what is in flight
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        output.close()


def _wait_until_up(proxy: Proxy, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proxy.process.poll() is not None:
            pytest.fail(f"nginx exited:\n{proxy.error_log.read_text(errors='replace')}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{proxy.base}/healthz", timeout=1).status_code == 200:
                return
        time.sleep(0.1)
    pytest.fail(f"nginx not answering in {timeout} s")
