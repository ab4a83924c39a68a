"""Per-format readers. They run inside the reading process (:mod:`kzatlas.ingest.worker`).

Each reader turns one file into plain data: a list of rows, each with its properties (text,
numbers, booleans, ``None``), its shape as WKB (for the formats that have shapes) and any
problem found with it, plus the coordinate system each layer states. Nothing here decides
what the atlas keeps; :mod:`kzatlas.ingest.plan` does that in the app's own process.

Only four GDAL drivers are used (GPKG, ESRI Shapefile, KML, and none for GeoJSON, which is
parsed as bounded JSON), CSV is read with Python's ``csv`` module and XLSX with openpyxl,
with formulas reported, never computed.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import json
import math
import re
import sqlite3
import sys
from pathlib import Path

from kzatlas.ingest import limits
from kzatlas.ingest.errors import RefusalError
from kzatlas.safety import JSONLimitError, load_json_limited, plain_snippet

# The GDAL drivers a file may be opened with, per format.
OGR_DRIVERS = {"gpkg": "GPKG", "shapefile": "ESRI Shapefile", "kml": "KML"}

GEOJSON_TYPES = ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection")
_CRS_NAME = re.compile(
    r"^(?:EPSG:(\d{4,6})|urn:ogc:def:crs:EPSG:[0-9.]*:(\d{4,6})|urn:ogc:def:crs:OGC:1\.3:CRS84|OGC:CRS84)$", re.IGNORECASE
)
GPKG_APPLICATION_IDS = (0x47504B47, 0x47503130, 0x47503131)
_GPKG_TRIGGERS = re.compile(r"^(rtree_|gpkg_|trigger_(insert|delete)_feature_count_)", re.IGNORECASE)


def _b64(wkb: bytes | None) -> str | None:
    return None if wkb is None else base64.b64encode(wkb).decode("ascii")


def _plain(value: object) -> object:
    """A property value as JSON-ready plain data."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return value if abs(value) < 2**63 else str(value)
    if isinstance(value, float):
        return value
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return _plain(value.item())
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)[: limits.MAX_CELL_CHARS]
    return str(value)


def _count_features(count: int) -> None:
    if count > limits.MAX_FEATURES:
        raise RefusalError(f"the file holds {count:,} features; at most {limits.MAX_FEATURES:,} are accepted")


def _check_columns(columns: list[str]) -> None:
    if len(columns) > limits.MAX_COLUMNS:
        raise RefusalError(f"the file has {len(columns):,} columns; at most {limits.MAX_COLUMNS} are accepted")


class _Vertices:
    """Counts vertices across the file, refusing it when the total passes the limit."""

    def __init__(self) -> None:
        self.total = 0

    def add(self, count: int) -> str | None:
        self.total += count
        if self.total > limits.MAX_VERTICES:
            raise RefusalError(f"the file's shapes have more than {limits.MAX_VERTICES:,} points in all")
        if count > limits.MAX_FEATURE_VERTICES:
            return f"the shape has {count:,} points; one shape may have at most {limits.MAX_FEATURE_VERTICES:,}"
        return None


# ------------------------------------------------------------------ GeoJSON


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
        raise RefusalError(f"the file's 'crs' names '{plain_snippet(name)}', which is not an EPSG code the atlas knows")
    if isinstance(crs, dict) and (crs.get("type") == "link" or "href" in json.dumps(crs)):
        raise RefusalError("the file's coordinate system is a link to another document, which is never fetched")
    raise RefusalError("the file's 'crs' member is not understood; use EPSG:4326 (longitude, latitude)")


def _rings(geometry: dict) -> list:
    coords = geometry.get("coordinates")
    if geometry.get("type") == "Polygon" and isinstance(coords, list):
        return coords
    if geometry.get("type") == "MultiPolygon" and isinstance(coords, list):
        return [ring for polygon in coords if isinstance(polygon, list) for ring in polygon]
    if geometry.get("type") == "GeometryCollection" and isinstance(geometry.get("geometries"), list):
        return [ring for part in geometry["geometries"] if isinstance(part, dict) for ring in _rings(part)]
    return []


def _geojson_geometry(geometry: object, vertices: _Vertices) -> tuple[str | None, str | None, list[str]]:
    """(WKB in base64, error, notes) for one GeoJSON geometry."""
    import shapely
    from shapely.geometry import shape

    if geometry is None:
        return None, None, []
    if not isinstance(geometry, dict) or geometry.get("type") not in GEOJSON_TYPES:
        return None, "the geometry is not a GeoJSON geometry (Point, LineString, Polygon...)", []
    notes = []
    for ring in _rings(geometry):
        if not isinstance(ring, list):
            return None, "the polygon's coordinates are not lists of positions", []
        if len(ring) < 4:
            return None, f"a polygon ring has {len(ring)} point(s); it needs at least 4 (a closed triangle)", []
        if ring[0] != ring[-1]:
            notes.append("polygon ring was not closed; closed it")
    try:
        shaped = shape(geometry)
    except (ValueError, TypeError, AttributeError, IndexError, KeyError, shapely.errors.ShapelyError):
        return None, "the geometry's coordinates are not valid positions (pairs of numbers)", []
    error = vertices.add(int(shapely.get_num_coordinates(shaped)))
    if error:
        return None, error, []
    return _b64(shapely.to_wkb(shaped, output_dimension=3)), None, notes


