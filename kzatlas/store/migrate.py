"""Bring a store's schema to the newest Alembic revision in ``migrations/``."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError

from kzatlas.store.records import StoreError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    """Return an Alembic configuration pointing at the store's migrations (no ``alembic.ini``)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revisions() -> set[str]:
    """Return the newest revision(s) the code knows."""
    return set(ScriptDirectory.from_config(alembic_config()).get_heads())


def current_revisions(connection: sa.Connection) -> set[str]:
    """Return the revision(s) a database is at (empty for a new database)."""
    return set(MigrationContext.configure(connection).get_current_heads())


def upgrade(engine: sa.Engine, write_options: dict) -> None:
    """Create or migrate the schema, each migration step inside one write transaction.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        The backend's engine.
    write_options : dict
        Execution options that make the backend open a write transaction (for SQLite, one
        that takes the write lock at once, so two processes starting together take turns).

    Raises
    ------
    StoreError
        If the database was written by a newer version of the atlas.
    """
    heads = head_revisions()
    with engine.connect() as connection:
        if current_revisions(connection) == heads:
            return
    config = alembic_config()
    with engine.connect() as connection:
        connection = connection.execution_options(**write_options)
        with connection.begin():
            known = current_revisions(connection)
            if known == heads:
                return
            config.attributes["connection"] = connection
            try:
                command.upgrade(config, "head")
            except CommandError as exc:
                raise StoreError(
                    "The saved-data store was written by a newer version of the atlas; "
                    "update the atlas before opening it."
                ) from exc
