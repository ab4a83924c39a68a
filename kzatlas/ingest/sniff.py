"""Decide a file's format from its name and first bytes, against a fixed allowlist.

Only six formats are read: GeoJSON, GeoPackage, a zipped shapefile, KML, CSV and XLSX. The
name's extension picks the format and the bytes must agree with it, so a document in some
other format (a GDAL virtual-format file, a database, an archive) cannot pass as one of them.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath, PureWindowsPath

from kzatlas.ingest import limits
from kzatlas.ingest.errors import RefusalError
from kzatlas.ingest.messages import N_, Message

GEOJSON = "geojson"
GPKG = "gpkg"
SHAPEFILE = "shapefile"
KML = "kml"
CSV = "csv"
XLSX = "xlsx"
FORMATS = (GEOJSON, GPKG, SHAPEFILE, KML, CSV, XLSX)
# Formats with shapes of their own; the others are tables of sites.
GEOMETRY_FORMATS = (GEOJSON, GPKG, SHAPEFILE, KML)

# Message ids: messages take them as Message(FORMAT_LABELS[fmt]), translated on the page.
FORMAT_LABELS = {
    GEOJSON: N_("GeoJSON"),
    GPKG: N_("GeoPackage"),
    SHAPEFILE: N_("zipped shapefile"),
    KML: N_("KML"),
    CSV: N_("CSV"),
    XLSX: N_("Excel workbook (XLSX)"),
}

EXTENSIONS = {
    ".geojson": GEOJSON,
    ".json": GEOJSON,
    ".gpkg": GPKG,
    ".zip": SHAPEFILE,
    ".kml": KML,
    ".csv": CSV,
    ".txt": CSV,
    ".xlsx": XLSX,
}

ACCEPTED = N_("GeoJSON, GeoPackage (.gpkg), a zipped shapefile (.zip), KML, CSV or XLSX")

# Extensions worth a specific answer.
_SHAPEFILE_PARTS = N_("a shapefile is several files: zip the .shp, .shx, .dbf and .prj together and upload the .zip")
_EXPLAINED = {
    ".shp": _SHAPEFILE_PARTS,
    ".shx": _SHAPEFILE_PARTS,
    ".dbf": _SHAPEFILE_PARTS,
    ".kmz": N_("KMZ files are not accepted: unzip it and upload the .kml inside"),
    ".xls": N_("old Excel files (.xls) are not accepted: save the sheet as .xlsx or CSV"),
    ".xlsm": N_("workbooks with macros (.xlsm) are not accepted: save the sheet as .xlsx or CSV"),
    ".vrt": N_("GDAL virtual-format files (.vrt) are not accepted, as they point at other files"),
}

TOO_LARGE = N_("the file is larger than {megabytes} MB")
EMPTY_ZIP = N_("the zip archive is empty")

SQLITE_MAGIC = b"SQLite format 3\x00"
ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")

# Documents that make GDAL open other files or URLs.
_VIRTUAL = re.compile(rb"<\s*(OGRVRTDataSource|VRTDataset|GDALG)\b", re.IGNORECASE)
_PATHLIKE = re.compile(r"(?i)(^|[\\/])vsi[a-z0-9_]*[\\/]|^[a-z][a-z0-9+.-]*://|^\\\\")


def display_name(filename: str) -> str:
    """The last part of ``filename`` (a browser may send a whole Windows or POSIX path).

    Parameters
    ----------
    filename : str
        The name the upload came with.

    Returns
    -------
    str
        The base name, at most 120 characters.
    """
    name = PureWindowsPath(PurePosixPath(str(filename)).name).name
    return name[:120]


def sniff(data: bytes, filename: str) -> str:
    """The format of an uploaded file, or a refusal saying why it cannot be read.

    Parameters
    ----------
    data : bytes
        The whole file (its size is checked first).
    filename : str
        The name it came with; its extension chooses the format.

    Returns
    -------
    str
        One of :data:`FORMATS`.

    Raises
    ------
    RefusalError
        For an empty or oversized file, a name that is a path or address, an extension
        outside the allowlist, or bytes that do not match the extension.
    """
    raw_name = str(filename or "")
    if _PATHLIKE.search(raw_name.strip()) or "\x00" in raw_name:
        raise RefusalError(N_("the file name looks like a server path or web address, not a file; nothing is fetched"))
    name = display_name(raw_name)
    suffix = PurePosixPath(name.lower()).suffix
    if not data:
        raise RefusalError(N_("the file is empty (0 bytes)"))
    if len(data) > limits.MAX_FILE_BYTES:
        raise RefusalError(TOO_LARGE, megabytes=limits.MAX_FILE_BYTES // (1024 * 1024))
    if suffix in _EXPLAINED:
        raise RefusalError(_EXPLAINED[suffix])
    fmt = EXTENSIONS.get(suffix)
    if fmt is None:
        if not suffix:
            raise RefusalError(N_("files without an extension are not accepted; the atlas reads {formats}"), formats=Message(ACCEPTED))
        raise RefusalError(
            N_("files of type {extension} are not accepted; the atlas reads {formats}"),
            extension=suffix[:20],
            formats=Message(ACCEPTED),
        )
    head = data[:65536]
    if _VIRTUAL.search(head):
        raise RefusalError(N_("the file is a GDAL virtual-format document (VRT), which can point at other files; it is not accepted"))
    _check_bytes(fmt, data, head)
    return fmt


def _text_start(head: bytes) -> bytes:
    return head.removeprefix(UTF8_BOM).lstrip()


def _check_bytes(fmt: str, data: bytes, head: bytes) -> None:
    label = Message(FORMAT_LABELS[fmt])
    if fmt in (GEOJSON, KML, CSV):
        if head.startswith(ZIP_MAGIC) or head.startswith(EMPTY_ZIP_MAGIC):
            raise RefusalError(N_("the file is a zip archive, not {format}"), format=label)
        if head.startswith(SQLITE_MAGIC):
            raise RefusalError(N_("the file is a database (SQLite), not {format}"), format=label)
        if head.startswith(UTF16_BOMS) and fmt != CSV:
            raise RefusalError(N_("the file is UTF-16 text; {format} must be UTF-8"), format=label)
    if fmt == GEOJSON:
        start = _text_start(head)
        if start.startswith(b"<"):
            raise RefusalError(N_("the file is XML, not GeoJSON"))
        if not start.startswith(b"{"):
            raise RefusalError(N_("the file is not GeoJSON: it does not start with '{brace}'"), brace="{")
    elif fmt == KML:
        if not _text_start(head).startswith(b"<"):
            raise RefusalError(N_("the file is not KML: it does not start with an XML tag"))
    elif fmt == CSV:
        if b"\x00" in head and not head.startswith(UTF16_BOMS):
            raise RefusalError(N_("the file is binary, not CSV text"))
    elif fmt == GPKG:
        if not head.startswith(SQLITE_MAGIC):
            raise RefusalError(N_("the file is not a GeoPackage: it is not an SQLite database"))
    elif fmt in (SHAPEFILE, XLSX):
        if head.startswith(EMPTY_ZIP_MAGIC):
            raise RefusalError(EMPTY_ZIP)
        if fmt == SHAPEFILE and not head.startswith(ZIP_MAGIC):
            raise RefusalError(N_("the file is not a zip archive"))
        if not head.startswith(ZIP_MAGIC):
            raise RefusalError(N_("the file is not an Excel workbook (.xlsx is a zip archive)"))