def read_geojson(path: Path) -> dict:
    """Read a GeoJSON file as bounded JSON (no GDAL, so nothing in it can point GDAL elsewhere).

    Parameters
    ----------
    path : Path
        The file.

    Returns
    -------
    dict
        The reader result (see :mod:`kzatlas.ingest.worker`).
    """
    data = path.read_bytes()
    notes = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
        notes.append("a byte-order mark at the start of the file was ignored")
    try:
        document = load_json_limited(data, max_bytes=limits.MAX_FILE_BYTES, max_depth=limits.MAX_JSON_DEPTH)
    except JSONLimitError as exc:
        raise RefusalError(f"the file is not usable GeoJSON: {exc}") from exc
    if not isinstance(document, dict):
        raise RefusalError("the file is JSON but not GeoJSON: it is not an object")
    kind = document.get("type")
    if kind == "FeatureCollection":
        features = document.get("features")
        if not isinstance(features, list):
            raise RefusalError("the file is not usable GeoJSON: its 'features' member is not a list")
    elif kind == "Feature":
        features = [document]
    elif kind in GEOJSON_TYPES:
        features = [{"type": "Feature", "geometry": document, "properties": {}}]
    else:
        raise RefusalError("the file is JSON but not GeoJSON: it has no FeatureCollection, Feature or geometry")
    crs = _geojson_crs(document)
    _count_features(len(features))
    vertices = _Vertices()
    rows = []
    columns: dict[str, None] = {}
    for feature in features:
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            rows.append({"props": {}, "wkb": None, "error": "the entry is not a GeoJSON Feature", "notes": [], "layer": 0})
            continue
        properties = feature.get("properties")
        if properties is None:
            properties = {}
        if not isinstance(properties, dict):
            rows.append({"props": {}, "wkb": None, "error": "the feature's properties are not an object", "notes": [], "layer": 0})
            continue
        props = {str(key)[:200]: _plain(value) for key, value in properties.items()}
        columns.update(dict.fromkeys(props))
        _check_columns(list(columns))
        wkb, error, row_notes = _geojson_geometry(feature.get("geometry"), vertices)
        if error is None and wkb is None:
            error = "the feature has no geometry"
        rows.append({"props": props, "wkb": wkb, "error": error, "notes": row_notes, "layer": 0})
    if not rows:
        raise RefusalError("the file holds no features")
    return {"layers": [{"name": "", "crs": crs}], "columns": list(columns), "rows": rows, "notes": notes}


# ------------------------------------------------------------------ GDAL formats


