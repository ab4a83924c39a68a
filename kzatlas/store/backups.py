"""Backing up and restoring a store as one SQLite file, whatever the backend.

A backup is a SQLite file holding the store's tables and its schema revision
(``alembic_version``): for the embedded store, a page-for-page copy made with SQLite's online
backup API (the app keeps writing meanwhile); for PostgreSQL, the same tables filled row by row
from one consistent snapshot (``REPEATABLE READ``). Either kind can be restored into either
backend. A backup is checked right after it is written, and again before it is restored.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from sqlalchemy import exc as sa_exc

from kzatlas.store.base import Store
from kzatlas.store.health import MAX_PROBLEMS, StoreDamagedError, database_problem
from kzatlas.store.migrate import alembic_config, head_revisions
from kzatlas.store.records import StoreError
from kzatlas.store.schema import changes, metadata
from kzatlas.store.sql import SqlStore
from kzatlas.store.sqlite import BUSY_TIMEOUT_SECONDS, SqliteStore, is_damage_error

# Rows copied per statement between a server database and a backup file.
_CHUNK_ROWS = 500
_REVISION_TABLE = "alembic_version"


@dataclass(frozen=True)
class BackupSummary:
    """What a backup file holds: its schema revision, changes and newest version."""

    revision: str
    changes: int
    newest_version: int


def known_revisions() -> set[str]:
    """Every schema revision the code can open (older ones are migrated when opened)."""
    return {script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


@contextmanager
def _read_only(path: Path) -> Iterator[sqlite3.Connection]:
    """Open a backup file without writing anything beside it (no lock files, no log)."""
    connection = sqlite3.connect(f"{Path(path).resolve().as_uri()}?immutable=1", uri=True)
    try:
        yield connection
    finally:
        connection.close()


def backup_problems(path: Path) -> list[str]:
    """Why a file is not a usable store backup (empty when it is one).

    It must be a SQLite file that passes ``PRAGMA quick_check``, at a schema revision the code
    knows, with the store's tables.
    """
    if not Path(path).is_file():
        return ["no such file"]
    try:
        with _read_only(path) as connection:
            found = [str(row[0]) for row in connection.execute("PRAGMA quick_check")]
            if found != ["ok"]:
                return found[:MAX_PROBLEMS]
            names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if _REVISION_TABLE not in names:
                return ["not a store backup: it has no schema revision"]
            revisions = [row[0] for row in connection.execute(f"SELECT version_num FROM {_REVISION_TABLE}")]
    except sqlite3.DatabaseError as exc:
        return [f"not a readable SQLite file ({database_problem(exc)})"]
    unknown = sorted(set(revisions) - known_revisions())
    if len(revisions) != 1 or unknown:
        return [f"schema revision {', '.join(revisions) or 'none'} is not one this version of the atlas knows"]
    missing = sorted(table.name for table in _core_tables() if table.name not in names)
    return [f"not a store backup: table {name} is missing" for name in missing]


def summary(path: Path) -> BackupSummary:
    """The revision, number of changes and newest version of a backup that passed :func:`backup_problems`."""
    with _read_only(path) as connection:
        revision = connection.execute(f"SELECT version_num FROM {_REVISION_TABLE}").fetchone()[0]
        count, newest = connection.execute(f"SELECT count(*), coalesce(max(version), 0) FROM {changes.name}").fetchone()
    return BackupSummary(revision=str(revision), changes=int(count), newest_version=int(newest))


def _core_tables() -> list[sa.Table]:
    """The tables every store revision has (the history and the current features)."""
    return [table for table in metadata.sorted_tables if table.name.startswith("store_")]


# ------------------------------------------------------------------ backup


def backup(store: Store, target: Path, *, force: bool = False) -> BackupSummary:
    """Write a consistent copy of ``store`` to ``target`` and check it.

    Parameters
    ----------
    store : Store
        An open store (the embedded file or a PostgreSQL database).
    target : pathlib.Path
        The backup file to write.
    force : bool
        Replace ``target`` if it exists (otherwise an existing file is refused).

    Returns
    -------
    BackupSummary
        What the checked copy holds.

    Raises
    ------
    StoreError
        If ``target`` exists (without ``force``), cannot be written, or the copy fails its check
        (then no file is left behind).
    """
    target = Path(target)
    if target.exists() and (not force or not target.is_file()):
        raise StoreError(
            f"{target.name} exists; pass --force to replace it."
            if target.is_file()
            else f"{target.name} is not a file."
        )
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    try:
        if isinstance(store, SqliteStore):
            _copy_sqlite(store.path, partial)
        elif isinstance(store, SqlStore):
            _copy_rows_to_file(store, partial)
        else:
            raise StoreError("This store cannot be backed up from the command line.")
        problems = backup_problems(partial)
        if problems:
            raise StoreDamagedError(problems)
        made = summary(partial)
        if force:
            os.replace(partial, target)
        else:
            # A link fails if the name was taken meanwhile, so an existing file is never replaced.
            os.link(partial, target)
    except FileExistsError as exc:
        raise StoreError(f"{target.name} exists; pass --force to replace it.") from exc
    except OSError as exc:
        raise StoreError(f"The backup cannot be written ({exc.strerror or type(exc).__name__}).") from exc
    finally:
        partial.unlink(missing_ok=True)
    return made


def _copy_sqlite(source: Path, target: Path) -> None:
    """Page-for-page copy with the online backup API: one read snapshot, writers carry on."""
    try:
        with closing(sqlite3.connect(source, timeout=BUSY_TIMEOUT_SECONDS)) as origin:
            with closing(sqlite3.connect(target)) as copy:
                origin.backup(copy)
    except sqlite3.DatabaseError as exc:
        if is_damage_error(exc):
            raise StoreDamagedError([database_problem(exc)]) from exc
        raise StoreError("The saved-data store cannot be read just now; no backup was written.") from exc


def _copy_rows_to_file(store: SqlStore, target: Path) -> None:
    """Every store table's rows, read in one snapshot, into a new SQLite file with the same tables."""
    file_engine = sa.create_engine(f"sqlite:///{target}")
    try:
        with store.snapshot() as source, file_engine.begin() as copy:
            metadata.create_all(copy)
            revision = source.execute(sa.text(f"SELECT version_num FROM {_REVISION_TABLE}")).scalar_one()
            copy.execute(sa.text(f"CREATE TABLE {_REVISION_TABLE} (version_num VARCHAR(32) NOT NULL PRIMARY KEY)"))
            copy.execute(sa.text(f"INSERT INTO {_REVISION_TABLE} VALUES (:revision)"), {"revision": revision})
            existing = set(sa.inspect(source).get_table_names())
            for table in metadata.sorted_tables:
                if table.name in existing:
                    _copy_table(source, copy, table)
    except (sa_exc.DBAPIError, sa_exc.TimeoutError) as exc:
        raise StoreError("The saved-data store cannot be read just now; no backup was written.") from exc
    finally:
        file_engine.dispose()


