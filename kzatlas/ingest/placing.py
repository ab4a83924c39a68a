"""Where each imported row lies: its shape in EPSG:4326, a point from its coordinates, or its region.

:func:`file_shapes` checks, reprojects and repairs the shapes of a geometry file;
:func:`place` gives every row its shape and ``geometry_quality``, then measures areas and
finds the regions the shapes touch and the shapes that lie outside Kazakhstan.
"""

from __future__ import annotations

import base64

import geopandas as gpd
import shapely

from kzatlas.config import CRS, KIND_UNDP_PROGRAMME
from kzatlas.ingest import sniff
from kzatlas.ingest.errors import RefusalError
from kzatlas.ingest.messages import N_, Message
from kzatlas.ingest.planned import REGION_QUALITY, ImportPlan, PlannedRow
from kzatlas.ingest.regions import RegionIndex
from kzatlas.ingest.shapes import crs_label, finish_geometries, prepare_geometry, resolve_crs
from kzatlas.spatial import area_hectares

OUTSIDE_KAZAKHSTAN = N_("outside Kazakhstan")


def _decode(wkb: str | None):
    if wkb is None:
        return None
    try:
        return shapely.from_wkb(base64.b64decode(wkb))
    except (shapely.errors.ShapelyError, ValueError):
        return None


def _prepared(raw_rows: list[dict], rows: list[PlannedRow]) -> list:
    """Each row's shape as read, after the first checks (``None`` where there is none or it failed)."""
    prepared = []
    for planned, item in zip(rows, raw_rows, strict=True):
        geometry = _decode(item.get("wkb"))
        if item.get("wkb") is not None and geometry is None:
            planned.reasons.append(Message(N_("the feature's geometry is damaged")))
        if geometry is None:
            prepared.append(None)
            continue
        checked = prepare_geometry(geometry)
        if checked.error:
            planned.reasons.append(checked.error)
            prepared.append(None)
            continue
        planned.repairs += checked.notes
        prepared.append(checked.value)
    return prepared


def _reprojected(raw: dict, prepared: list, rows: list[PlannedRow], notes: list[Message]) -> list:
    """The shapes in EPSG:4326, layer by layer, each in the CRS its layer states or is found to have."""
    raw_rows = raw["rows"]
    layers = raw.get("layers") or [{"name": "", "crs": None}]
    out = list(prepared)
    for index, layer in enumerate(layers):
        positions = [i for i, item in enumerate(raw_rows) if item.get("layer", 0) == index]
        crs, crs_notes = resolve_crs(
            layer.get("crs"),
            [prepared[i] for i in positions],
            layer.get("name", "") if len(layers) > 1 else "",
            lonlat_by_default=raw.get("format") == sniff.GEOJSON,
        )
        notes += crs_notes
        if crs is None:
            continue
        label = crs_label(crs)
        present = [i for i in positions if prepared[i] is not None]
        if not present:
            continue
        series = gpd.GeoSeries([prepared[i] for i in present], crs=crs)
        try:
            projected = series.to_crs(CRS)
        except Exception as exc:  # pyproj raises several types for impossible transforms
            raise RefusalError(
                N_("the coordinates cannot be converted from {crs} to longitude/latitude"), crs=label
            ) from exc
        for i, geometry in zip(present, projected.values, strict=True):
            out[i] = geometry
            rows[i].repairs.append(Message(N_("reprojected from {crs} to EPSG:4326"), crs=label))
    return out