def _check_geopackage(path: Path) -> list[str]:
    try:
        connection = sqlite3.connect(path.resolve().as_uri() + "?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as exc:
        raise RefusalError("the GeoPackage cannot be opened as a database") from exc
    try:
        application_id = connection.execute("PRAGMA application_id").fetchone()[0]
        triggers = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")]
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    except sqlite3.Error as exc:
        raise RefusalError("the GeoPackage is damaged: its database cannot be read") from exc
    finally:
        connection.close()
    if application_id not in GPKG_APPLICATION_IDS or "gpkg_contents" not in tables:
        raise RefusalError("the file is an SQLite database but not a GeoPackage")
    foreign = [name for name in triggers if not _GPKG_TRIGGERS.match(str(name))]
    if foreign:
        raise RefusalError(f"the GeoPackage holds {len(foreign)} database trigger(s) that are not part of the GeoPackage standard")
    return []


def _check_kml(path: Path) -> None:
    from defusedxml import DefusedXmlException
    from defusedxml import ElementTree as SafeTree

    try:
        root = SafeTree.parse(str(path), forbid_dtd=True, forbid_entities=True, forbid_external=True).getroot()
    except DefusedXmlException as exc:
        raise RefusalError("the KML file declares a DTD or entities, which could expand or fetch other content") from exc
    except SafeTree.ParseError as exc:
        line = getattr(exc, "position", (0, 0))[0]
        raise RefusalError(f"the KML file is not well-formed XML (line {line})") from exc
    if not str(root.tag).endswith("kml"):
        raise RefusalError("the file is XML but not KML (its root element is not <kml>)")
    for element in root.iter():
        if str(element.tag).endswith("NetworkLink"):
            raise RefusalError("the KML file links to other documents (NetworkLink); only self-contained KML is read")


def _ogr_refusal(exc: Exception, driver: str) -> RefusalError:
    if "CRS" in type(exc).__name__:
        return RefusalError("the file's coordinate system (for a shapefile, its .prj file) is not understood")
    return RefusalError(f"the file cannot be read as {driver} data (it may be damaged)")


def read_ogr(path: Path, fmt: str) -> dict:
    """Read a GeoPackage, shapefile or KML with pyogrio, allowing only that format's driver.

    Parameters
    ----------
    path : Path
        A local file in the reading process's own folder.
    fmt : str
        ``"gpkg"``, ``"shapefile"`` or ``"kml"``.

    Returns
    -------
    dict
        The reader result.
    """
    notes: list[str] = []
    if fmt == "gpkg":
        notes += _check_geopackage(path)
    elif fmt == "kml":
        _check_kml(path)
    # The reading process needs only pyogrio's raw reader: keeping pyogrio from loading
    # geopandas, pandas and pyarrow saves a second per file.
    for unused in ("geopandas", "pandas", "pyarrow"):
        sys.modules.setdefault(unused, None)
    import pyogrio
    import pyogrio.raw
    import shapely

    driver = OGR_DRIVERS[fmt]
    try:
        listed = pyogrio.list_layers(str(path))
    except Exception as exc:  # pyogrio raises its own types for unreadable data
        raise RefusalError(f"the file cannot be read as {driver} data (it may be damaged)") from exc
    if len(listed) > limits.MAX_LAYERS:
        raise RefusalError(f"the file holds {len(listed)} layers; at most {limits.MAX_LAYERS} are accepted")
    layers, rows, columns = [], [], {}
    vertices = _Vertices()
    total = 0
    for name, geometry_type in listed:
        try:
            info = pyogrio.read_info(str(path), layer=name)
        except Exception as exc:  # pyogrio's CRS and data errors have no common base
            raise _ogr_refusal(exc, driver) from exc
        if info.get("driver") != driver:
            raise RefusalError("the file was recognised as another format than its name says; it is not read")
        if geometry_type is None:
            notes.append(f"table '{plain_snippet(name)}' has no shapes and is not read")
            continue
        total += max(int(info.get("features") or 0), 0)
        _count_features(total)
        _check_columns(list(info.get("fields", [])))
        try:
            meta, _, geometries, field_data = pyogrio.raw.read(str(path), layer=name, datetime_as_string=True)
        except Exception as exc:  # pyogrio's CRS and data errors have no common base
            raise _ogr_refusal(exc, driver) from exc
        _count_features(total + len(geometries) - max(int(info.get("features") or 0), 0))
        fields = [str(field) for field in meta["fields"]]
        columns.update(dict.fromkeys(fields))
        index = len(layers)
        layers.append({"name": str(name), "crs": meta.get("crs")})
        for position, wkb in enumerate(geometries):
            props = {}
            for field, values in zip(fields, field_data, strict=True):
                value = values[position]
                if isinstance(value, float) and math.isnan(value):
                    value = None
                props[field] = _plain(value)
            error = None
            if wkb is None:
                error = "the feature has no geometry"
            else:
                try:
                    count = int(shapely.get_num_coordinates(shapely.from_wkb(wkb)))
                except shapely.errors.ShapelyError:
                    error, wkb = "the feature's geometry is damaged", None
                else:
                    error = vertices.add(count)
                    if error:
                        wkb = None
            rows.append({"props": props, "wkb": _b64(wkb), "error": error, "notes": [], "layer": index})
    if not rows:
        raise RefusalError("the file holds no features")
    return {"layers": layers, "columns": list(columns), "rows": rows, "notes": notes}


# ------------------------------------------------------------------ tables


def _table_result(header: list[str], body: list[tuple[int, list, str | None]], notes: list[str]) -> dict:
    if not header:
        raise RefusalError("the file has no header row")
    _check_columns(header)
    _count_features(len(body))
    if not body:
        raise RefusalError("the file has a header but no rows")
    rows = []
    for line, values, error in body:
        props = dict(zip(header, values, strict=False))
        rows.append({"props": props, "wkb": None, "error": error, "notes": [], "layer": 0, "line": line})
    return {"layers": [{"name": "", "crs": None}], "columns": header, "rows": rows, "notes": notes, "table": True}


def _header(cells: list) -> list[str]:
    names: list[str] = []
    for position, cell in enumerate(cells, start=1):
        name = " ".join(str(cell if cell is not None else "").split())[:100] or f"column {position}"
        while name in names:
            name = f"{name} ({position})"
        names.append(name)
    return names


def _decode_text(data: bytes) -> tuple[str, list[str]]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), ["the file is UTF-16 text; read as such"]
        except UnicodeDecodeError as exc:
            raise RefusalError("the file says it is UTF-16 text but is not") from exc
    notes = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RefusalError("the file is not UTF-8 text; save it as 'CSV UTF-8' and upload it again") from exc
    return text, notes