def _copy_table(source: sa.Connection, target: sa.Connection, table: sa.Table) -> None:
    """Copy one table in key order, a chunk at a time (both have the same columns)."""
    keys = list(table.primary_key.columns)
    result = source.execution_options(stream_results=True).execute(sa.select(table).order_by(*keys))
    for rows in result.mappings().partitions(_CHUNK_ROWS):
        target.execute(sa.insert(table), [dict(row) for row in rows])


# ------------------------------------------------------------------ restore


def restore(store: Store, source: Path) -> BackupSummary:
    """Replace everything ``store`` holds with the backup in ``source``, history included.

    The backup is checked first (see :func:`backup_problems`). The embedded file is overwritten
    as :func:`restore_file` says; a server database is emptied and refilled in one write
    transaction under the writers' lock, so its readers see either the old or the restored store.

    Raises
    ------
    StoreError
        If the backup is not a usable store backup (nothing is changed then) or the store cannot
        be written.
    """
    if isinstance(store, SqliteStore):
        return restore_file(source, store.path)
    held = _checked_backup(source)
    if not isinstance(store, SqlStore):
        raise StoreError("This store cannot be restored from the command line.")
    _restore_rows(source, store)
    return held


def restore_file(source: Path, live: Path) -> BackupSummary:
    """Overwrite the SQLite store file ``live`` with the checked backup ``source``.

    The copy goes page for page through SQLite's backup API, which holds the live file's write
    lock for the whole copy, so a running app reads either the old or the restored store; the
    file need not open as a store first (it may be the damaged one).

    Raises
    ------
    StoreError
        If the backup is not usable (nothing is changed then) or the file cannot be written.
    """
    held = _checked_backup(source)
    _restore_sqlite(source, live)
    return held


