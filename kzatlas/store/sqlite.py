"""The embedded backend: one SQLite file, shared safely by several app processes.

Everything SQLite-specific lives here: WAL journaling (readers never wait for a writer), a busy
timeout (a second writer waits instead of failing), foreign keys on, and write transactions that
take the write lock when they begin (``BEGIN IMMEDIATE``), so two writers queue rather than
deadlock half-way.

The file is checked with ``PRAGMA quick_check`` when it is opened, inside every write transaction,
and, for a running app, whenever the file or its write-ahead log changed since the last check
(found with two ``stat`` calls when the version is read), so a file damaged outside the atlas is
named on the next page view instead of being read or written.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from kzatlas.store.health import database_problem
from kzatlas.store.records import StoreError
from kzatlas.store.sql import SqlStore

BUSY_TIMEOUT_SECONDS = 15
_WRITE_OPTION = "kzatlas_write"
# SQLite's primary result codes for a damaged file and for a file that is not a database.
_SQLITE_CORRUPT = 11
_SQLITE_NOTADB = 26
WAL_SUFFIX = "-wal"


def sqlite_engine(path: Path) -> sa.Engine:
    """Make an engine on the SQLite file at ``path`` with the settings above."""
    engine = sa.create_engine(f"sqlite:///{path}", connect_args={"timeout": BUSY_TIMEOUT_SECONDS})

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # Let SQLAlchemy's "begin" event below issue BEGIN, instead of the driver's own guesswork.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        write = connection.get_execution_options().get(_WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def is_damage_error(exc: BaseException) -> bool:
    """Whether a database error is SQLite saying the file is damaged or is not a database."""
    original = getattr(exc, "orig", exc)
    code = getattr(original, "sqlite_errorcode", None)
    return isinstance(code, int) and code & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB)


def quick_check_problems(connection: sa.Connection, checked: list[str]) -> list[str]:
    """``PRAGMA quick_check`` on the whole file: every page is read once and every b-tree walked.

    Parameters
    ----------
    connection : sqlalchemy.Connection
        A connection to the file, in a transaction.
    checked : list of str
        Gets a line naming the check.

    Returns
    -------
    list of str
        SQLite's findings (empty when it says ``ok``).
    """
    checked.append("PRAGMA quick_check on the whole file (every page and index, one pass)")
    try:
        # A long-lived connection may hold the file's pages in its cache, which SQLite trusts while
        # the write-ahead log is unchanged; freeing them makes the check read the file itself.
        connection.exec_driver_sql("PRAGMA shrink_memory")
        found = [str(row[0]) for row in connection.exec_driver_sql("PRAGMA quick_check")]
    except sa_exc.DBAPIError as exc:
        if not is_damage_error(exc):
            raise
        return [database_problem(exc)]
    return [] if found == ["ok"] else found


class SqliteStore(SqlStore):
    """The store in one SQLite file (see the module docstring for when it is checked)."""

    def __init__(self, path: Path, engine: sa.Engine, **options) -> None:
        self.path = path
        self._good_signature: tuple | None = None
        signature = self._file_signature()
        super().__init__(engine, **options)
        # Checked while opening; a migration just run changes the signature and is checked next time.
        self._good_signature = signature

    def _file_signature(self) -> tuple:
        """What changes when the file or its write-ahead log is written, by the atlas or anything else."""
        marks = []
        for path in (self.path, self.path.with_name(self.path.name + WAL_SUFFIX)):
            try:
                status = path.stat()
            except OSError:
                marks.append(None)
                continue
            marks.append((status.st_ino, status.st_size, status.st_mtime_ns))
        return tuple(marks)

    def version(self) -> int:
        """Return the newest version, after checking the file again if anything wrote to it since."""
        signature = self._file_signature()
        if signature != self._good_signature:
            self.check().raise_if_damaged()
            self._good_signature = signature
        return super().version()

    def _check_problems(self, connection: sa.Connection, checked: list[str]) -> list[str]:
        return quick_check_problems(connection, checked)

    def _is_damage(self, exc: BaseException) -> bool:
        return is_damage_error(exc)


def open_sqlite_store(path: Path, *, catalogue_ids: Iterable[str] | None = None) -> SqliteStore:
    """Open (creating on first use) the store in one SQLite file.

    Parameters
    ----------
    path : pathlib.Path
        The file; its folder is created when missing.
    catalogue_ids : iterable of str, optional
        Ids of the shipped features (see :class:`~kzatlas.store.sql.SqlStore`).

    Raises
    ------
    StoreError
        If the folder cannot be created or the file is not a usable store.
    """
    path = Path(path).expanduser()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        # No path in the message: it is shown to every viewer in the page's banner.
        raise StoreError(
            "The folder for saved data cannot be created; set KZATLAS_DATA_DIR to a writable folder."
        ) from exc
    if path.exists() and not path.is_file():
        raise StoreError("The saved-data file's name is taken by a folder, so saved data cannot be kept there.")
    return SqliteStore(path, sqlite_engine(path), write_options={_WRITE_OPTION: True}, catalogue_ids=catalogue_ids)
