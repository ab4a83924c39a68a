"""Which catalogue feature an imported row is: the same feature again, a correction of it, or none.

A file imported again (a corrected list, an export of the atlas) must correct what it added
before, not add it twice. A row is matched by id first (the file's id column, holding the id
the atlas gave the feature on its first import or any catalogue id), then by name and kind
within :data:`kzatlas.config.IMPORT_MATCH_KM`: a feature of the same name farther away is
another place (or a file with latitude and longitude swapped) and is never taken for it.
:func:`differences` says what a correction changes: "moved 12 km", a new shape, other values.
"""

from __future__ import annotations

import math
from collections.abc import Container
from dataclasses import dataclass, field

import pandas as pd
import shapely
from shapely.ops import nearest_points

from kzatlas.config import IMPORT_MATCH_KM, NAME_COLUMNS
from kzatlas.ingest import wdpa
from kzatlas.ingest.columns import TARGET_LABELS, TARGETS
from kzatlas.ingest.messages import N_, Message

# Ids the atlas gives imported features (``imp-<file hash>-<row>``); such a feature may be
# corrected by a later import that matches it by name, a shipped one only by its id.
IMPORTED_PREFIX = "imp-"
# Column names that carry a feature's id in a file (an export of the atlas, an office's own list).
ID_COLUMNS = ("id", "feature_id", "atlas_id", "kzatlas_id")
EARTH_RADIUS_KM = 6371.0088
# Below these a position or shape is the same (rounding in a spreadsheet, a re-saved file).
SAME_PLACE_KM = 0.001
SAME_SHAPE_DEGREES = 1e-7
# The values a correction may change, compared as the user sees them: everything a file can feed
# but where the feature lies (compared as a distance or a shape) and the source (always the file).
NOT_COMPARED = ("wdpa_id", "region", "latitude", "longitude", "area_km2", "source_url", "source_title", "source_date")
COMPARED = tuple(target for target in TARGETS if target not in NOT_COMPARED)

MOVED = N_("changed: moved {distance} km")
RESHAPED = N_("changed: new shape")
RESHAPED_MOVED = N_("changed: new shape, moved {distance} km")
VALUES_CHANGED = N_("changed: {fields}")
FAR_NAME = N_("a feature with this name is {distance} km away ({id}): not the same")


@dataclass
class Found:
    """What a row was matched to: a catalogue id (or ``""``), how, and same names far away."""

    feature_id: str = ""
    how: str = ""
    far: list[tuple[str, float]] = field(default_factory=list)


def file_ids(columns: list[str], raw_rows: list[dict]) -> list[str]:
    """Each row's id from the file's id column (``""`` where there is none).

    Parameters
    ----------
    columns : list of str
        The file's columns.
    raw_rows : list of dict
        The reader's rows (their ``props``).

    Returns
    -------
    list of str
        One id per row, stripped; empty strings when the file has no id column.
    """
    column = next((column for column in columns if str(column).strip().lower() in ID_COLUMNS), None)
    if column is None:
        return [""] * len(raw_rows)
    out = []
    for item in raw_rows:
        value = (item.get("props") or {}).get(column)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        out.append(str(value).strip()[:200] if value not in (None, "") else "")
    return out


def distance_km(first, second) -> float | None:
    """The shortest distance between two shapes in longitude/latitude, in km (``None`` without both)."""
    if first is None or second is None or first.is_empty or second.is_empty:
        return None
    if first.intersects(second):
        return 0.0
    a, b = nearest_points(first, second)
    return _haversine(a.x, a.y, b.x, b.y)


