"""Where saved layers and edits live: one small interface, a choice of backends.

``open_store()`` opens the embedded default, a single SQLite file in the data folder
(``$KZATLAS_DATA_DIR`` or ``data/`` in the project); ``open_store("sqlite:///path")`` picks
another file, and ``open_store("postgresql://user:password@host:5432/db")`` a PostgreSQL/PostGIS
database that several app servers share. Both backends sit behind the same ``Store`` interface
and the same SQL (``sql.py``). The shipped catalogue in ``geodata/`` is never written:
:func:`merge` lays the store's features over it.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable
from pathlib import Path

from kzatlas.catalog import Catalogue, shipped_feature_frame
from kzatlas.config import DATA_DIR, DATA_DIR_ENV, STORE_FILE_NAME, STORE_URL_ENV
from kzatlas.safety import plain_snippet
from kzatlas.store.base import Store
from kzatlas.store.records import (
    ACTIONS,
    APPLY_ACTIONS,
    ORIGIN_ADDED,
    ORIGIN_CATALOGUE,
    ORIGIN_COLUMN,
    ORIGIN_EDITED,
    ORIGINS,
    Change,
    FeatureState,
    StoreError,
    merge,
)

__all__ = [
    "ACTIONS",
    "APPLY_ACTIONS",
    "ORIGINS",
    "ORIGIN_ADDED",
    "ORIGIN_CATALOGUE",
    "ORIGIN_COLUMN",
    "ORIGIN_EDITED",
    "Change",
    "FeatureState",
    "Store",
    "StoreError",
    "data_dir",
    "default_store_path",
    "merge",
    "configured_url",
    "open_store",
    "sqlite_path",
    "with_saved",
]

_SQLITE_PREFIX = "sqlite:///"
# Any PostgreSQL address goes to kzatlas.store.postgres (imported only when used), which
# accepts the psycopg driver and explains what to write for any other.
_POSTGRES_SCHEMES = ("postgresql", "postgres")


def data_dir() -> Path:
    """Return the folder for saved data: ``$KZATLAS_DATA_DIR`` when set, else ``data/`` in the project."""
    override = os.environ.get(DATA_DIR_ENV)
    return Path(override).expanduser() if override else DATA_DIR


def default_store_path() -> Path:
    """Return the embedded store's file in the data folder."""
    return data_dir() / STORE_FILE_NAME


def open_store(url: str | None = None, *, catalogue_ids: Iterable[str] | None = None) -> Store:
    """Open the store at ``url``, creating it (and its schema) on first use.

    Parameters
    ----------
    url : str, optional
        ``None`` for the embedded default file, ``sqlite:///path/to/file.sqlite``, or
        ``postgresql://user:password@host:port/database`` (also ``postgresql+psycopg://``).
    catalogue_ids : iterable of str, optional
        Ids of the shipped features, to mark saved rows ``edited`` or ``added``; read from
        the catalogue when first needed if not given.

    Returns
    -------
    Store
        Close it when done (or use it as a context manager).

    Raises
    ------
    StoreError
        For an address the atlas cannot use, or a store that cannot be opened.
    """
    from kzatlas.store.sqlite import open_sqlite_store

    if url is None:
        return open_sqlite_store(default_store_path(), catalogue_ids=catalogue_ids)
    text = str(url).strip()
    if text.startswith(_SQLITE_PREFIX):
        path = text[len(_SQLITE_PREFIX) :]
        if not path or path.startswith(":memory:"):
            raise StoreError("A SQLite store needs a file path, e.g. sqlite:///data/kzatlas.sqlite.")
        return open_sqlite_store(Path(path), catalogue_ids=catalogue_ids)
    if text.startswith("sqlite:"):
        raise StoreError("A SQLite store needs a file path, e.g. sqlite:///data/kzatlas.sqlite.")
    scheme = text.split(":", 1)[0] if ":" in text else ""
    if scheme.lower().split("+", 1)[0] in _POSTGRES_SCHEMES:
        from kzatlas.store.postgres import open_postgres_store

        return open_postgres_store(text, catalogue_ids=catalogue_ids)
    # Only the scheme is echoed: the rest of an address may hold a password or a host name.
    shown = f"'{plain_snippet(scheme, 20)}'" if scheme else "without a scheme"
    raise StoreError(
        f"The store address {shown} is not supported. Leave it unset for the embedded file, "
        "or use sqlite:///path/to/file.sqlite or a postgresql:// database address."
    )


def sqlite_path(url: str | None) -> Path | None:
    """The file of a SQLite store address (``None``: the embedded default), or None for another backend.

    Parameters
    ----------
    url : str or None
        A store address as :func:`open_store` takes it.

    Returns
    -------
    pathlib.Path or None
        The file, or None when the address is not a SQLite one (or names no file).
    """
    if url is None:
        return default_store_path()
    text = str(url).strip()
    path = text[len(_SQLITE_PREFIX) :] if text.startswith(_SQLITE_PREFIX) else ""
    return Path(path).expanduser() if path and not path.startswith(":memory:") else None


def configured_url(secret: object = None) -> str | None:
    """Return the store address set for this server, or None for the embedded default file.

    Parameters
    ----------
    secret : object, optional
        The address from Streamlit secrets (``[store] url = "..."``), which the UI layer reads
        and passes in (this package does not import Streamlit).

    Returns
    -------
    str or None
        ``$KZATLAS_STORE_URL`` when set (the environment wins, as in most deployment tools),
        else the secret when it is non-empty text, else None.
    """
    value = os.environ.get(STORE_URL_ENV, "").strip()
    if value:
        return value
    if isinstance(secret, str) and secret.strip():
        return secret.strip()
    return None


def command_line_url() -> str | None:
    """Return the store address for command-line tools: as :func:`configured_url`, the secret read from the file.

    Outside Streamlit, ``[store] url`` is read from the app's ``.streamlit/secrets.toml``, so
    command-line tools and the app write to the same store whichever way it is configured.

    Returns
    -------
    str or None
        ``$KZATLAS_STORE_URL``, else the secrets file's address, else None (the default file).
    """
    return configured_url(_secrets_file_url())


def _secrets_file_url() -> object:
    """``[store] url`` from ``.streamlit/secrets.toml``, or None when missing or unreadable."""
    import tomllib

    from kzatlas.config import ROOT_DIR

    path = ROOT_DIR / ".streamlit" / "secrets.toml"
    try:
        with path.open("rb") as handle:
            section = tomllib.load(handle).get("store")
    except (OSError, tomllib.TOMLDecodeError):
        return None
    return section.get("url") if isinstance(section, dict) else None


def with_saved(catalogue: Catalogue, store: Store) -> Catalogue:
    """Return ``catalogue`` as the atlas shows it: shipped features with the store's edits laid over.

    Parameters
    ----------
    catalogue : Catalogue
        The shipped, read-only catalogue.
    store : Store
        Where editors' changes live.

    Returns
    -------
    Catalogue
        The same layers and problems, with ``features`` merged (each row's ``origin`` says where
        it comes from) and ``store_version`` set to the version that was read.
    """
    # Read the version first: a write landing in between only makes the next reload come sooner.
    version = store.version()
    features = merge(shipped_feature_frame(catalogue), store.saved(), store.deleted_ids())
    return dataclasses.replace(catalogue, features=features, store_version=version)
