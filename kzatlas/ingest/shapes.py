"""Shapes and coordinate systems of imported files: which CRS to read in, checks and repairs.

Shapes end in EPSG:4326, two-dimensional and valid; each function returns what it kept plus
plain-words notes, or a reason to reject the row.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS as PROJ_CRS
from pyproj.exceptions import CRSError

from kzatlas.config import CRS
from kzatlas.ingest.errors import RefusalError
from kzatlas.ingest.messages import N_, Message
from kzatlas.ingest.validate import Checked
from kzatlas.safety import plain_snippet
from kzatlas.spatial import area_hectares


def crs_label(crs: PROJ_CRS) -> str:
    """A short name for a CRS: ``EPSG:32642`` when it has a code, else its name."""
    code = crs.to_epsg()
    return f"EPSG:{code}" if code else plain_snippet(crs.name, 60)


def resolve_crs(
    stated: str | None, geometries: list, layer_label: str, *, lonlat_by_default: bool = False
) -> tuple[PROJ_CRS | None, list[Message]]:
    """The CRS to read a layer in, and file-level notes.

    Parameters
    ----------
    stated : str or None
        What the file says (an ``EPSG:`` code or WKT), or ``None``.
    geometries : list
        The layer's shapes (``None`` for missing ones), to test a missing CRS.
    layer_label : str
        How to name the layer in notes ("" for a one-layer file).
    lonlat_by_default : bool
        Whether the format itself says longitude/latitude when no CRS is stated (GeoJSON).

    Returns
    -------
    tuple
        ``(crs, notes)``; ``crs`` is ``None`` when the coordinates are already EPSG:4326.

    Raises
    ------
    RefusalError
        When the CRS is not understood, or missing and the coordinates are not longitude/latitude.
    """
    layer = plain_snippet(layer_label) if layer_label else ""
    if stated:
        try:
            crs = PROJ_CRS.from_user_input(stated)
        except CRSError as exc:
            if layer:
                raise RefusalError(N_("the coordinate system of layer '{layer}' is not understood"), layer=layer) from exc
            raise RefusalError(N_("the file's coordinate system is not understood")) from exc
        if crs.equals(PROJ_CRS.from_epsg(4326), ignore_axis_order=True) or crs_label(crs) in ("EPSG:4326", "OGC:CRS84"):
            return None, []
        if crs.is_geographic and crs.ellipsoid and crs.ellipsoid.name == "WGS 84":
            return None, []
        return crs, []
    present = [g for g in geometries if g is not None and not g.is_empty]
    coords = shapely.get_coordinates(np.array(present, dtype=object)) if present else np.empty((0, 2))
    finite = coords[np.isfinite(coords).all(axis=1)]
    outside = (np.abs(finite[:, 0]) > 180) | (np.abs(finite[:, 1]) > 90)
    # GeoJSON is longitude/latitude by definition: single bad positions are the rows' problem,
    # a file with none in range is in another CRS.
    if len(finite) and (outside.all() if lonlat_by_default else outside.any()):
        if layer:
            raise RefusalError(
                N_(
                    "the file states no coordinate system for layer '{layer}' and its coordinates are not "
                    "longitude/latitude; include the .prj file or save it in EPSG:4326"
                ),
                layer=layer,
            )
        raise RefusalError(
            N_(
                "the file states no coordinate system and its coordinates are not longitude/latitude; "
                "include the .prj file or save it in EPSG:4326"
            )
        )
    if lonlat_by_default:
        return None, []
    if layer:
        note = N_(
            "the file states no coordinate system for layer '{layer}'; its coordinates were read as "
            "longitude/latitude (EPSG:4326)"
        )
        return None, [Message(note, layer=layer)]
    return None, [Message(N_("the file states no coordinate system; its coordinates were read as longitude/latitude (EPSG:4326)"))]


# ------------------------------------------------------------------ shapes

_ALLOWED_TYPES = ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon")


# The reasons GEOS gives for an invalid shape (lower case), as messages.
VALIDITY_REASONS = {
    "self-intersection": N_("self-intersection"),
    "ring self-intersection": N_("ring self-intersection"),
    "too few points in geometry component": N_("too few points"),
    "too few distinct points in geometry component": N_("too few points"),
    "hole lies outside shell": N_("hole lies outside the outer ring"),
    "holes are nested": N_("holes are nested"),
    "interior is disconnected": N_("interior is disconnected"),
    "nested shells": N_("nested outer rings"),
    "duplicate rings": N_("duplicate rings"),
    "ring is not closed": N_("ring is not closed"),
    "invalid coordinate": N_("invalid coordinate"),
    "repeated point": N_("repeated point"),
    "invalid": N_("invalid"),
}


def _validity_reason(geometry) -> Message | str:
    reason = shapely.is_valid_reason(geometry).split("[")[0].strip().lower() or "invalid"
    return Message(VALIDITY_REASONS[reason]) if reason in VALIDITY_REASONS else plain_snippet(reason, 60)


def prepare_geometry(geometry) -> Checked:
    """First checks on a shape as read, before reprojection: present, simple type, finite, 2-D."""
    if geometry is None:
        return Checked(error=Message(N_("the feature has no geometry")))
    if geometry.is_empty:
        return Checked(error=Message(N_("the geometry is empty")))
    if geometry.geom_type not in _ALLOWED_TYPES:
        return Checked(
            error=Message(N_("the geometry mixes several kinds of shape (a GeometryCollection); split it into separate features"))
        )
    coords = shapely.get_coordinates(geometry)
    if not np.isfinite(coords).all():
        return Checked(error=Message(N_("the geometry has coordinates that are not finite numbers (NaN or infinity)")))
    notes = []
    if shapely.has_z(geometry) or (hasattr(shapely, "has_m") and shapely.has_m(geometry)):
        geometry = shapely.force_2d(geometry)
        notes.append(Message(N_("Z dropped (heights are not kept)")))
    return Checked(geometry, notes)


def _repair_note(reason: Message | str, before: float, after: float) -> Message:
    """The note of a repaired shape: why it was invalid and how much its area changed."""
    if not before:
        return Message(N_("invalid geometry repaired ({reason}; area before the repair not measurable)"), reason=reason)
    change = round((after - before) / before * 100, 1)
    return Message(N_("invalid geometry repaired ({reason}; area {change:+.1} %)"), reason=reason, change=change)


def finish_geometries(geometries: list, notes: list[list[str]]) -> list[Checked]:
    """Checks and repairs on shapes in EPSG:4326: ranges, antimeridian, validity.

    Parameters
    ----------
    geometries : list
        Shapes in EPSG:4326 (``None`` where an earlier check failed).
    notes : list of list of Message
        Notes so far, one list per shape; repairs are added to them.

    Returns
    -------
    list of Checked
        One per shape: the final shape, or the reason it is rejected.
    """
    results = []
    for geometry, row_notes in zip(geometries, notes, strict=True):
        if geometry is None:
            results.append(Checked(None, row_notes))
            continue
        coords = shapely.get_coordinates(geometry)
        if not np.isfinite(coords).all():
            error = N_("the coordinates cannot be converted to longitude/latitude (is the coordinate system right?)")
            results.append(Checked(error=Message(error)))
            continue
        lon, lat = coords[:, 0], coords[:, 1]
        if (np.abs(lon) > 180).any() or (np.abs(lat) > 90).any():
            error = N_(
                "coordinates are outside longitude -180 to 180 / latitude -90 to 90 (is the coordinate system right?)"
            )
            results.append(Checked(error=Message(error)))
            continue
        if lon.max() - lon.min() > 180:
            error = N_("the shape crosses the antimeridian (180° longitude), far from Kazakhstan")
            results.append(Checked(error=Message(error)))
            continue
        if not shapely.is_valid(geometry):
            reason = _validity_reason(geometry)
            repaired = shapely.make_valid(geometry, method="structure", keep_collapsed=False)
            if geometry.geom_type in ("Polygon", "MultiPolygon"):
                parts = [p for p in getattr(repaired, "geoms", [repaired]) if p.geom_type in ("Polygon", "MultiPolygon")]
                repaired = shapely.union_all(parts) if parts else shapely.Polygon()
            if repaired.is_empty:
                error = N_("the geometry is invalid ({reason}) and nothing remains after repair")
                results.append(Checked(error=Message(error, reason=reason)))
                continue
            before, after = area_hectares(gpd.GeoSeries([geometry, repaired], crs=CRS)).tolist()
            row_notes = [*row_notes, _repair_note(reason, before, after)]
            geometry = repaired
        results.append(Checked(geometry, row_notes))
    return results
