"""Per-format readers. They run inside the reading process (:mod:`kzatlas.ingest.worker`).

Each reader turns one file into plain data: a list of rows, each with its properties (text,
numbers, booleans, ``None``), its shape as WKB (for the formats that have shapes) and any
problem found with it, plus the coordinate system each layer states. Nothing here decides
what the atlas keeps; :mod:`kzatlas.ingest.plan` does that in the app's own process.

Only four GDAL drivers are used (GPKG, ESRI Shapefile, KML, and none for GeoJSON, which is
parsed as bounded JSON: :mod:`.geojson`), through :mod:`.gdal` after the checks of
:mod:`.prechecks`; CSV is read with Python's ``csv`` module and XLSX with openpyxl
(:mod:`.tables`), with formulas reported, never computed.
"""

from __future__ import annotations

from pathlib import Path

from kzatlas.ingest.errors import RefusalError
from kzatlas.ingest.messages import N_
from kzatlas.ingest.readers.gdal import OGR_DRIVERS, read_ogr
from kzatlas.ingest.readers.geojson import read_geojson
from kzatlas.ingest.readers.spreadsheets import read_csv, read_xlsx

__all__ = ["OGR_DRIVERS", "read", "read_csv", "read_geojson", "read_ogr", "read_xlsx"]


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
    raise RefusalError(N_("this format is not read"))