def _checked_backup(source: Path) -> BackupSummary:
    problems = backup_problems(source)
    if problems:
        raise StoreError(f"{Path(source).name} is not a usable store backup: {problems[0]}; nothing was changed.")
    return summary(source)


def _restore_sqlite(source: Path, live: Path) -> None:
    try:
        with _read_only(source) as backup_file, closing(sqlite3.connect(live, timeout=BUSY_TIMEOUT_SECONDS)) as target:
            target.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")
            # One step: the backup API holds the live file's write lock for the whole copy.
            backup_file.backup(target)
    except sqlite3.DatabaseError as exc:
        if is_damage_error(exc):
            raise StoreError(
                "The saved-data file is too damaged to be restored in place; stop the app, move the file "
                "aside, and run the restore again (it then makes a new file)."
            ) from exc
        raise StoreError("The saved-data store is busy or cannot be written just now; nothing was changed.") from exc


def _restore_rows(source: Path, store: SqlStore) -> None:
    if {summary(source).revision} != head_revisions():
        raise StoreError(
            "A server database can only be restored from a backup at its own schema revision; "
            "open the backup once with this version of the atlas to bring it up to date."
        )
    uri = f"{Path(source).resolve().as_uri()}?immutable=1"
    file_engine = sa.create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True))
    try:
        with file_engine.connect() as backup_file, store.exclusive_write() as target:
            in_file = set(sa.inspect(backup_file).get_table_names())
            for table in reversed(metadata.sorted_tables):
                target.execute(sa.delete(table))
            for table in metadata.sorted_tables:
                if table.name in in_file:
                    _insert_rows(backup_file, target, table)
            _fix_version_sequence(target)
    except (sa_exc.DBAPIError, sa_exc.TimeoutError) as exc:
        raise StoreError("The saved-data store is busy or cannot be written just now; nothing was changed.") from exc
    finally:
        file_engine.dispose()


def _insert_rows(source: sa.Connection, target: sa.Connection, table: sa.Table) -> None:
    """Copy a table; ``undone_by`` points at later changes, so it is filled in after every change is in."""
    later = [column.name for column in table.columns if column.name == "undone_by"]
    pending: list[dict] = []
    keys = list(table.primary_key.columns)
    for rows in source.execute(sa.select(table).order_by(*keys)).mappings().partitions(_CHUNK_ROWS):
        batch = [dict(row) for row in rows]
        if later:
            pending += [
                {"key": row["version"], "value": row["undone_by"]} for row in batch if row["undone_by"] is not None
            ]
            batch = [{**row, "undone_by": None} for row in batch]
        target.execute(sa.insert(table), batch)
    if pending:
        target.execute(
            sa.update(table).where(table.c.version == sa.bindparam("key")).values(undone_by=sa.bindparam("value")),
            pending,
        )


def _fix_version_sequence(connection: sa.Connection) -> None:
    """Set PostgreSQL's sequence behind ``store_changes.version`` past the restored versions."""
    if connection.dialect.name != "postgresql":
        return
    connection.execute(
        sa.text(
            "SELECT setval(pg_get_serial_sequence('store_changes', 'version'), "
            "coalesce(max(version), 1), max(version) IS NOT NULL) FROM store_changes"
        )
    )
