"""Servers on 127.0.0.1 for the tests and the benchmarks: a free port, whether Streamlit is up, and starting it.

Used by the browser tests, the throw-away PostgreSQL and nginx, and ``bench/`` (which puts this
folder on its import path), so there is one way to pick a port, one meaning of "started" and one
way to start (and stop) a Streamlit server.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path


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


# ---------------------------------------------------------------- a Streamlit server

ROOT_DIR = Path(__file__).resolve().parent.parent
VENV_PYTHON = ROOT_DIR / ".venv" / "bin" / "python"
GEODATA_DIR_ENV = "KZATLAS_GEODATA_DIR"
SERVER_START_TIMEOUT_S = 90.0


@dataclass
class StreamlitServer:
    """One ``streamlit run`` process in its own process group, on 127.0.0.1."""

    process: subprocess.Popen
    base_url: str
    log_path: Path

    def log_tail(self, chars: int = 3000) -> str:
        """The end of the server's log, for a failure message."""
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def stop(self) -> None:
        """Stop the server and everything it started (SIGTERM, then SIGKILL after 10 s)."""
        if self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


def start_streamlit(
    script: str = "serve.py",
    env_overrides: dict[str, str] | None = None,
    *,
    log_dir: Path | None = None,
    cwd: Path = ROOT_DIR,
    timeout_s: float = SERVER_START_TIMEOUT_S,
) -> StreamlitServer:
    """Start ``streamlit run script`` on a free loopback port; return once it answers "ok".

    ``env_overrides`` are added to the server's environment (``KZATLAS_GEODATA_DIR``,
    ``KZATLAS_STORE_URL``...); without them the bundled geodata is used even if the variable is
    set in the caller's shell. ``cwd`` is where the script is (the repository by default).
    Raises ``RuntimeError`` with the end of the log when the server exits or is not healthy
    within ``timeout_s``.
    """
    python = str(VENV_PYTHON) if VENV_PYTHON.exists() else sys.executable
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key != GEODATA_DIR_ENV}
    env.update(env_overrides or {})
    log_dir = log_dir or Path(tempfile.mkdtemp(prefix="kzatlas-server-"))
    log_path = log_dir / f"streamlit-{port}.log"
    command = [python, "-m", "streamlit", "run", script, "--server.port", str(port)]
    command += ["--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    server = StreamlitServer(process=process, base_url=f"http://127.0.0.1:{port}", log_path=log_path)
    deadline = time.monotonic() + timeout_s
    while not streamlit_healthy(server.base_url):
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {process.returncode}:\n{server.log_tail()}")
        if time.monotonic() >= deadline:
            server.stop()
            raise RuntimeError(f"streamlit not healthy after {timeout_s} s:\n{server.log_tail()}")
        time.sleep(0.2)
    return server
