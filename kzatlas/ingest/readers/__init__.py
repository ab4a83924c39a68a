"""Per-format readers. They run inside the reading process (:mod:`kzatlas.ingest.worker`).

Each reader turns one file into plain data: a list of rows, each with its properties (text,
numbers, booleans, ``None``), its shape as WKB (for the formats that have shapes) and any
problem found with it, plus the coordinate system each layer states. Nothing here decides
what the atlas keeps; :mod:`kzatlas.ingest.plan` does that in the app's own process.

Only four GDAL drivers are used (GPKG, ESRI Shapefile, KML, and none for GeoJSON, which is
parsed as bounded JSON: :mod:`.geojson`), through :mod:`.gdal` after the checks of
:mod:`.prechecks`; CSV is read with Python's ``csv`` module (its text encoding detected, see
:mod:`kzatlas.ingest.encodings`) and XLSX with openpyxl
(:mod:`.tables`), with formulas reported, never computed.
"""

from __future__ import annotations

from pathlib import Path

from kzatlas.ingest.encodings import garbled_columns, garbled_notes
from kzatlas.ingest.errors import RefusalError
from kzatlas.ingest.messages import N_
from kzatlas.ingest.readers.gdal import OGR_DRIVERS, read_ogr
from kzatlas.ingest.readers.geojson import read_geojson
from kzatlas.ingest.readers.spreadsheets import read_csv, read_xlsx

__all__ = ["OGR_DRIVERS", "read", "read_csv", "read_geojson", "read_ogr", "read_xlsx"]


def read(fmt: str, path: Path, encoding: str | None = None, sheet: str | None = None) -> dict:
    """Read ``path`` with the reader for ``fmt``.

    Parameters
    ----------
    fmt : str
        A format from :data:`kzatlas.ingest.sniff.FORMATS`.
    path : Path
        The file (for a shapefile, its ``.shp`` beside its other parts).
    encoding : str, optional
        The text encoding the user chose, for a CSV file or a shapefile's attributes.
    sheet : str, optional
        The sheet of a workbook to read, by name or number (default: the first holding a table).

    Returns
    -------
    dict
        ``layers`` (name and stated CRS of each), ``columns``, ``rows`` (``props``, ``wkb``
        in base64, ``error``, ``notes``, ``layer``), file-level ``notes``, the ``encoding``
        the text was read with (CSV and shapefile) and the ``garbled`` columns, whose text
        looks like Cyrillic read with the wrong code page (each with a note).
    """
    if fmt == "geojson":
        result = read_geojson(path)
    elif fmt in OGR_DRIVERS:
        result = read_ogr(path, fmt, encoding)
    elif fmt == "csv":
        result = read_csv(path, encoding)
    elif fmt == "xlsx":
        result = read_xlsx(path, sheet)
    else:
        raise RefusalError(N_("this format is not read"))
    found = garbled_columns([str(column) for column in result.get("columns", [])], result.get("rows", []))
    result["garbled"] = [column for column, _sample in found]
    result["notes"] = [*result.get("notes", []), *garbled_notes(found)]
    return result
