"""The store interface every backend implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import geopandas as gpd

from kzatlas.store.records import (
    APPLY_ACTIONS,
    MAX_COMMENT_CHARS,
    MAX_SOURCE_NAME_CHARS,
    MAX_WHO_CHARS,
    Change,
    FeatureState,
    StoreError,
    check_sha256,
    check_text,
    normalise_batch,
)

if TYPE_CHECKING:
    from kzatlas.catalog import Catalogue


class Store(ABC):
    """Saved layers and edits, versioned: every write is one transaction and can be undone.

    The shipped catalogue is never written; the store holds only what editors added,
    changed or deleted, and :func:`kzatlas.store.merge` lays it over the catalogue.

    Undo rule: a change can be undone while it stands (it was not undone already) and no
    later standing change touched any of its features. A later change stops counting once it
    is undone itself, and an undo of a later change counts with it as a pair. So to undo an
    older change, undo the newer ones on the same features first, newest first. Undoing an
    undo re-applies the change it took back (redo).
    """

    @abstractmethod
    def version(self) -> int:
        """Return the newest version (0 for an empty store); cheap, meant as a cache key."""

    @abstractmethod
    def saved(self) -> gpd.GeoDataFrame:
        """Every feature the store holds now, deleted ones left out.

        Returns
        -------
        geopandas.GeoDataFrame
            The catalogue's feature columns, ``geometry`` (EPSG:4326) and ``origin``:
            ``edited`` for ids the shipped catalogue has, ``added`` for the rest.
        """

    @abstractmethod
    def deleted_ids(self) -> frozenset[str]:
        """Ids an editor deleted (shipped or saved) and that are still deleted."""

    def apply(
        self,
        records: Iterable[Mapping],
        *,
        who: str,
        comment: str,
        action: str,
        source_name: str = "",
        source_sha256: str = "",
        deletions: Iterable[str] = (),
    ) -> Change:
        """Write records and deletions as one new version, or nothing at all.

        Parameters
        ----------
        records : iterable of Mapping
            Feature records: the catalogue's feature columns plus ``geometry``. A record
            replaces whatever the store held under its id.
        who : str
            The signed-in editor (required).
        comment : str
            Why (required, short).
        action : str
            ``import``, ``edit``, ``draw`` or ``delete``.
        source_name, source_sha256 : str
            The file the records came from and its hex SHA-256, if any.
        deletions : iterable of str
            Ids to hide, whether shipped or saved.

        Returns
        -------
        Change
            The new version.

        Raises
        ------
        StoreError
            If anything is refused (then nothing was written).
        """
        if action not in APPLY_ACTIONS:
            raise StoreError(f"Unknown kind of change; use one of {', '.join(APPLY_ACTIONS)}.")
        header = {
            "who": check_text(who, "name of the editor", MAX_WHO_CHARS, required=True),
            "comment": check_text(comment, "comment", MAX_COMMENT_CHARS, required=True),
            "action": action,
            "source_name": check_text(source_name, "source file name", MAX_SOURCE_NAME_CHARS, required=False),
            "source_sha256": check_sha256(source_sha256),
            "undoes": None,
        }
        clean, gone = normalise_batch(records, deletions)
        return self._write_batch(header, clean, gone)

    @abstractmethod
    def _write_batch(self, header: dict, records: list[dict], deletions: list[str]) -> Change:
        """Write one checked change: its header row, normalised records and deletion ids."""

    @abstractmethod
    def history(self, limit: int = 200) -> list[Change]:
        """Return the newest ``limit`` changes, newest first."""

    @abstractmethod
    def feature_history(self, feature_id: str) -> list[FeatureState]:
        """Every state the store gave one feature, newest first."""

    @abstractmethod
    def undo(self, version: int, *, who: str, comment: str) -> Change:
        """Take one change back as a new version.

        Each feature the change wrote returns to its state just before it, which for a
        feature the change first brought into the store means "not in the store" (the
        shipped feature shows again, if there is one).

        Raises
        ------
        StoreError
            If the version does not exist, is undone already, or a later standing change
            touched the same features (the message names them).
        """

    def publish_catalogue(self, catalogue: Catalogue) -> bool:
        """Keep a read-only copy of the shipped catalogue in the store, once per data version.

        The atlas itself always merges over the catalogue it ships; a server database keeps a
        copy for SQL and GIS clients. The embedded file keeps none, so by default this does
        nothing.

        Parameters
        ----------
        catalogue : Catalogue
            The shipped catalogue.

        Returns
        -------
        bool
            True if the copy was (re)loaded by this call.
        """
        del catalogue
        return False

    @abstractmethod
    def close(self) -> None:
        """Release connections; the store object is not used afterwards."""

    def __enter__(self) -> Store:
        """Use the store in a ``with`` block."""
        return self

    def __exit__(self, *exc_info) -> None:
        """Close the store at the end of the ``with`` block."""
        self.close()
