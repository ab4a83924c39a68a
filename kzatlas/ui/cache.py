"""The only cached functions. Keys are hashable values, never GeoDataFrames.

What each cache holds (and its bound):

* ``shipped_catalogue``: the read-only catalogue of a geodata folder (4 folders).
* ``data_store``: one open store per address (2 addresses).
* ``catalogue_at``: the catalogue with the store's edits laid over it, per store version
  (4 versions; an edit makes a new version, so the next rerun on any server sees it).
* ``last_loaded``: the newest merged catalogue per folder and address, shown read-only when the
  store cannot be reached (one catalogue per key; at most 4 keys).
* ``filtered_features``: the features matching one filter set at one store version (64 sets;
  one read-only frame shared by every session).
* ``name_search_text``: every feature's names folded for searching, per store version (4).
* ``map_features``: every feature simplified, rounded and serialised for the map, per store
  version, detail band and language (6 entries).
* ``view_results``: what a page shows for one filter set that does not change until the data,
  the filters or the language do: the summary figures, the chart, the table, the map's name
  labels, the region names (:data:`VIEW_RESULTS_MAX` results, least recently used go first).

Nothing expires by time: every cache of saved data is keyed by the store's version, which
every rerun reads afresh, so replicas behind a load balancer agree on their next interaction.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from kzatlas import analysis, catalog, store
from kzatlas.analysis import Filters
from kzatlas.config import NAME_COLUMNS
from kzatlas.i18n import local_names, name_column, translator
from kzatlas.map import base_layers, feature_payload, folium_maps
from kzatlas.ui.settings import secret_table

# Where the store's address may be set in .streamlit/secrets.toml: [store] url = "...".
SECRETS_SECTION = "store"
SECRETS_KEY = "url"


def store_url() -> str:
    """The store address: ``$KZATLAS_STORE_URL``, else ``[store] url`` in secrets, else the embedded file.

    The embedded file is named by its full path (in ``$KZATLAS_DATA_DIR`` or ``data/``), so the
    cached store follows the data folder rather than the first one a process happened to open.
    """
    return store.configured_url(_secret_store_url()) or f"sqlite:///{store.default_store_path()}"


def _secret_store_url() -> object:
    return secret_table(SECRETS_SECTION).get(SECRETS_KEY)


@st.cache_resource(max_entries=4, show_spinner=False)
def shipped_catalogue(geodata_dir: str) -> catalog.Catalogue:
    """Read and validate a geodata folder once per server process (read-only afterwards)."""
    return catalog.load_catalogue(Path(geodata_dir))


@st.cache_resource(max_entries=2, show_spinner=False)
def data_store(url: str | None, geodata_dir: str) -> store.Store:
    """The store at ``url`` (None: the embedded file), opened once per server process."""
    catalogue = shipped_catalogue(geodata_dir)
    shipped = catalog.shipped_feature_frame(catalogue)
    opened = store.open_store(url, catalogue_ids=frozenset(shipped["id"]))
    try:
        # A server database keeps a copy of the shipped catalogue (loaded once per data version).
        opened.publish_catalogue(catalogue)
    except store.StoreError:
        opened.close()
        raise
    return opened


@st.cache_resource(max_entries=4, show_spinner=False)
def catalogue_at(geodata_dir: str, url: str | None, version: int) -> catalog.Catalogue:
    """The catalogue with the store's edits at ``version`` (the key; the store is read once)."""
    del version  # part of the cache key only
    return store.with_saved(shipped_catalogue(geodata_dir), data_store(url, geodata_dir))


