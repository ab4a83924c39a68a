"""The embedded backend: one SQLite file, shared safely by several app processes.

Everything SQLite-specific lives here: WAL journaling (readers never wait for a writer), a busy
timeout (a second writer waits instead of failing), foreign keys on, and write transactions that
take the write lock when they begin (``BEGIN IMMEDIATE``), so two writers queue rather than
deadlock half-way.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import sqlalchemy as sa

from kzatlas.store.records import StoreError
from kzatlas.store.sql import SqlStore

BUSY_TIMEOUT_SECONDS = 15
_WRITE_OPTION = "kzatlas_write"


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


def open_sqlite_store(path: Path, *, catalogue_ids: Iterable[str] | None = None) -> SqlStore:
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
    return SqlStore(sqlite_engine(path), write_options={_WRITE_OPTION: True}, catalogue_ids=catalogue_ids)