def file_shapes(raw: dict, rows: list[PlannedRow], notes: list[Message]) -> list:
    """Shapes of a geometry file in EPSG:4326, checked and repaired; errors go to the rows.

    Parameters
    ----------
    raw : dict
        The reader's result (rows with base64 WKB, layers with their stated CRS, ``format``).
    rows : list of PlannedRow
        One per raw row; their ``reasons`` and ``repairs`` grow.
    notes : list of Message
        The file's notes; coordinate-system notes are added.

    Returns
    -------
    list
        One shape per row, ``None`` where the row has none or it was rejected.

    Raises
    ------
    RefusalError
        When a layer's coordinates cannot be converted to longitude/latitude.
    """
    prepared = _prepared(raw["rows"], rows)
    out = _reprojected(raw, prepared, rows, notes)
    result = []
    for planned, checked in zip(rows, finish_geometries(out, [row.repairs for row in rows]), strict=True):
        if checked.error:
            planned.reasons.append(checked.error)
            result.append(None)
        else:
            planned.repairs = checked.notes
            result.append(checked.value)
    return result


def _place_table_row(planned: PlannedRow, record: dict, lat: float | None, lon: float | None, source_name: str) -> None:
    """A table row's position: a point from its coordinates, else its region, else a reason."""
    if (lat is None) != (lon is None) and not planned.reasons:
        planned.reasons.append(Message(N_("the row has a latitude or a longitude but not both")))
    if lat is not None and lon is not None:
        record["geometry"] = shapely.Point(lon, lat)
        record["geometry_quality"] = "point"
        record["geometry_method"] = f"coordinates from the imported file {source_name}"
    elif record["_regions"]:
        record["geometry"] = None
        record["geometry_quality"] = REGION_QUALITY
        record["geometry_method"] = f"region named in the imported file {source_name}; no map position"
    elif record.get("kind") == KIND_UNDP_PROGRAMME:
        record["geometry"] = None
        record["geometry_quality"] = "none"
        record["geometry_method"] = "no single location"
    elif not planned.reasons:
        planned.reasons.append(Message(N_("the row has no position: give a latitude and longitude, or a region")))
        record["geometry"] = None
    else:
        record["geometry"] = None


def place(plan: ImportPlan, rows: list[PlannedRow], values: list[dict], geometries: list, regions: RegionIndex) -> None:
    """Give each row its shape and quality: the file's shape, a point from lat/lon, or its region only.

    Parameters
    ----------
    plan : ImportPlan
        The plan being built (its format and file name).
    rows : list of PlannedRow
        The rows; reasons are added, and the "outside Kazakhstan" note (a warning, not a repair).
    values : list of dict
        The rows' working records; ``geometry``, its quality and method, ``area_drawn_ha``
        and the touched regions are set.
    geometries : list
        The file's shapes (``None`` for every row of a table).
    regions : RegionIndex
        The regions and Kazakhstan's outline.
    """
    table = plan.format not in sniff.GEOMETRY_FORMATS
    for planned, record, geometry in zip(rows, values, geometries, strict=True):
        lat, lon = record.pop("_latitude"), record.pop("_longitude")
        if table:
            _place_table_row(planned, record, lat, lon, plan.source_name)
            continue
        record["geometry"] = geometry
        if geometry is not None:
            record["geometry_quality"] = "point" if geometry.geom_type in ("Point", "MultiPoint") else "digitised"
            record["geometry_method"] = f"shape from the imported file {plan.source_name}"
    # Regions the shapes touch, areas, and the outside-Kazakhstan flag, measured together.
    located = [i for i, record in enumerate(values) if record.get("geometry") is not None and not rows[i].reasons]
    if not located:
        return
    series = gpd.GeoSeries([values[i]["geometry"] for i in located], crs=CRS)
    inside = regions.inside(series.values)
    touched = regions.codes_for(series)
    drawn = area_hectares(series).to_numpy()
    for i, is_inside, codes, area in zip(located, inside, touched, drawn, strict=True):
        record = values[i]
        if not is_inside:
            rows[i].notes.append(Message(OUTSIDE_KAZAKHSTAN))
        if not record["_regions"]:
            record["_regions"] = codes
        if record["geometry"].geom_type in ("Polygon", "MultiPolygon"):
            record["area_drawn_ha"] = round(float(area), 1)