class LastLoaded:
    """The newest catalogue merged with the store's edits, per (folder, address); thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: dict[tuple[str, str | None], catalog.Catalogue] = {}

    def keep(self, key: tuple[str, str | None], catalogue: catalog.Catalogue) -> None:
        """Remember ``catalogue`` unless a newer store version is held already."""
        with self._lock:
            held = self._held.get(key)
            if held is None or held.store_version <= catalogue.store_version:
                if held is None and len(self._held) >= 4:
                    self._held.pop(next(iter(self._held)))
                self._held[key] = catalogue

    def get(self, key: tuple[str, str | None]) -> catalog.Catalogue | None:
        """The catalogue kept for ``key``, or None."""
        with self._lock:
            return self._held.get(key)


@st.cache_resource(show_spinner=False)
def last_loaded() -> LastLoaded:
    """The one :class:`LastLoaded` of this server process."""
    return LastLoaded()


@dataclass(frozen=True)
class LoadedCatalogue:
    """The catalogue a page shows, and why it may be read-only.

    ``store_problem`` is None when the store was read; otherwise it says why not, and
    ``stale`` tells whether the catalogue is the last one loaded from the store (True) or the
    shipped one because the store was never reached by this server (False). ``store_address``
    is the store's address as read for this catalogue (:func:`store_url`), so the rest of the
    rerun keys its results by it without reading the settings again.
    """

    catalogue: catalog.Catalogue
    store_problem: str | None = None
    stale: bool = False
    store_address: str = ""


def load_catalogue(geodata_dir: str) -> LoadedCatalogue:
    """The catalogue as the atlas shows it now: shipped features plus the store's edits.

    The store's version is read on every rerun (one small query), so an edit saved by any
    user or server shows on everyone's next interaction. When the store cannot be read, the
    last catalogue this server loaded (or the shipped one, if none) is shown with the reason,
    and nothing can be written.
    """
    url = store_url()
    key = (geodata_dir, url)
    try:
        version = data_store(url, geodata_dir).version()
        current = catalogue_at(geodata_dir, url, version)
    except (store.StoreError, SQLAlchemyError, OSError) as exc:
        reason = str(exc) if isinstance(exc, store.StoreError) else type(exc).__name__
        kept = last_loaded().get(key)
        if kept is not None:
            return LoadedCatalogue(kept, store_problem=reason, stale=True, store_address=url)
        return LoadedCatalogue(shipped_catalogue(geodata_dir), store_problem=reason, store_address=url)
    last_loaded().keep(key, current)
    return LoadedCatalogue(current, store_address=url)


@st.cache_resource(max_entries=64, show_spinner=False)
def filtered_features(filters: Filters, geodata_dir: str, store_address: str = "", store_version: int = 0):
    """Features matching ``filters`` (a frozen dataclass, so it hashes) in one store at one version (read-only).

    The store's address is part of the key: two stores can both be at version 1. One frame is
    shared by every session (copying it out for each rerun cost 0.1 to 0.16 s at 10,000 sites):
    callers derive new frames from it and never change it.
    """
    features = catalog.feature_frame(load_catalogue(geodata_dir).catalogue)
    search = name_search_text(geodata_dir, store_version) if filters.name_query.strip() else None
    return analysis.filter_features(features, filters, search)


@st.cache_resource(max_entries=4, show_spinner=False)
def name_search_text(geodata_dir: str, store_version: int = 0):
    """The folded names of every feature at one store version, for quick name searches (read-only)."""
    del store_version  # part of the cache key only
    features = catalog.feature_frame(load_catalogue(geodata_dir).catalogue)
    return analysis.search_text(features[list(NAME_COLUMNS)])


@st.cache_resource(max_entries=6, show_spinner=False)
def base_shapes(geodata_dir: str, language: str) -> base_layers.BaseShapes:
    """The region outlines and the basemap in one language, with the JSON the live map fetches (read-only).

    Prepared once, so a rerun only hashes the file's bytes to find its address.
    """
    column = name_column(language)
    return base_layers.base_shapes(catalog.region_frame(load_catalogue(geodata_dir).catalogue), column)


@st.cache_resource(max_entries=6, show_spinner=False)
def map_features(
    geodata_dir: str, store_address: str, store_version: int, band: int, language: str
) -> feature_payload.PreparedFeatures:
    """Every feature made ready for the map in one store at one version, band and language (read-only).

    Filter changes then only pick ids out of it, so shapes are simplified and serialised once.
    Held as a resource (not copied on each read): nobody may change it.
    """
    del store_address, store_version  # part of the cache key only
    loaded = load_catalogue(geodata_dir).catalogue
    column = name_column(language)
    regions = catalog.region_frame(loaded)
    names = {} if regions is None else dict(zip(regions["iso_code"], local_names(regions, column)))
    return folium_maps.prepare_map_features(catalog.feature_frame(loaded), translator(language), column, names, band)


# Results kept by :func:`view_results`: a handful per filter set and language, for a few hundred
# filter sets in all.
VIEW_RESULTS_MAX = 512


class ViewResults:
    """A bounded, thread-safe store of results, each computed once for its key (least recently used go first).

    Results are shared by every session: callers must treat them as read-only.
    """

    def __init__(self, max_entries: int = VIEW_RESULTS_MAX) -> None:
        self.max_entries = max_entries
        self._held: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], object]) -> object:
        """The result kept for ``key``, else ``compute()`` (kept for next time)."""
        with self._lock:
            if key in self._held:
                self._held.move_to_end(key)
                return self._held[key]
        # Computed outside the lock: two sessions may both compute a new key once; both results are equal.
        result = compute()
        with self._lock:
            self._held[key] = result
            self._held.move_to_end(key)
            while len(self._held) > self.max_entries:
                self._held.popitem(last=False)
        return result

    def __len__(self) -> int:
        with self._lock:
            return len(self._held)


@st.cache_resource(show_spinner=False)
def view_results() -> ViewResults:
    """The one :class:`ViewResults` of this server process."""
    return ViewResults()


# Rendered map parts kept by :func:`map_parts`: a base per kind of map and language, and the
# feature groups of the latest filter sets (at 10,000 sites a part is about 0.3 MB of script).
MAP_PARTS_MAX = 96


@st.cache_resource(show_spinner=False)
def map_parts() -> ViewResults:
    """The rendered map parts of this server process (see :mod:`kzatlas.ui.map_component`)."""
    return ViewResults(MAP_PARTS_MAX)


def for_view(
    what: Hashable,
    filters: Filters | None,
    geodata_dir: str,
    store_address: str,
    store_version: int,
    language: str,
    compute,
    held: ViewResults | None = None,
):
    """``compute()`` once per data version, filter set and language; ``what`` names the result.

    The store's address is part of the key (two stores can both be at version 1). The result is
    shared: treat it as read-only. Kept in ``held`` (default: :func:`view_results`).
    """
    key = (what, filters, geodata_dir, store_address, store_version, language)
    return (held if held is not None else view_results()).get(key, compute)