def _haversine(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def _shown_km(distance: float) -> float | int:
    """A distance as a message shows it: whole km from 10 km on, else one decimal."""
    return int(round(distance)) if distance >= 10 else round(distance, 1)


class Catalogue:
    """The catalogue's features by id and by (name key, kind), for matching imported rows."""

    def __init__(self, features: pd.DataFrame) -> None:
        self.rows = {str(row["id"]): row for _, row in features.iterrows()} if len(features) else {}
        self.names: dict[tuple[str, str], list[str]] = {}
        for feature_id, row in self.rows.items():
            for column in NAME_COLUMNS:
                key = wdpa.name_key(row.get(column))
                if key:
                    ids = self.names.setdefault((key, str(row.get("kind") or "")), [])
                    if feature_id not in ids:
                        ids.append(feature_id)

    def find(self, record: dict, file_id: str, claimed: Container[str]) -> Found:
        """The feature ``record`` is, by id, else by name within :data:`IMPORT_MATCH_KM`.

        Parameters
        ----------
        record : dict
            The row's record (names, kind and geometry).
        file_id : str
            The id the file gives the row (``""`` for none).
        claimed : container of str
            Ids already matched by earlier rows of the file (never matched twice).

        Returns
        -------
        Found
            The match (``feature_id`` empty for none) and the same names lying farther away.
        """
        if file_id and file_id in self.rows and file_id not in claimed:
            return Found(file_id, "id")
        keys = {wdpa.name_key(record.get(column)) for column in NAME_COLUMNS} - {""}
        candidates: list[str] = []
        for key in keys:
            candidates += [
                fid for fid in self.names.get((key, str(record.get("kind") or "")), []) if fid not in candidates
            ]
        near, far = [], []
        for feature_id in candidates:
            distance = distance_km(record.get("geometry"), _geometry(self.rows[feature_id]))
            if distance is None or distance <= IMPORT_MATCH_KM:
                near.append((distance or 0.0, feature_id))
            else:
                far.append((feature_id, distance))
        near = sorted(item for item in near if item[1] not in claimed)
        if near:
            return Found(near[0][1], "name")
        return Found(far=sorted(far, key=lambda item: item[1]))

    def is_imported(self, feature_id: str) -> bool:
        """Whether the feature came from an earlier import (so a name match may correct it)."""
        return feature_id.startswith(IMPORTED_PREFIX)


def _geometry(row):
    value = row.get("geometry")
    return value if isinstance(value, shapely.Geometry) else None


def far_notes(found: Found) -> list[Message]:
    """The warning for each feature of the same name that lies too far away to be the same."""
    return [Message(FAR_NAME, distance=_shown_km(distance), id=feature_id) for feature_id, distance in found.far[:3]]


def _same_value(new: object, old: object) -> bool:
    if isinstance(old, float) and math.isnan(old):
        old = None
    if new in (None, "") or old in (None, ""):
        return new in (None, "") and old in (None, "")
    if isinstance(new, int | float) and isinstance(old, int | float):
        return math.isclose(float(new), float(old), rel_tol=1e-9, abs_tol=1e-9)
    return str(new) == str(old)


def differences(record: dict, existing) -> list[Message]:
    """What a correction changes in a catalogue feature, as notes; empty when nothing does.

    Parameters
    ----------
    record : dict
        The row's record; only the values the file gives are compared (an empty cell changes nothing).
    existing : mapping or pandas.Series
        The catalogue's feature.

    Returns
    -------
    list of Message
        "changed: moved 12 km", "changed: new shape" (with how far it moved), "changed: Year; ...".
    """
    notes = []
    new, old = record.get("geometry"), _geometry(existing)
    if new is not None and (old is None or not new.equals_exact(old, SAME_SHAPE_DEGREES)):
        if old is None:
            notes.append(Message(RESHAPED))
        elif new.geom_type == "Point" and old.geom_type == "Point":
            moved = distance_km(new, old) or 0.0
            if moved >= SAME_PLACE_KM:
                notes.append(Message(MOVED, distance=_shown_km(moved)))
        else:
            a, b = new.centroid, old.centroid
            moved = _haversine(a.x, a.y, b.x, b.y)
            notes.append(Message(RESHAPED_MOVED, distance=_shown_km(moved)) if moved >= 0.1 else Message(RESHAPED))
    changed = [
        Message(TARGET_LABELS.get(column, column))
        for column in COMPARED
        if record.get(column) not in (None, "") and not _same_value(record.get(column), existing.get(column))
    ]
    if changed:
        notes.append(Message(VALUES_CHANGED, fields=changed))
    return notes
