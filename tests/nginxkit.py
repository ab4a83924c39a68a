"""Debian's nginx for the browser tests: the shipped site files with only ports and paths changed.

Only :func:`require_nginx` needs pytest, so ``bench/bench_replicas.py`` runs the same nginx.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT_DIR = Path(__file__).resolve().parents[1]
NGINX = Path("/usr/sbin/nginx")
NGINX_DIR = ROOT_DIR / "deploy" / "nginx"
START_TIMEOUT_S = 20.0


def require_nginx() -> None:
    """Skip without nginx (fail in CI, which installs it)."""
    import pytest

    if not NGINX.exists():
        message = f"{NGINX} is missing: apt-get install -y nginx"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def http_status(url: str) -> int | None:
    """The status of a GET, or None when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return None


def build_nginx_conf(site: str, listen_port: int, upstream_ports: list[int], root: Path) -> str:
    """A whole nginx.conf around a shipped site, listening and logging only where the test says.

    The site's ``listen 80;`` becomes ``127.0.0.1:<listen_port>`` and its ``server
    127.0.0.1:850N`` upstream lines take ``upstream_ports`` in order; the shared snippets are
    copied beside the configuration, where the site's ``include snippets/...`` finds them.
    """
    site, listens = re.subn(r"^(\s*)listen\s+80;", rf"\1listen 127.0.0.1:{listen_port};", site, flags=re.M)
    ports = iter(upstream_ports)
    site, upstreams = re.subn(r"server 127\.0\.0\.1:850\d", lambda _: f"server 127.0.0.1:{next(ports)}", site)
    assert (listens, upstreams) == (1, len(upstream_ports)), (
        f"the site file no longer has one 'listen 80;' and {len(upstream_ports)} upstream(s) on 127.0.0.1:850N"
    )
    shutil.copytree(NGINX_DIR / "snippets", root / "snippets", dirs_exist_ok=True)
    # As root nginx would hand requests to "nobody", who cannot write into pytest's private tmp dir.
    user = "user root;\n" if os.geteuid() == 0 else ""
    temp_paths = "\n".join(
        f"    {kind}_temp_path {root / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        f"{user}worker_processes 1;\npid {root / 'nginx.pid'};\nerror_log {root / 'error.log'};\n"
        f"events {{ worker_connections 256; }}\n"
        # Which replica answered each request: "<path> <upstream address> <status>".
        f"http {{\n    log_format upstreams '$request_uri $upstream_addr $status';\n"
        f"    access_log {root / 'access.log'} upstreams;\n{temp_paths}\n{site}\n}}\n"
    )


def check_conf(conf: Path, root: Path) -> subprocess.CompletedProcess:
    """``nginx -t`` on a configuration file."""
    return subprocess.run(
        [str(NGINX), "-t", "-p", str(root), "-e", str(root / "error.log"), "-c", str(conf)],
        capture_output=True,
        text=True,
    )


@dataclass
class Nginx:
    """One nginx in the foreground, in its own process group, stopped with :meth:`stop`."""

    process: subprocess.Popen
    url: str
    root: Path

    def stop(self) -> None:
        """Stop the master and its workers (the whole group), then reap the master."""
        if self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        except ProcessLookupError:
            pass


def start_nginx(site: str, upstream_ports: list[int], root: Path, listen_port: int) -> Nginx:
    """Check and start nginx with ``site``; return once ``/_stcore/health`` answers 200 through it.

    Raises ``RuntimeError`` when nginx rejects the configuration or does not come up in time.
    """
    conf = root / "nginx.conf"
    conf.write_text(build_nginx_conf(site, listen_port, upstream_ports, root))
    checked = check_conf(conf, root)
    if checked.returncode != 0:
        raise RuntimeError(f"nginx rejects the site file:\n{checked.stderr}")
    process = subprocess.Popen(
        [str(NGINX), "-p", str(root), "-e", str(root / "error.log"), "-c", str(conf), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{listen_port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    while http_status(f"{url}/_stcore/health") != 200:
        if process.poll() is not None or time.monotonic() >= deadline:
            Nginx(process=process, url="", root=root).stop()
            _, stderr = process.communicate(timeout=10)
            raise RuntimeError(f"nginx did not start: {stderr}\n{(root / 'error.log').read_text(errors='replace')}")
        time.sleep(0.1)
    return Nginx(process=process, url=url, root=root)
