"""The offline basemap: neighbouring countries, seas and lakes, rivers, and the names on them.

The four ``basemap_*`` files in ``geodata/`` are described under ``basemap`` in
``manifest.json`` (same record shape as the catalogue's layers) and held to those records
here. They are not part of the catalogue: nothing is filtered, listed or exported from them;
they are only drawn under (and, for names, over) the atlas's own layers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import shapely

from kzatlas import catalog
from kzatlas.i18n import local_names
from kzatlas.map.name_order import basemap_names_in_order
from kzatlas.safety import JSONLimitError, escape_html, load_json_limited

BASEMAP_LAYERS = ("basemap_land", "basemap_water", "basemap_rivers", "basemap_labels")
MANIFEST_SECTION = "basemap"


@dataclass(frozen=True)
class BasemapData:
    """What the map draws, ready to embed: GeoJSON geometry and escaped label HTML.

    Attributes
    ----------
    land, water, rivers : dict
        GeoJSON FeatureCollections without properties (rounded coordinates).
    labels : list
        ``[lat, lng, html, kind, rank]`` for each name, ``html`` already escaped.
    records : dict
        The manifest records of the four files (licence, vintage, sources...).
    """

    land: dict
    water: dict
    rivers: dict
    labels: list
    records: dict


def basemap_records(geodata_dir: Path) -> dict[str, catalog.LayerRecord]:
    """The manifest's ``basemap`` section as layer records.

    Raises
    ------
    catalog.CatalogueError
        If the manifest is missing or the section is missing or malformed.
    """
    raw = load_json_limited((geodata_dir / "manifest.json").read_bytes(), max_bytes=catalog.MAX_METADATA_BYTES)
    section = raw.get(MANIFEST_SECTION) if isinstance(raw, dict) else None
    if not isinstance(section, dict) or set(section) != set(BASEMAP_LAYERS):
        raise catalog.CatalogueError(f"manifest.json: the '{MANIFEST_SECTION}' section is missing or incomplete")
    return catalog.parse_manifest({"layers": section}).layers


def _shapes(frame) -> dict:
    features = [
        {"type": "Feature", "properties": {}, "geometry": json.loads(shapely.to_geojson(geometry))}
        for geometry in frame.geometry
        if geometry is not None and not geometry.is_empty
    ]
    return {"type": "FeatureCollection", "features": features}


def read_basemap_frames(
    geodata_dir: Path, records: dict[str, catalog.LayerRecord] | None = None
) -> dict[str, gpd.GeoDataFrame]:
    """Load the four basemap files as they are, each checked against its manifest record.

    Parameters
    ----------
    geodata_dir : Path
        Folder holding ``manifest.json`` and the ``basemap_*.geojson`` files.
    records : dict, optional
        The records from :func:`basemap_records`; read from the manifest when omitted.

    Returns
    -------
    dict
        Layer name (``basemap_land``...) to its GeoDataFrame in EPSG:4326.

    Raises
    ------
    catalog.CatalogueError
        If a file is missing, differs from its checksum, or breaks its manifest record.
    """
    records = basemap_records(geodata_dir) if records is None else records
    frames = {}
    for name, record in records.items():
        frame = catalog.load_layer(record, geodata_dir)
        if catalog.file_sha256(geodata_dir / record.file) != record.sha256:
            raise catalog.CatalogueError(catalog.changed_outside_build(record.file))
        frames[name] = frame
    return frames


def read_basemap(geodata_dir: Path, name_column: str) -> BasemapData:
    """Load and check the basemap files and prepare them for the map in one language.

    Parameters
    ----------
    geodata_dir : Path
        Folder holding ``manifest.json`` and the ``basemap_*.geojson`` files.
    name_column : str
        ``name_en``, ``name_ru`` or ``name_kk``; missing names fall back to English.

    Returns
    -------
    BasemapData

    Raises
    ------
    catalog.CatalogueError
        If a file is missing, differs from its checksum, or breaks its manifest record.
    """
    records = basemap_records(geodata_dir)
    frames = read_basemap_frames(geodata_dir, records)
    # Countries first, then cities by standing and size: who wins a crowded spot.
    labels_frame = basemap_names_in_order(frames["basemap_labels"])
    labels_frame["_name"] = local_names(labels_frame, name_column)
    labels = [
        [round(row.geometry.y, 4), round(row.geometry.x, 4), escape_html(row["_name"]), row["kind"], int(row["rank"])]
        for _, row in labels_frame.iterrows()
        if row.geometry is not None and not row.geometry.is_empty and row["_name"]
    ]
    return BasemapData(
        land=_shapes(frames["basemap_land"]),
        water=_shapes(frames["basemap_water"]),
        rivers=_shapes(frames["basemap_rivers"]),
        labels=labels,
        records=dict(records),
    )


@lru_cache(maxsize=8)
def _cached(geodata_dir: str, name_column: str) -> BasemapData | None:
    try:
        return read_basemap(Path(geodata_dir), name_column)
    except (catalog.CatalogueError, OSError, JSONLimitError):
        return None


def bundled_basemap(name_column: str) -> BasemapData | None:
    """The basemap of the active geodata folder, read once per language; ``None`` if unusable.

    A missing or broken basemap never stops the map: it is then drawn without it.
    """
    return _cached(str(catalog.active_geodata_dir()), name_column)


@lru_cache(maxsize=2)
def _cached_frames(geodata_dir: str) -> dict[str, gpd.GeoDataFrame] | None:
    try:
        return read_basemap_frames(Path(geodata_dir))
    except (catalog.CatalogueError, OSError, JSONLimitError):
        return None


def bundled_basemap_frames() -> dict[str, gpd.GeoDataFrame] | None:
    """The active geodata folder's basemap layers as GeoDataFrames, read once per process.

    For drawing on the server (the briefing packs' map). The frames are shared between
    callers: read them, never change them. ``None`` when the basemap is missing or broken,
    and the map is then drawn without it.
    """
    return _cached_frames(str(catalog.active_geodata_dir()))
