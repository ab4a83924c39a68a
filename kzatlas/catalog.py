"""Read ``geodata/`` and hold every layer to its record in ``manifest.json``.

A broken or missing layer never stops the others: it becomes a ``LayerProblem``
with a message that names the file (never a server path).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from kzatlas.config import (
    CRS,
    FEATURE_LAYERS,
    GEODATA_DIR,
    KINDS,
    LANGUAGES,
    NAME_COLUMNS,
    ORIGIN_CATALOGUE,
    ORIGIN_COLUMN,
    REGION_CODES,
    REGION_KINDS,
    REGIONS_LAYER,
)
from kzatlas.i18n import THEME_LABELS, origin_column, source_column, translated_column
from kzatlas.manifest import (  # noqa: F401 - the manifest's names stay importable from here
    DTYPES,
    MAX_METADATA_BYTES,
    CatalogueError,
    LayerRecord,
    Manifest,
    changed_outside_build,
    file_sha256,
    parse_manifest,
    read_manifest,
)
from kzatlas.safety import JSONLimitError, is_safe_id, load_json_limited, plain_snippet

# Free texts every feature layer carries in English and, as ``<column>_<lang>``, in each other
# language (the atlas's own translations; see geodata/sources/SCHEMA.md). ``partners``, ``donors``
# and ``links`` are ``;``-joined lists, their translations item for item.
TRANSLATED_TEXT_COLUMNS = ("area_note", "undp_project", "partners", "donors", "location_name", "links", "notes")


def _with_translations(column: str) -> dict[str, str]:
    """``column`` and its translation columns, all text."""
    return {translated_column(column, language): "str" for language in LANGUAGES}


# Where each name comes from: ``name_<lang>_origin`` is ``published`` (a source prints it; the
# page is ``name_<lang>_source``) or ``atlas`` (the atlas's own translation, or for English its
# own wording); see kzatlas.i18n.shown_name.
NAME_ORIGIN_COLUMNS: dict[str, str] = {
    key: "str" for column in NAME_COLUMNS for key in (origin_column(column), source_column(column))
}

# Columns every feature layer (protected areas, corridors, UNDP sites) shares.
FEATURE_COLUMNS: dict[str, str] = {
    "id": "str",
    **dict.fromkeys(NAME_COLUMNS, "str"),
    **NAME_ORIGIN_COLUMNS,
    "kind": "str",
    "themes": "str",
    "region_codes": "str",
    "year": "int",
    "years": "str",
    # The last year of a UNDP item's work, where a source gives it ("" / null otherwise).
    "end_year": "int",
    "area_ha": "float",
    "area_drawn_ha": "float",
    **_with_translations("area_note"),
    # Dated changes of the official area (kzatlas.area_history), as JSON; "" where none is known.
    "area_history_json": "str",
    "iucn_category": "str",
    "undp_supported": "bool",
    **_with_translations("undp_project"),
    # "" for UNDP's own work; "un_partner" for a UN entity's site that UNDP did not build.
    "relationship": "str",
    **_with_translations("partners"),
    **_with_translations("donors"),
    "budget_usd": "float",
    **_with_translations("location_name"),
    **_with_translations("links"),
    "geometry_quality": "str",
    "geometry_method": "str",
    "source_url": "str",
    "source_title": "str",
    "source_date": "str",
    "source_licence": "str",
    "sources_json": "str",
    "coord_source": "str",
    **_with_translations("notes"),
}

REGION_COLUMNS: dict[str, str] = {
    "iso_code": "str",
    "adm1_pcode": "str",
    **dict.fromkeys(NAME_COLUMNS, "str"),
    "kind": "str",
    "area_km2": "float",
    "area_official_km2": "float",
    "geometry_quality": "str",
    "source_url": "str",
    "source_title": "str",
    "source_date": "str",
    "source_licence": "str",
    "sources_json": "str",
    "notes": "str",
}

LIST_SEPARATOR = ";"

# The values a feature may carry; anything else is left out with a notice when loading.
KNOWN_KINDS = frozenset(KINDS)
KNOWN_THEMES = frozenset(THEME_LABELS)
KNOWN_REGION_CODES = frozenset(REGION_CODES)
KNOWN_REGION_KINDS = frozenset(REGION_KINDS)
# Columns holding ``;``-joined lists.
LIST_COLUMNS = ("themes", "region_codes")

# Lets a test or a deployment point the app at another copy of geodata/.
GEODATA_DIR_ENV = "KZATLAS_GEODATA_DIR"


def active_geodata_dir() -> Path:
    """``$KZATLAS_GEODATA_DIR`` when set, else the bundled ``geodata/``."""
    override = os.environ.get(GEODATA_DIR_ENV)
    return Path(override) if override else GEODATA_DIR


@dataclass(frozen=True)
class LayerProblem:
    """Why a layer could not be loaded (or loaded with a caveat)."""

    layer: str
    file: str
    message: str
    fatal: bool = True


@dataclass
class Catalogue:
    """Everything the pages read: the layers and tables that loaded and what went wrong."""

    manifest: Manifest | None
    layers: dict[str, gpd.GeoDataFrame]
    problems: list[LayerProblem]
    tables: dict[str, dict] = field(default_factory=dict)
    # The shipped features with the store's saved edits laid over them (``store.with_saved``);
    # None when no store is in use, and then :func:`feature_frame` reads the layers alone.
    features: gpd.GeoDataFrame | None = None
    store_version: int = 0

    def layer(self, name: str) -> gpd.GeoDataFrame | None:
        """Return the layer called ``name``, or None when it did not load."""
        return self.layers.get(name)


def _coerce_column(series: pd.Series, dtype: str) -> pd.Series:
    if dtype == "str":
        return series.astype(object).where(series.notna(), "").astype(str)
    if dtype == "int":
        return pd.to_numeric(series, errors="raise").astype("Int64")
    if dtype == "float":
        return pd.to_numeric(series, errors="raise").astype("float64")
    if dtype == "bool":
        values = series.map(lambda v: v if isinstance(v, bool) else {"true": True, "false": False}.get(str(v).lower()))
        if values.isna().any():
            raise ValueError("not true/false")
        return values.astype(bool)
    raise ValueError(f"unknown dtype {dtype}")


def coerce_columns(frame: gpd.GeoDataFrame, record: LayerRecord) -> gpd.GeoDataFrame:
    """Give every manifest column its declared dtype.

    Raises
    ------
    CatalogueError
        If a column is missing or a value does not fit its dtype.
    """
    missing = [col for col in record.columns if col not in frame.columns]
    if missing:
        raise CatalogueError(f"{record.file}: missing columns {', '.join(missing)}")
    out = frame.copy()
    for col, dtype in record.columns.items():
        try:
            out[col] = _coerce_column(out[col], dtype)
        except (ValueError, TypeError) as exc:
            raise CatalogueError(f"{record.file}: column '{col}' is not {dtype}") from exc
    return out


def validate_layer(frame: gpd.GeoDataFrame, record: LayerRecord) -> list[str]:
    """List every way ``frame`` breaks its manifest record (empty when it conforms)."""
    problems = []
    extra = sorted(set(frame.columns) - set(record.columns) - {"geometry"})
    if extra:
        problems.append(f"unexpected columns {', '.join(extra)}")
    if frame.crs is None or frame.crs.to_string() != record.crs:
        problems.append(f"CRS is {frame.crs}, expected {record.crs}")
    if len(frame) != record.row_count:
        problems.append(f"{len(frame)} rows, manifest says {record.row_count}")
    ids = frame[record.id_column]
    if ids.duplicated().any():
        problems.append(f"duplicate ids: {', '.join(sorted(set(ids[ids.duplicated()])))}")
    if (ids == "").any():
        problems.append("empty ids")
    unsafe = sorted({str(value) for value in ids if value != "" and not is_safe_id(value)})
    if unsafe:
        shown = ", ".join(plain_snippet(value, 40) for value in unsafe[:3])
        problems.append(f"ids with characters other than letters, digits and . _ : - ({shown})")
    geoms = frame.geometry
    present = geoms.notna() & ~geoms.is_empty
    if not record.allow_missing_geometry and not present.all():
        problems.append("features without geometry")
    types = set(geoms[present].geom_type)
    unexpected = types - set(record.geometry_types)
    if unexpected:
        problems.append(f"geometry types {sorted(unexpected)} not in {list(record.geometry_types)}")
    invalid = ~shapely.is_valid(geoms[present].values)
    if invalid.any():
        bad_ids = ids[present][invalid].tolist()
        problems.append(f"invalid geometries: {', '.join(map(str, bad_ids))}")
    return problems


def load_layer(record: LayerRecord, geodata_dir: Path = GEODATA_DIR) -> gpd.GeoDataFrame:
    """Read one layer file and coerce it to its manifest record.

    Raises
    ------
    CatalogueError
        If the file is missing, unreadable, or does not fit the record.
    """
    path = geodata_dir / record.file
    if not path.is_file():
        raise CatalogueError(f"{record.file} is missing")
    try:
        # Keep dates as the text the file holds; GDAL would otherwise guess datetimes.
        frame = gpd.read_file(path, engine="pyogrio", DATE_AS_STRING="YES")
    except Exception as exc:  # pyogrio raises several unrelated types for bad files
        raise CatalogueError(f"{record.file} could not be read as GeoJSON") from exc
    if frame.crs is None:
        frame = frame.set_crs(CRS)
    frame = coerce_columns(frame, record)
    problems = validate_layer(frame, record)
    if problems:
        raise CatalogueError(f"{record.file}: {'; '.join(problems)}")
    return frame


def load_catalogue(
    geodata_dir: Path = GEODATA_DIR,
    manifest_path: Path | None = None,
) -> Catalogue:
    """Load every layer in the manifest, collecting problems instead of raising."""
    manifest_path = manifest_path or geodata_dir / "manifest.json"
    try:
        manifest = read_manifest(manifest_path)
    except CatalogueError as exc:
        return Catalogue(manifest=None, layers={}, problems=[LayerProblem("manifest", "manifest.json", str(exc))])
    layers: dict[str, gpd.GeoDataFrame] = {}
    problems: list[LayerProblem] = []
    for name, record in manifest.layers.items():
        try:
            frame = load_layer(record, geodata_dir)
        except CatalogueError as exc:
            problems.append(LayerProblem(name, record.file, str(exc)))
            continue
        # Checked after reading so a missing or broken file keeps its own, clearer message.
        if file_sha256(geodata_dir / record.file) != record.sha256:
            problems.append(LayerProblem(name, record.file, changed_outside_build(record.file)))
            continue
        frame, unknown = drop_unknown_values(frame, record)
        layers[name] = frame
        problems += [LayerProblem(name, record.file, message, fatal=False) for message in unknown]
    tables: dict[str, dict] = {}
    for name, entry in manifest.tables.items():
        path = geodata_dir / entry["file"]
        try:
            table = load_json_limited(path.read_bytes(), max_bytes=MAX_METADATA_BYTES)
        except (OSError, JSONLimitError):
            problems.append(LayerProblem(name, entry["file"], f"{entry['file']} is missing or not valid JSON"))
            continue
        if file_sha256(path) != entry["sha256"]:
            problems.append(LayerProblem(name, entry["file"], changed_outside_build(entry["file"])))
            continue
        tables[name] = table
    return Catalogue(manifest=manifest, layers=layers, problems=problems, tables=tables)


def drop_unknown_values(frame: gpd.GeoDataFrame, record: LayerRecord) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Leave out features whose kind, themes or region codes are not known values.

    Pages look kinds up in fixed tables (colours, labels), so an unknown value would break
    them; one odd feature is dropped instead, and the reason is returned to be shown.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        A layer that passed :func:`load_layer`.
    record : LayerRecord
        Its manifest record (for the file name and id column).

    Returns
    -------
    tuple of (geopandas.GeoDataFrame, list of str)
        The kept features, and one message per dropped feature naming its id and the value.
    """
    if record.name == REGIONS_LAYER:
        checks = (("iso_code", KNOWN_REGION_CODES, "region code"), ("kind", KNOWN_REGION_KINDS, "kind"))
    else:
        checks = (
            ("kind", KNOWN_KINDS, "kind"),
            ("themes", KNOWN_THEMES, "theme"),
            ("region_codes", KNOWN_REGION_CODES, "region code"),
        )
    checks = tuple(check for check in checks if check[0] in frame.columns)
    keep = []
    messages = []
    for _, row in frame.iterrows():
        bad = next(
            (
                (label, value)
                for column, known, label in checks
                for value in (split_list(row[column]) if column in LIST_COLUMNS else [row[column]])
                if value not in known
            ),
            None,
        )
        keep.append(bad is None)
        if bad is not None:
            label, value = bad
            messages.append(
                f"{record.file}: feature '{plain_snippet(row[record.id_column])}' has an unknown {label} "
                f"'{plain_snippet(value)}' and is left out"
            )
    if all(keep):
        return frame, []
    return frame[keep].reset_index(drop=True), messages


