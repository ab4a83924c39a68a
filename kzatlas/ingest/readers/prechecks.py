"""Checks made before GDAL opens a GeoPackage or a KML file, with the standard library only.

A GeoPackage is an SQLite database and may carry triggers that run code when GDAL reads it; a
KML file is XML and may declare entities or link to other documents. Either is refused here.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kzatlas.ingest.errors import RefusalError
from kzatlas.ingest.messages import N_, Message
from kzatlas.ingest.readers.gpkg_triggers import foreign_triggers
from kzatlas.safety import plain_snippet

GPKG_APPLICATION_IDS = (0x47504B47, 0x47503130, 0x47503131)


def check_geopackage(path: Path) -> list[Message]:
    """Open the database read-only and refuse anything but a plain GeoPackage.

    Parameters
    ----------
    path : Path
        The uploaded ``.gpkg``.

    Returns
    -------
    list of Message
        File-level notes (none so far).

    Raises
    ------
    RefusalError
        For a damaged database, an SQLite file that is not a GeoPackage, or any trigger that
        is not exactly one the format defines, on its own table and with the format's SQL
        (see :mod:`kzatlas.ingest.readers.gpkg_triggers`).
    """
    try:
        connection = sqlite3.connect(path.resolve().as_uri() + "?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as exc:
        raise RefusalError(N_("the GeoPackage cannot be opened as a database")) from exc
    try:
        application_id = connection.execute("PRAGMA application_id").fetchone()[0]
        tables = {str(row[0]) for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if application_id not in GPKG_APPLICATION_IDS or "gpkg_contents" not in tables:
            raise RefusalError(N_("the file is an SQLite database but not a GeoPackage"))
        foreign = foreign_triggers(connection, tables)
    except sqlite3.Error as exc:
        raise RefusalError(N_("the GeoPackage is damaged: its database cannot be read")) from exc
    finally:
        connection.close()
    if foreign:
        raise RefusalError(
            N_(
                "the GeoPackage holds {count} database trigger(s) that are not part of the GeoPackage standard, "
                "such as '{name}'; a trigger could run commands when the file is read"
            ),
            count=len(foreign),
            name=plain_snippet(foreign[0]),
        )
    return []


def check_kml(path: Path) -> None:
    """Parse the KML safely and refuse DTDs, entities, other XML and links to other documents.

    Parameters
    ----------
    path : Path
        The uploaded ``.kml``.

    Raises
    ------
    RefusalError
        When the file is not self-contained, well-formed KML.
    """
    from defusedxml import DefusedXmlException
    from defusedxml import ElementTree as SafeTree

    try:
        root = SafeTree.parse(str(path), forbid_dtd=True, forbid_entities=True, forbid_external=True).getroot()
    except DefusedXmlException as exc:
        raise RefusalError(N_("the KML file declares a DTD or entities, which could expand or fetch other content")) from exc
    except SafeTree.ParseError as exc:
        line = getattr(exc, "position", (0, 0))[0]
        raise RefusalError(N_("the KML file is not well-formed XML (line {line})"), line=line) from exc
    if not str(root.tag).endswith("kml"):
        raise RefusalError(N_("the file is XML but not KML (its root element is not <kml>)"))
    for element in root.iter():
        if str(element.tag).endswith("NetworkLink"):
            raise RefusalError(N_("the KML file links to other documents (NetworkLink); only self-contained KML is read"))
