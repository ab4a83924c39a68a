"""Servers on 127.0.0.1 for the tests and the benchmarks: a free port, and whether Streamlit is up.

Used by the browser tests, the throw-away PostgreSQL and nginx, and ``bench/`` (which puts this
folder on its import path), so there is one way to pick a port and one meaning of "started".
"""

from __future__ import annotations

import socket
import urllib.error
import urllib.request


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on just now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def streamlit_healthy(base_url: str, timeout_s: float = 2.0) -> bool:
    """Whether the Streamlit server at ``base_url`` answers ``/_stcore/health`` with "ok"."""
    try:
        with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=timeout_s) as response:
            return response.status == 200 and response.read().decode().strip() == "ok"
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False
