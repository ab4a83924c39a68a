"""Feature records in and frames out: checks, coercion and the catalogue merge.

Nothing here touches a database, so every backend shares the same rules.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from kzatlas.catalog import FEATURE_COLUMNS, KNOWN_KINDS
from kzatlas.config import CRS, ORIGIN_ADDED, ORIGIN_CATALOGUE, ORIGIN_COLUMN, ORIGIN_EDITED, ORIGINS
from kzatlas.safety import is_safe_id, plain_snippet

__all__ = ["ORIGINS", "ORIGIN_ADDED", "ORIGIN_CATALOGUE", "ORIGIN_COLUMN", "ORIGIN_EDITED"]

# What a change did; "undo" is written only by ``Store.undo``.
ACTION_IMPORT = "import"
ACTION_EDIT = "edit"
ACTION_DRAW = "draw"
ACTION_DELETE = "delete"
ACTION_UNDO = "undo"
APPLY_ACTIONS = (ACTION_IMPORT, ACTION_EDIT, ACTION_DRAW, ACTION_DELETE)
ACTIONS = (*APPLY_ACTIONS, ACTION_UNDO)

# Keys a record may carry besides the feature columns and ``geometry`` (ignored on write).
IGNORED_KEYS = frozenset({ORIGIN_COLUMN})

MAX_WHO_CHARS = 200
MAX_COMMENT_CHARS = 500
MAX_SOURCE_NAME_CHARS = 255
MAX_ID_CHARS = 200
_SHA256 = re.compile(r"[0-9a-f]{64}")

# The dtypes kzatlas.catalog gives each manifest dtype once a layer is read.
_FRAME_DTYPES = {"str": "str", "int": "Int64", "float": "float64", "bool": bool}


class StoreError(Exception):
    """A write was refused or the store cannot be used; the message is safe to show."""


@dataclass(frozen=True)
class Change:
    """One version of the store: a single transaction and why it was made.

    Attributes
    ----------
    version : int
        Increases with every change; also the store's cache key.
    who : str
        The signed-in editor who made the change.
    when : str
        ISO 8601 time in UTC, e.g. ``2025-05-01T09:30:00Z``.
    action : str
        One of ``import``, ``edit``, ``draw``, ``delete``, ``undo``.
    comment : str
        The editor's short reason.
    source_name : str
        File the records came from (empty for edits made in the app).
    source_sha256 : str
        Hex SHA-256 of that file (empty when there is no file).
    feature_ids : tuple of str
        Ids of the features the change wrote, sorted.
    undoes : int or None
        For an undo, the version it took back.
    undone_by : int or None
        The undo that took this change back, while that undo stands.
    """

    version: int
    who: str
    when: str
    action: str
    comment: str
    source_name: str
    source_sha256: str
    feature_ids: tuple[str, ...]
    undoes: int | None = None
    undone_by: int | None = None


@dataclass(frozen=True)
class FeatureState:
    """A feature as one change left it.

    Attributes
    ----------
    version : int
        The change that wrote this state.
    feature_id : str
        The feature.
    state : str
        ``present`` (the record below), ``deleted`` (hidden, also from the catalogue) or
        ``absent`` (the store no longer holds it; the catalogue's own feature shows, if any).
    record : dict or None
        Feature columns plus ``geometry`` when ``present``, else ``None``.
    change : Change
        The change that wrote it (who, when, why).
    """

    version: int
    feature_id: str
    state: str
    record: dict | None
    change: Change


STATE_PRESENT = "present"
STATE_DELETED = "deleted"
STATE_ABSENT = "absent"


def check_text(value: str, what: str, limit: int, *, required: bool) -> str:
    """Strip ``value`` and hold it to a length (and presence) rule.

    Raises
    ------
    StoreError
        If a required value is empty or any value is too long.
    """
    text = (value or "").strip() if isinstance(value, str) or value is None else None
    if text is None:
        raise StoreError(f"The {what} must be text.")
    if required and not text:
        raise StoreError(f"A {what} is required for every change.")
    if len(text) > limit:
        raise StoreError(f"The {what} is longer than {limit} characters.")
    return text


def check_sha256(value: str) -> str:
    """Lower-case hex SHA-256, or empty.

    Raises
    ------
    StoreError
        If ``value`` is neither empty nor 64 hex digits.
    """
    text = (value or "").strip().lower()
    if text and not _SHA256.fullmatch(text):
        raise StoreError("The source file's SHA-256 must be 64 hexadecimal digits.")
    return text


def _is_missing(value: object) -> bool:
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def _coerce_value(value: object, dtype: str):
    if value is None:
        return "" if dtype == "str" else (False if dtype == "bool" else None)
    if dtype == "str" and type(value) is str:
        return value
    if isinstance(value, np.generic):
        # A row taken from a frame carries numpy scalars (numpy.bool_ is not a bool).
        value = value.item()
    if dtype == "str":
        return "" if _is_missing(value) else str(value)
    if _is_missing(value) or (isinstance(value, str) and not value.strip()):
        return False if dtype == "bool" else None
    if dtype == "int":
        number = float(value)
        if not number.is_integer():
            raise ValueError("not a whole number")
        return int(number)
    if dtype == "float":
        number = float(value)
        if not math.isfinite(number):
            raise ValueError("not a finite number")
        return number
    if isinstance(value, str):
        flag = {"true": True, "false": False}.get(value.strip().lower())
        if flag is None:
            raise ValueError("not true/false")
        return flag
    if isinstance(value, (bool, int)) and value in (0, 1):
        return bool(value)
    raise ValueError("not true/false")


def _check_geometry(geometry: object, feature_id: str) -> BaseGeometry | None:
    if _is_missing(geometry):
        return None
    if not isinstance(geometry, BaseGeometry):
        raise StoreError(f"Feature '{plain_snippet(feature_id)}' has a geometry that is not a shape.")
    if geometry.is_empty:
        return None
    minx, miny, maxx, maxy = geometry.bounds
    if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
        raise StoreError(
            f"Feature '{plain_snippet(feature_id)}' lies outside longitude/latitude; geometries must be in {CRS}."
        )
    if not geometry.is_valid:
        raise StoreError(
            f"Feature '{plain_snippet(feature_id)}' has an invalid geometry ({shapely.is_valid_reason(geometry)})."
        )
    return geometry


def normalise_record(record: Mapping, position: int) -> dict:
    """Check one feature record and give every column its declared type.

    Parameters
    ----------
    record : Mapping
        Feature columns (missing ones are filled with empty values) plus ``geometry``.
    position : int
        Its place in the batch, counted from 1, for messages.

    Returns
    -------
    dict
        Every feature column plus ``geometry`` (a shapely geometry or ``None``).

    Raises
    ------
    StoreError
        If the id is missing, the kind unknown, a column unknown, a value of the wrong
        type, or the geometry not a valid shape in longitude/latitude.
    """
    if not isinstance(record, Mapping):
        raise StoreError(f"Record {position} is not a feature record.")
    feature_id = record.get("id")
    if _is_missing(feature_id) or not str(feature_id).strip():
        raise StoreError(f"Record {position} has no id.")
    feature_id = str(feature_id).strip()
    if len(feature_id) > MAX_ID_CHARS:
        raise StoreError(f"Record {position} has an id longer than {MAX_ID_CHARS} characters.")
    if not is_safe_id(feature_id):
        raise StoreError(
            f"Record {position} has an id with characters other than letters, digits and . _ : - "
            f"('{plain_snippet(feature_id)}')."
        )
    unknown = sorted(set(record) - set(FEATURE_COLUMNS) - {"geometry"} - IGNORED_KEYS)
    if unknown:
        names = ", ".join(plain_snippet(name) for name in unknown[:5])
        raise StoreError(f"Feature '{plain_snippet(feature_id)}' has columns the atlas does not know: {names}.")
    kind = record.get("kind")
    if kind not in KNOWN_KINDS:
        raise StoreError(f"Feature '{plain_snippet(feature_id)}' has an unknown kind '{plain_snippet(kind)}'.")
    clean: dict = {}
    for column, dtype in FEATURE_COLUMNS.items():
        try:
            clean[column] = _coerce_value(record.get(column), dtype)
        except (TypeError, ValueError) as exc:
            raise StoreError(
                f"Feature '{plain_snippet(feature_id)}': column '{column}' is not {dtype} ({exc})."
            ) from exc
    clean["id"] = feature_id
    clean["geometry"] = _check_geometry(record.get("geometry"), feature_id)
    return clean


def normalise_batch(records: Iterable[Mapping], deletions: Iterable[str]) -> tuple[list[dict], list[str]]:
    """Check a whole batch before anything is written.

    Returns
    -------
    tuple of (list of dict, list of str)
        The normalised records and the stripped deletion ids.

    Raises
    ------
    StoreError
        If any record is refused, an id repeats, or the batch is empty.
    """
    clean = [normalise_record(record, position) for position, record in enumerate(records, start=1)]
    gone = []
    for feature_id in deletions:
        if _is_missing(feature_id) or not str(feature_id).strip():
            raise StoreError("A feature to delete has no id.")
        gone.append(str(feature_id).strip())
    ids = [record["id"] for record in clean] + gone
    if not ids:
        raise StoreError("The change holds no features.")
    seen: set[str] = set()
    for feature_id in ids:
        if feature_id in seen:
            raise StoreError(f"Feature '{plain_snippet(feature_id)}' appears more than once in one change.")
        seen.add(feature_id)
    return clean, gone


def empty_feature_frame(with_origin: bool = True) -> gpd.GeoDataFrame:
    """Return a frame with the feature columns (and ``origin``) and no rows."""
    columns = {column: pd.Series(dtype=_FRAME_DTYPES[dtype]) for column, dtype in FEATURE_COLUMNS.items()}
    if with_origin:
        columns[ORIGIN_COLUMN] = pd.Series(dtype="str")
    return gpd.GeoDataFrame(columns, geometry=gpd.GeoSeries([], crs=CRS), crs=CRS)


def records_to_frame(records: list[dict], origins: list[str] | None = None) -> gpd.GeoDataFrame:
    """Normalised records as a frame with the catalogue's dtypes.

    Parameters
    ----------
    records : list of dict
        Feature columns plus ``geometry``.
    origins : list of str, optional
        One origin per record; when given, an ``origin`` column is added.
    """
    if not records:
        return empty_feature_frame(with_origin=origins is not None)
    data = {column: [record.get(column) for record in records] for column in FEATURE_COLUMNS}
    frame = pd.DataFrame(data)
    for column, dtype in FEATURE_COLUMNS.items():
        if dtype == "int":
            frame[column] = pd.array(frame[column].tolist(), dtype="Int64")
        elif dtype == "float":
            frame[column] = pd.to_numeric(frame[column]).astype("float64")
        elif dtype == "bool":
            frame[column] = frame[column].astype(bool)
        else:
            frame[column] = frame[column].astype("str")
    if origins is not None:
        frame[ORIGIN_COLUMN] = pd.Series(origins, dtype="str")
    geometry = gpd.GeoSeries([record.get("geometry") for record in records], crs=CRS)
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=CRS)


def merge(
    catalogue_features: gpd.GeoDataFrame,
    saved: gpd.GeoDataFrame,
    deleted: Iterable[str] = (),
) -> gpd.GeoDataFrame:
    """Lay saved edits over the shipped catalogue, as the atlas shows it.

    Parameters
    ----------
    catalogue_features : geopandas.GeoDataFrame
        The shipped features (``kzatlas.catalog.feature_frame``).
    saved : geopandas.GeoDataFrame
        ``Store.saved()``: the store's current features.
    deleted : iterable of str
        ``Store.deleted_ids()``: features hidden by a deletion (shipped or saved).

    Returns
    -------
    geopandas.GeoDataFrame
        Catalogue rows in their order, each replaced by the saved row with the same id, then
        the saved-only rows; deleted ids left out. ``origin`` is ``catalogue``, ``edited``
        (a shipped feature changed in the store) or ``added`` (not in the catalogue).
    """
    hidden = set(deleted)
    shipped = catalogue_features[~catalogue_features["id"].isin(hidden)]
    saved = saved[~saved["id"].isin(hidden)]
    position = {feature_id: place for place, feature_id in enumerate(shipped["id"])}
    in_catalogue = saved["id"].isin(set(catalogue_features["id"]))
    kept = shipped[~shipped["id"].isin(set(saved["id"]))].assign(**{ORIGIN_COLUMN: ORIGIN_CATALOGUE})
    edited = saved[in_catalogue].assign(**{ORIGIN_COLUMN: ORIGIN_EDITED})
    added = saved[~in_catalogue].assign(**{ORIGIN_COLUMN: ORIGIN_ADDED})
    columns = [*FEATURE_COLUMNS, ORIGIN_COLUMN, "geometry"]
    parts = [part[columns] for part in (kept, edited) if len(part)]
    if not parts and not len(added):
        return empty_feature_frame()
    frame = pd.concat(parts, ignore_index=True) if parts else added[columns].iloc[0:0]
    # Edited rows take their catalogue row's place, so lists and legends keep their order.
    frame = frame.iloc[frame["id"].map(position).argsort(kind="stable")]
    frame = pd.concat([frame, added[columns]], ignore_index=True)
    for column, dtype in FEATURE_COLUMNS.items():
        frame[column] = frame[column].astype(_FRAME_DTYPES[dtype])
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=CRS)