def read_csv(path: Path) -> dict:
    """Read a CSV file with Python's ``csv`` module (cells stay text; nothing is evaluated).

    Parameters
    ----------
    path : Path
        The file.

    Returns
    -------
    dict
        The reader result, one row per line after the header.
    """
    text, notes = _decode_text(path.read_bytes())
    if "\x00" in text:
        raise RefusalError("the file holds NUL characters; it looks binary, not CSV text")
    first_line = text[: text.find("\n")] if "\n" in text[:65536] else text[:65536]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    csv.field_size_limit(limits.MAX_CELL_CHARS)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] = []
    body: list[tuple[int, list, str | None]] = []
    try:
        for cells in reader:
            if len(cells) > limits.MAX_COLUMNS:
                raise RefusalError(f"line {reader.line_num} has {len(cells):,} cells; at most {limits.MAX_COLUMNS} columns are accepted")
            if not any(cell.strip() for cell in cells):
                continue
            if not header:
                header = _header(cells)
                continue
            error = None
            if len(cells) > len(header):
                error = f"the row has {len(cells)} cells but the header has {len(header)} columns"
            body.append((reader.line_num, cells + [""] * (len(header) - len(cells)), error))
            _count_features(len(body))
    except csv.Error as exc:
        if "field larger" in str(exc):
            raise RefusalError(f"a cell on line {reader.line_num} holds more than {limits.MAX_CELL_CHARS:,} characters") from exc
        raise RefusalError(f"the CSV file cannot be read at line {reader.line_num} (unbalanced quotes?)") from exc
    return _table_result(header, body, notes)


def read_xlsx(path: Path) -> dict:
    """Read the first sheet of an XLSX workbook with openpyxl; formulas are reported, never run.

    Parameters
    ----------
    path : Path
        The workbook (its zip directory has been checked already).

    Returns
    -------
    dict
        The reader result; a row with a formula carries an error naming the cell.
    """
    import openpyxl
    from openpyxl.utils import get_column_letter

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=False, keep_links=False, keep_vba=False)
    except Exception as exc:  # openpyxl raises many types for damaged workbooks
        raise RefusalError("the workbook cannot be opened (it may be damaged or not an .xlsx file)") from exc
    try:
        sheets = workbook.worksheets
        if not sheets:
            raise RefusalError("the workbook has no sheets")
        notes = []
        if len(sheets) > 1:
            notes.append(f"only the first sheet is read; {len(sheets) - 1} other sheet(s) are not")
        header: list[str] = []
        body: list[tuple[int, list, str | None]] = []
        for number, cells in enumerate(sheets[0].iter_rows(), start=1):
            values, formula = [], None
            for position, cell in enumerate(cells, start=1):
                if position > limits.MAX_COLUMNS:
                    if getattr(cell, "value", None) is not None:
                        raise RefusalError(f"row {number} has cells beyond column {limits.MAX_COLUMNS}; that many columns are not accepted")
                    continue
                value = getattr(cell, "value", None)
                if getattr(cell, "data_type", None) == "f":
                    formula = formula or f"{get_column_letter(position)}{number}"
                    value = None
                values.append(_plain(value))
            if not any(value not in (None, "") for value in values) and formula is None:
                continue
            if not header:
                if formula:
                    raise RefusalError(f"the header row holds a formula (cell {formula}); formulas are not run")
                header = _header(values)
                continue
            error = f"cell {formula} holds a formula; formulas are not run, type the value instead" if formula else None
            values = values[: len(header)] + [None] * (len(header) - len(values))
            body.append((number, values, error))
            _count_features(len(body))
    finally:
        workbook.close()
    return _table_result(header, body, notes)


def read(fmt: str, path: Path) -> dict:
    """Read ``path`` with the reader for ``fmt``.

    Parameters
    ----------
    fmt : str
        A format from :data:`kzatlas.ingest.sniff.FORMATS`.
    path : Path
        The file (for a shapefile, its ``.shp`` beside its other parts).

    Returns
    -------
    dict
        ``layers`` (name and stated CRS of each), ``columns``, ``rows`` (``props``, ``wkb``
        in base64, ``error``, ``notes``, ``layer``) and file-level ``notes``.
    """
    if fmt == "geojson":
        return read_geojson(path)
    if fmt in OGR_DRIVERS:
        return read_ogr(path, fmt)
    if fmt == "csv":
        return read_csv(path)
    if fmt == "xlsx":
        return read_xlsx(path)
    raise RefusalError("this format is not read")
