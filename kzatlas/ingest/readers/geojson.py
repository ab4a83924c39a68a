"""The GeoJSON reader: bounded JSON, no GDAL, so nothing in the file can point GDAL elsewhere."""

from __future__ import annotations

import json
import re
from pathlib import Path

from kzatlas.ingest import limits
from kzatlas.ingest.errors import RefusalError
from kzatlas.ingest.messages import N_, Message
from kzatlas.ingest.readers.common import NO_FEATURES, NO_GEOMETRY, Vertices, b64, check_columns, count_features, plain
from kzatlas.safety import JSONLimitError, load_json_limited, plain_snippet

GEOJSON_TYPES = ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection")
_CRS_NAME = re.compile(
    r"^(?:EPSG:(\d{4,6})|urn:ogc:def:crs:EPSG:[0-9.]*:(\d{4,6})|urn:ogc:def:crs:OGC:1\.3:CRS84|OGC:CRS84)$", re.IGNORECASE
)


def _geojson_crs(document: dict) -> str | None:
    crs = document.get("crs")
    if crs is None:
        return None
    if isinstance(crs, dict) and crs.get("type") == "name" and isinstance(crs.get("properties"), dict):
        name = crs["properties"].get("name")
        match = _CRS_NAME.match(name) if isinstance(name, str) else None
        if match:
            code = match.group(1) or match.group(2)
            return f"EPSG:{code}" if code else "OGC:CRS84"
        raise RefusalError(
            N_("the file's 'crs' names '{name}', which is not an EPSG code the atlas knows"), name=plain_snippet(name)
        )
    if isinstance(crs, dict) and (crs.get("type") == "link" or "href" in json.dumps(crs)):
        raise RefusalError(N_("the file's coordinate system is a link to another document, which is never fetched"))
    raise RefusalError(N_("the file's 'crs' member is not understood; use EPSG:4326 (longitude, latitude)"))


def _rings(geometry: dict) -> list:
    coords = geometry.get("coordinates")
    if geometry.get("type") == "Polygon" and isinstance(coords, list):
        return coords
    if geometry.get("type") == "MultiPolygon" and isinstance(coords, list):
        return [ring for polygon in coords if isinstance(polygon, list) for ring in polygon]
    if geometry.get("type") == "GeometryCollection" and isinstance(geometry.get("geometries"), list):
        return [ring for part in geometry["geometries"] if isinstance(part, dict) for ring in _rings(part)]
    return []


def _geojson_geometry(geometry: object, vertices: Vertices) -> tuple[str | None, Message | None, list[Message]]:
    """(WKB in base64, error, notes) for one GeoJSON geometry."""
    import shapely
    from shapely.geometry import shape

    if geometry is None:
        return None, None, []
    if not isinstance(geometry, dict) or geometry.get("type") not in GEOJSON_TYPES:
        return None, Message(N_("the geometry is not a GeoJSON geometry (Point, LineString, Polygon...)")), []
    notes = []
    for ring in _rings(geometry):
        if not isinstance(ring, list):
            return None, Message(N_("the polygon's coordinates are not lists of positions")), []
        if len(ring) < 4:
            reason = N_("a polygon ring has {count} point(s); it needs at least 4 (a closed triangle)")
            return None, Message(reason, count=len(ring)), []
        if ring[0] != ring[-1]:
            notes.append(Message(N_("polygon ring was not closed; closed it")))
    try:
        shaped = shape(geometry)
    except (ValueError, TypeError, AttributeError, IndexError, KeyError, shapely.errors.ShapelyError):
        return None, Message(N_("the geometry's coordinates are not valid positions (pairs of numbers)")), []
    error = vertices.add(int(shapely.get_num_coordinates(shaped)))
    if error:
        return None, error, []
    return b64(shapely.to_wkb(shaped, output_dimension=3)), None, notes


def _features(document: object) -> list:
    """The document's features: those of a FeatureCollection, one Feature, or a bare geometry as one."""
    if not isinstance(document, dict):
        raise RefusalError(N_("the file is JSON but not GeoJSON: it is not an object"))
    kind = document.get("type")
    if kind == "FeatureCollection":
        features = document.get("features")
        if not isinstance(features, list):
            raise RefusalError(N_("the file is not usable GeoJSON: its 'features' member is not a list"))
        return features
    if kind == "Feature":
        return [document]
    if kind in GEOJSON_TYPES:
        return [{"type": "Feature", "geometry": document, "properties": {}}]
    raise RefusalError(N_("the file is JSON but not GeoJSON: it has no FeatureCollection, Feature or geometry"))


