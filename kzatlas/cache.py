"""The only cached functions. Keys are hashable values, never GeoDataFrames.

What each cache holds (and its bound):

* ``shipped_catalogue``: the read-only catalogue of a geodata folder (4 folders).
* ``data_store``: one open store per address (2 addresses).
* ``catalogue_at``: the catalogue with the store's edits laid over it, per store version
  (4 versions; an edit makes a new version, so the next rerun on any server sees it).
* ``filtered_features``: the features matching one filter set at one store version (64 sets).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from kzatlas import analysis, catalog, store
from kzatlas.analysis import Filters


@st.cache_resource(max_entries=4, show_spinner=False)
def shipped_catalogue(geodata_dir: str) -> catalog.Catalogue:
    """Read and validate a geodata folder once per server process (read-only afterwards)."""
    return catalog.load_catalogue(Path(geodata_dir))


@st.cache_resource(max_entries=2, show_spinner=False)
def data_store(url: str | None, geodata_dir: str) -> store.Store:
    """The store at ``url`` (None: the embedded file), opened once per server process."""
    shipped = catalog.shipped_feature_frame(shipped_catalogue(geodata_dir))
    return store.open_store(url, catalogue_ids=frozenset(shipped["id"]))


@st.cache_resource(max_entries=4, show_spinner=False)
def catalogue_at(geodata_dir: str, url: str | None, version: int) -> catalog.Catalogue:
    """The catalogue with the store's edits at ``version`` (the key; the store is read once)."""
    del version  # part of the cache key only
    return store.with_saved(shipped_catalogue(geodata_dir), data_store(url, geodata_dir))


@dataclass(frozen=True)
class LoadedCatalogue:
    """The catalogue a page shows, and why it may be read-only."""

    catalogue: catalog.Catalogue
    store_problem: str | None = None


def load_catalogue(geodata_dir: str) -> LoadedCatalogue:
    """The catalogue as the atlas shows it now: shipped features plus the store's edits.

    The store's version is read on every rerun (one small query), so an edit saved by any
    user or server shows on everyone's next interaction. When the store cannot be read, the
    shipped catalogue is shown with the reason, and nothing can be written.
    """
    url = store.configured_url()
    try:
        version = data_store(url, geodata_dir).version()
        return LoadedCatalogue(catalogue_at(geodata_dir, url, version))
    except (store.StoreError, SQLAlchemyError, OSError) as exc:
        reason = str(exc) if isinstance(exc, store.StoreError) else type(exc).__name__
        return LoadedCatalogue(shipped_catalogue(geodata_dir), store_problem=reason)


@st.cache_data(max_entries=64, show_spinner=False)
def filtered_features(filters: Filters, geodata_dir: str, store_version: int = 0):
    """Features matching ``filters`` (a frozen dataclass, so it hashes) at one store version."""
    features = catalog.feature_frame(load_catalogue(geodata_dir).catalogue)
    return analysis.filter_features(features, filters)
