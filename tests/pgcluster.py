"""A throw-away PostgreSQL/PostGIS cluster on 127.0.0.1 for tests, made with Debian's binaries.

Used as a library (``PgCluster``: the fault and replica tests start their own, so they can stop
it) and as a command that wraps another one (what ``scripts/test_postgres.sh`` runs)::

    python tests/pgcluster.py -- pytest -q tests/unit/test_store.py

starts a cluster on a free port in a temporary folder, creates a database with PostGIS,
exports its address as ``KZATLAS_TEST_POSTGRES_URL``, runs the command and always stops and
removes the cluster afterwards. The password is made up for each cluster and never printed.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
from localnet import free_port

TEST_URL_ENV = "KZATLAS_TEST_POSTGRES_URL"
PG_ROOT = Path("/usr/lib/postgresql")
DATABASE = "kzatlas"
SUPERUSER = "postgres"
START_TIMEOUT_S = 30


def pg_bin_dir() -> Path | None:
    """The newest installed PostgreSQL's bin folder with ``initdb``, or None."""
    if not PG_ROOT.is_dir():
        return None
    found = [path / "bin" for path in PG_ROOT.iterdir() if (path / "bin" / "initdb").exists()]
    found.sort(key=lambda path: int(path.parent.name) if path.parent.name.isdigit() else 0)
    return found[-1] if found else None


def postgis_installed(bin_dir: Path) -> bool:
    """Whether the PostGIS extension is installed for that PostgreSQL."""
    share = Path("/usr/share/postgresql") / bin_dir.parent.name / "extension" / "postgis.control"
    return share.exists()


def missing_reason() -> str | None:
    """Why no throw-away cluster can be made here, or None when it can."""
    bin_dir = pg_bin_dir()
    if bin_dir is None:
        return "PostgreSQL is not installed (apt-get install -y postgresql postgresql-15-postgis-3)"
    if not postgis_installed(bin_dir):
        return f"PostGIS is not installed for PostgreSQL {bin_dir.parent.name} (apt-get install -y postgresql-{bin_dir.parent.name}-postgis-3)"
    return None


class PgCluster:
    """One PostgreSQL cluster in a temporary folder, listening on 127.0.0.1 only."""

    def __init__(self) -> None:
        bin_dir = pg_bin_dir()
        reason = missing_reason()
        if bin_dir is None or reason:
            raise RuntimeError(reason)
        self.bin_dir = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="kzatlas-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = free_port()
        self.password = secrets.token_urlsafe(18)
        # As root, the server must run as an ordinary user: Debian's "postgres".
        self._as_user = ["runuser", "-u", SUPERUSER, "--"] if os.geteuid() == 0 else []
        if self._as_user:
            shutil.chown(self.root, SUPERUSER, SUPERUSER)
        self._init()

    # -- addresses ----------------------------------------------------------------------

    def url(self, database: str = DATABASE) -> str:
        """The SQLAlchemy address of ``database`` (with the password: pass it on, never print it)."""
        return f"postgresql+psycopg://{SUPERUSER}:{self.password}@127.0.0.1:{self.port}/{database}"

    def conninfo(self, database: str = DATABASE) -> str:
        """The same address for psycopg itself."""
        return f"host=127.0.0.1 port={self.port} user={SUPERUSER} password={self.password} dbname={database}"

    # -- life cycle ---------------------------------------------------------------------

    def _run(self, *args: str) -> None:
        subprocess.run([*self._as_user, *args], check=True, capture_output=True, text=True, cwd=self.root)

    def _init(self) -> None:
        password_file = self.root / "pw"
        password_file.write_text(self.password + "\n")
        if self._as_user:
            shutil.chown(password_file, SUPERUSER, SUPERUSER)
        try:
            self._run(
                str(self.bin_dir / "initdb"),
                "-D",
                str(self.data),
                "-U",
                SUPERUSER,
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                f"--pwfile={password_file}",
                "-E",
                "UTF8",
                "--no-sync",
            )
        finally:
            password_file.unlink()

    def start(self) -> None:
        """Start the server (again) on its port and wait until it accepts connections."""
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60"
        self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                psycopg.connect(self.conninfo("postgres"), connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def stop(self) -> None:
        """Stop the server at once (open connections are cut)."""
        if (self.data / "postmaster.pid").exists():
            self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def create_database(self, name: str = DATABASE) -> str:
        """Create ``name`` with PostGIS and return its address."""
        with psycopg.connect(self.conninfo("postgres"), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        with psycopg.connect(self.conninfo(name), autocommit=True) as connection:
            connection.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        return self.url(name)

    def remove(self) -> None:
        """Stop the server and delete its folder."""
        try:
            self.stop()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> PgCluster:
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.remove()


def main(argv: list[str]) -> int:
    """Run the command after ``--`` with a fresh cluster's address in the environment."""
    command = argv[argv.index("--") + 1 :] if "--" in argv else argv
    if not command:
        print("usage: pgcluster.py -- COMMAND [ARGS...]", file=sys.stderr)
        return 2
    started = time.monotonic()
    cluster = PgCluster()
    # Stop the cluster on Ctrl-C or a CI timeout too, not just on a normal exit.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        cluster.start()
        url = cluster.create_database()
        print(
            f"PostgreSQL {cluster.bin_dir.parent.name} with PostGIS on 127.0.0.1:{cluster.port} "
            f"(ready in {time.monotonic() - started:.1f} s)",
            file=sys.stderr,
        )
        return subprocess.run(command, env={**os.environ, TEST_URL_ENV: url}).returncode
    finally:
        cluster.remove()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