# What kzatlas.safety.load_json_limited says, as translatable messages (its text is English only).
_JSON_PROBLEMS = (
    (re.compile(r"the file is larger than (\d+) kB$"), N_("the file is larger than {kilobytes} kB"), ("kilobytes",)),
    (re.compile(r"the file is not UTF-8 text$"), N_("the file is not UTF-8 text"), ()),
    (re.compile(r"the file is nested more than (\d+) levels deep$"), N_("the file is nested more than {depth} levels deep"), ("depth",)),
    (
        re.compile(r"the file holds a number longer than (\d+) characters$"),
        N_("the file holds a number longer than {limit} characters"),
        ("limit",),
    ),
    (re.compile(r"the file holds a number too large to use$"), N_("the file holds a number too large to use"), ()),
    (
        re.compile(r"the file holds (NaN|Infinity|-Infinity), which is not a number JSON allows$"),
        N_("the file holds {value}, which is not a number JSON allows"),
        ("value",),
    ),
    (
        re.compile(r"the file is not valid JSON \(line (\d+), column (\d+)\)$"),
        N_("the file is not valid JSON (line {line}, column {column})"),
        ("line", "column"),
    ),
    (re.compile(r"the file is not valid JSON$"), N_("the file is not valid JSON"), ()),
)


def json_problem(error: JSONLimitError) -> Message:
    """Why bounded JSON was refused, as a message (numbers kept as numbers, for the page's format).

    Parameters
    ----------
    error : JSONLimitError
        From :func:`kzatlas.safety.load_json_limited`.

    Returns
    -------
    Message
        Its problem in words the catalogues know; an unforeseen one is kept as English text.
    """
    text = str(error)
    for pattern, msgid, fields in _JSON_PROBLEMS:
        match = pattern.match(text)
        if match:
            values = [int(value) if value.isdigit() else value for value in match.groups()]
            return Message(msgid, **dict(zip(fields, values, strict=True)))
    return Message(text)


def read_geojson(path: Path) -> dict:
    """Read a GeoJSON file as bounded JSON (no GDAL, so nothing in it can point GDAL elsewhere).

    A FeatureCollection, a single Feature or a bare geometry is accepted; a ``crs`` member
    may name an EPSG code, never link to another document.

    Parameters
    ----------
    path : Path
        The ``.geojson`` upload, in the reading process's own folder.

    Returns
    -------
    dict
        The reader result (see :func:`kzatlas.ingest.readers.read`), one layer.
    """
    data = path.read_bytes()
    notes = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
        notes.append(Message(N_("a byte-order mark at the start of the file was ignored")))
    try:
        document = load_json_limited(data, max_bytes=limits.MAX_FILE_BYTES, max_depth=limits.MAX_JSON_DEPTH)
    except JSONLimitError as exc:
        raise RefusalError(N_("the file is not usable GeoJSON: {problem}"), problem=json_problem(exc)) from exc
    features = _features(document)
    crs = _geojson_crs(document)
    count_features(len(features))
    vertices = Vertices()
    rows = []
    columns: dict[str, None] = {}
    for feature in features:
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            error = Message(N_("the entry is not a GeoJSON Feature"))
            rows.append({"props": {}, "wkb": None, "error": error, "notes": [], "layer": 0})
            continue
        properties = feature.get("properties")
        if properties is None:
            properties = {}
        if not isinstance(properties, dict):
            error = Message(N_("the feature's properties are not an object"))
            rows.append({"props": {}, "wkb": None, "error": error, "notes": [], "layer": 0})
            continue
        props = {str(key)[:200]: plain(value) for key, value in properties.items()}
        columns.update(dict.fromkeys(props))
        check_columns(list(columns))
        wkb, error, row_notes = _geojson_geometry(feature.get("geometry"), vertices)
        if error is None and wkb is None:
            error = Message(NO_GEOMETRY)
        rows.append({"props": props, "wkb": wkb, "error": error, "notes": row_notes, "layer": 0})
    if not rows:
        raise RefusalError(NO_FEATURES)
    return {"layers": [{"name": "", "crs": crs}], "columns": list(columns), "rows": rows, "notes": notes}
