"""Files with Cyrillic text in the encodings offices save: built in the test, never shipped.

A shapefile written by pyogrio with ``encoding=...`` and zipped without its ``.cpg`` (as a
Russian-language desktop GIS leaves it), CSV files as Russian Excel saves them (Windows-1251,
``;`` between cells, decimal commas), KOI8-R and UTF-16 with a byte order mark.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

NAME = "Наурзумский заповедник"
SECOND = "Озеро Тенгиз"
# Cyrillic saved as Windows-1251 and read back as Latin-1, then saved again: garbled for good.
GARBLED = NAME.encode("cp1251").decode("latin-1")
# A value echoed back in a message: kept exactly, never turned into question marks.
ECHOED = "51°06'10\"N (parentheses)"


def shapefile_zip(encoding: str, *, with_cpg: bool = False) -> bytes:
    """A zipped point shapefile with Cyrillic column names and values in ``encoding``."""
    import numpy as np
    import pyogrio.raw
    import shapely

    with tempfile.TemporaryDirectory() as folder:
        shp = Path(folder) / "sites.shp"
        geometry = np.array([shapely.to_wkb(shapely.Point(64.4, 51.5)), shapely.to_wkb(shapely.Point(69.2, 50.4))], dtype=object)
        fields = [np.array([NAME, SECOND], dtype=object), np.array(["Охраняемая территория", "Озеро"], dtype=object)]
        pyogrio.raw.write(
            str(shp), geometry, fields, ["НАЗВАНИЕ", "ОПИСАНИЕ"],
            driver="ESRI Shapefile", geometry_type="Point", crs="EPSG:4326", encoding=encoding,
        )  # fmt: skip
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            for extension in (".shp", ".shx", ".dbf", ".prj", *((".cpg",) if with_cpg else ())):
                archive.write(shp.with_suffix(extension), f"sites{extension}")
        return out.getvalue()


def russian_excel_csv() -> bytes:
    """A CSV file as Russian Excel saves it: Windows-1251, semicolons, decimal commas."""
    text = f"Название;Широта;Долгота\r\n{NAME};51,5;64,4\r\n{SECOND};50,4;69,2\r\n"
    return text.encode("cp1251")


def csv_in(encoding: str) -> bytes:
    """A comma-separated CSV file in ``encoding`` (``utf-16`` writes its byte order mark)."""
    return f"Название,Широта,Долгота\n{NAME},51.5,64.4\n{SECOND},50.4,69.2\n".encode(encoding)


def garbled_csv() -> bytes:
    """UTF-8 text whose names were garbled before they were saved: no encoding reads them right."""
    return f"name,latitude,longitude\n{GARBLED},51.5,64.4\nОзеро,50.4,69.2\n".encode()


def echo_csv() -> bytes:
    """A row whose kind is a value with degrees, quotes and parentheses, echoed in its reason."""
    return f'name,latitude,longitude,kind\nA site,51.5,64.4,"{ECHOED.replace(chr(34), chr(34) * 2)}"\n'.encode()


# Each file, the encoding the atlas must find and the name users know it by.
CASES = {
    "shapefile-cp1251": ("sites.zip", lambda: shapefile_zip("cp1251"), "cp1251", "Windows-1251"),
    "shapefile-cp866": ("sites.zip", lambda: shapefile_zip("cp866"), "cp866", "CP866"),
    "csv-russian-excel": ("sites.csv", russian_excel_csv, "cp1251", "Windows-1251"),
    "csv-koi8-r": ("sites.csv", lambda: csv_in("koi8-r"), "koi8-r", "KOI8-R"),
    "csv-utf-16": ("sites.csv", lambda: csv_in("utf-16"), "utf-16", "UTF-16"),
}
