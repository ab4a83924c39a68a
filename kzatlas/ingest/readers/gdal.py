"""The GDAL reader for GeoPackage, zipped shapefile and KML, through pyogrio's raw interface.

Each format may be opened with its own driver only, after the checks of
:mod:`kzatlas.ingest.readers.prechecks` for GeoPackage and KML.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

from kzatlas.ingest import limits
from kzatlas.ingest.encodings import shapefile_encoding
from kzatlas.ingest.errors import RefusalError
from kzatlas.ingest.messages import N_, Message
from kzatlas.ingest.readers.common import NO_FEATURES, NO_GEOMETRY, Vertices, b64, check_columns, count_features, plain
from kzatlas.ingest.readers.kml_data import add_extended_data
from kzatlas.ingest.readers.prechecks import check_geopackage, check_kml
from kzatlas.safety import plain_snippet

# The GDAL drivers a file may be opened with, per format.
OGR_DRIVERS = {"gpkg": "GPKG", "shapefile": "ESRI Shapefile", "kml": "KML"}
DAMAGED = N_("the file cannot be read as {driver} data (it may be damaged)")


def _ogr_refusal(exc: Exception, driver: str) -> RefusalError:
    if "CRS" in type(exc).__name__:
        return RefusalError(N_("the file's coordinate system (for a shapefile, its .prj file) is not understood"))
    return RefusalError(DAMAGED, driver=driver)


def _layer_rows(fields: list[str], field_data: list, geometries: list, vertices: Vertices, index: int) -> list[dict]:
    """The rows of one layer: plain properties, and the shape's WKB unless it is damaged or too large."""
    import shapely

    rows = []
    for position, wkb in enumerate(geometries):
        props = {}
        for field, values in zip(fields, field_data, strict=True):
            value = values[position]
            if isinstance(value, float) and math.isnan(value):
                value = None
            props[field] = plain(value)
        error = None
        if wkb is None:
            error = Message(NO_GEOMETRY)
        else:
            try:
                count = int(shapely.get_num_coordinates(shapely.from_wkb(wkb)))
            except shapely.errors.ShapelyError:
                error, wkb = Message(N_("the feature's geometry is damaged")), None
            else:
                error = vertices.add(count)
                if error:
                    wkb = None
        rows.append({"props": props, "wkb": b64(wkb), "error": error, "notes": [], "layer": index})
    return rows


def _list_layers(path: Path, driver: str) -> list:
    """The file's layers as (name, geometry type), refusing a damaged file or too many layers."""
    import pyogrio

    try:
        listed = pyogrio.list_layers(str(path))
    except Exception as exc:  # pyogrio raises its own types for unreadable data
        raise RefusalError(DAMAGED, driver=driver) from exc
    if len(listed) > limits.MAX_LAYERS:
        raise RefusalError(
            N_("the file holds {count} layers; at most {limit} are accepted"), count=len(listed), limit=limits.MAX_LAYERS
        )
    return listed


def read_ogr(path: Path, fmt: str, encoding: str | None = None) -> dict:
    """Read a GeoPackage, shapefile or KML with pyogrio, allowing only that format's driver.

    Parameters
    ----------
    path : Path
        A local file in the reading process's own folder.
    fmt : str
        ``"gpkg"``, ``"shapefile"`` or ``"kml"``.
    encoding : str, optional
        For a shapefile, the encoding of its attributes the user chose; by default its
        ``.cpg`` says, else it is detected from the ``.dbf``
        (:func:`kzatlas.ingest.encodings.shapefile_encoding`). GeoPackage and KML are UTF-8.

    Returns
    -------
    dict
        The reader result.
    """
    notes: list[Message] = []
    detection = shapefile_encoding(path, encoding) if fmt == "shapefile" else None
    codec = detection.encoding if detection is not None else None
    if fmt == "gpkg":
        notes += check_geopackage(path)
    elif fmt == "kml":
        check_kml(path)
    # The reading process needs only pyogrio's raw reader: keeping pyogrio from loading
    # geopandas, pandas and pyarrow saves a second per file.
    for unused in ("geopandas", "pandas", "pyarrow"):
        sys.modules.setdefault(unused, None)
    import pyogrio
    import pyogrio.raw

    driver = OGR_DRIVERS[fmt]
    listed = _list_layers(path, driver)
    layers, rows, columns = [], [], {}
    vertices = Vertices()
    total = 0
    for name, geometry_type in listed:
        try:
            info = pyogrio.read_info(str(path), layer=name, encoding=codec)
        except Exception as exc:  # pyogrio's CRS and data errors have no common base
            raise _ogr_refusal(exc, driver) from exc
        if info.get("driver") != driver:
            raise RefusalError(N_("the file was recognised as another format than its name says; it is not read"))
        if geometry_type is None:
            notes.append(Message(N_("table '{table}' has no shapes and is not read"), table=plain_snippet(name)))
            continue
        total += max(int(info.get("features") or 0), 0)
        count_features(total)
        check_columns(list(info.get("fields", [])))
        try:
            meta, _, geometries, field_data = pyogrio.raw.read(
                str(path), layer=name, datetime_as_string=True, encoding=codec
            )
        except Exception as exc:  # pyogrio's CRS and data errors have no common base
            raise _ogr_refusal(exc, driver) from exc
        count_features(total + len(geometries) - max(int(info.get("features") or 0), 0))
        fields = [str(field) for field in meta["fields"]]
        columns.update(dict.fromkeys(fields))
        index = len(layers)
        layers.append({"name": str(name), "crs": meta.get("crs")})
        rows += _layer_rows(fields, field_data, geometries, vertices, index)
    if not rows:
        raise RefusalError(NO_FEATURES)
    result = {"layers": layers, "columns": list(columns), "rows": rows, "notes": notes}
    if fmt == "kml":
        add_extended_data(path, result)
    if detection is not None:
        result["encoding"] = detection.to_json()
    return result