def shipped_feature_frame(catalogue: Catalogue) -> gpd.GeoDataFrame:
    """The shipped layers' features (protected areas, corridors, UNDP items) in one frame."""
    parts = [catalogue.layers[name] for name in FEATURE_LAYERS if name in catalogue.layers]
    if not parts:
        empty = {col: pd.Series(dtype=_EMPTY_DTYPES[dtype]) for col, dtype in FEATURE_COLUMNS.items()}
        return gpd.GeoDataFrame(empty, geometry=gpd.GeoSeries([], crs=CRS), crs=CRS)
    frame = pd.concat(parts, ignore_index=True)
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=CRS)


def feature_frame(catalogue: Catalogue) -> gpd.GeoDataFrame:
    """All mappable and listed features as the atlas shows them, saved edits included.

    Every row has an ``origin``: ``catalogue`` (shipped), ``edited`` (a shipped feature changed
    in the store) or ``added`` (saved only in the store).
    """
    if catalogue.features is not None:
        return catalogue.features.copy()
    return shipped_feature_frame(catalogue).assign(**{ORIGIN_COLUMN: ORIGIN_CATALOGUE})


_EMPTY_DTYPES = {"str": object, "int": "Int64", "float": "float64", "bool": bool}


def region_frame(catalogue: Catalogue) -> gpd.GeoDataFrame | None:
    """The regions layer, or ``None`` when it failed to load."""
    return catalogue.layers.get(REGIONS_LAYER)


def split_list(value: str) -> list[str]:
    """Split a ``;``-joined list column value into its items."""
    return [item for item in (part.strip() for part in str(value).split(LIST_SEPARATOR)) if item]
