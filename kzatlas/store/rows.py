"""Rows of the store's feature tables, to and from feature records.

A row holds a feature's properties as JSON, its geometry as WKB and its bounding box, so the
SQL store can filter by box without reading geometries.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence

import numpy as np
import shapely
import sqlalchemy as sa

from kzatlas.catalog import FEATURE_COLUMNS
from kzatlas.store.records import STATE_DELETED, STATE_PRESENT

# Ids per IN (...) list: well under every database's limit on bound parameters.
ID_CHUNK = 500
_PROPERTY_COLUMNS = tuple(column for column in FEATURE_COLUMNS if column != "id")


def chunks(values: Sequence, size: int = ID_CHUNK) -> Iterator[Sequence]:
    """Yield ``values`` in slices of at most ``size``, one per ``IN (...)`` list."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def state_rows(records: list[dict], deletions: list[str]) -> list[dict]:
    """Database rows for normalised records (present) and deletions."""
    geometries = np.array([record["geometry"] for record in records], dtype=object)
    wkbs = shapely.to_wkb(geometries) if len(records) else []
    bounds = shapely.bounds(geometries) if len(records) else []
    rows = []
    for record, wkb, box in zip(records, wkbs, bounds):
        properties = {column: record[column] for column in _PROPERTY_COLUMNS}
        has_box = not np.isnan(box[0])
        rows.append(
            {
                "feature_id": record["id"],
                "state": STATE_PRESENT,
                "kind": record["kind"],
                "properties": json.dumps(properties, ensure_ascii=False, sort_keys=True),
                "geom_wkb": wkb,
                "minx": float(box[0]) if has_box else None,
                "miny": float(box[1]) if has_box else None,
                "maxx": float(box[2]) if has_box else None,
                "maxy": float(box[3]) if has_box else None,
            }
        )
    rows += [bare_row(feature_id, STATE_DELETED) for feature_id in deletions]
    return rows


def bare_row(feature_id: str, state: str) -> dict:
    """A row with no properties or geometry (a deleted or absent feature)."""
    return {
        "feature_id": feature_id,
        "state": state,
        "kind": None,
        "properties": None,
        "geom_wkb": None,
        "minx": None,
        "miny": None,
        "maxx": None,
        "maxy": None,
    }


def row_record(feature_id: str, properties: str, geom_wkb: bytes | None) -> dict:
    """The feature record a stored row describes, geometry decoded."""
    record = {"id": feature_id, **json.loads(properties)}
    record["geometry"] = shapely.from_wkb(geom_wkb) if geom_wkb is not None else None
    return record


def restored_row(row: sa.Row) -> dict:
    """Rebuild a current-state row from a stored state."""
    geometry = shapely.from_wkb(row.geom_wkb) if row.geom_wkb is not None else None
    box = geometry.bounds if geometry is not None and not geometry.is_empty else (None, None, None, None)
    return {
        "feature_id": row.feature_id,
        "state": STATE_PRESENT,
        "kind": json.loads(row.properties).get("kind"),
        "properties": row.properties,
        "geom_wkb": row.geom_wkb,
        "minx": box[0],
        "miny": box[1],
        "maxx": box[2],
        "maxy": box[3],
    }
