"""What GDAL's KML driver leaves out: a placemark's ``ExtendedData``, and descriptions as plain text.

The KML driver reads a placemark's name, description and shape only. Offices keep their own
values in ``<ExtendedData>`` (``<Data name="year"><value>2019</value></Data>``, or
``<SchemaData><SimpleData name="year">2019</SimpleData></SchemaData>``); :func:`add_extended_data`
makes each such name a column that can be mapped like any other. Descriptions are often HTML
(Google Earth's balloons): :func:`plain_description` keeps their text only, tags dropped
(scripts and styles with their content), entities decoded and the length bounded. The text is
never rendered as HTML anywhere.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

from kzatlas.ingest import limits
from kzatlas.ingest.readers.common import check_columns

DESCRIPTION_COLUMNS = ("description",)
_DROPPED_WITH_CONTENT = {"script", "style", "head", "title", "template", "noscript"}
_BREAKS = {"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol"}


class _TextOnly(HTMLParser):
    """Collects the text of an HTML fragment; markup is dropped, never interpreted."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _DROPPED_WITH_CONTENT:
            self.hidden += 1
        elif tag in _BREAKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROPPED_WITH_CONTENT:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BREAKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def plain_description(value: object, limit: int = limits.MAX_TEXT_CHARS) -> object:
    """A KML description as plain text: tags dropped, entities decoded, spaces folded, at most ``limit`` characters.

    Parameters
    ----------
    value : object
        The description as the KML driver read it (HTML or plain text); other values pass through.
    limit : int
        The longest text kept.

    Returns
    -------
    object
        The plain text (``None`` when nothing is left), or ``value`` unchanged when it is not text.
    """
    if not isinstance(value, str):
        return value
    parser = _TextOnly()
    try:
        parser.feed(value[: limits.MAX_CELL_CHARS])
        parser.close()
        text = "".join(parser.parts)
    except Exception:  # malformed markup: keep no tags at all
        text = re.sub(r"<[^>]*>", " ", value[: limits.MAX_CELL_CHARS])
    # A second decoding pass for descriptions escaped twice (``&amp;amp;``) in some exports.
    text = " ".join(html.unescape(text).replace("\xa0", " ").split())
    return text[:limit] or None


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1]


def _placemarks(path: Path) -> list[tuple[str, dict[str, str]]]:
    """Each placemark's name and its ExtendedData values, in document order."""
    from defusedxml import ElementTree as SafeTree

    root = SafeTree.parse(str(path), forbid_dtd=True, forbid_entities=True, forbid_external=True).getroot()
    found = []
    for placemark in root.iter():
        if _local(placemark.tag) != "Placemark":
            continue
        name, values = "", {}
        for child in placemark:
            if _local(child.tag) == "name":
                name = (child.text or "").strip()
            elif _local(child.tag) == "ExtendedData":
                for item in child.iter():
                    tag = _local(item.tag)
                    key = str(item.get("name") or "").strip()[: limits.MAX_NAME_CHARS]
                    if tag == "Data" and key:
                        value = next((v.text for v in item if _local(v.tag) == "value"), None)
                        values.setdefault(key, (value or "").strip()[: limits.MAX_CELL_CHARS])
                    elif tag == "SimpleData" and key:
                        values.setdefault(key, (item.text or "").strip()[: limits.MAX_CELL_CHARS])
        found.append((name, values))
    return found


def add_extended_data(path: Path, result: dict) -> None:
    """Add each placemark's ExtendedData to its row as columns, and make descriptions plain text.

    Parameters
    ----------
    path : Path
        The KML file (already checked by :func:`kzatlas.ingest.readers.prechecks.check_kml`).
    result : dict
        The reader's result; its ``columns`` and rows' ``props`` grow. Placemarks are matched to
        rows in order when their names agree, else by a name that only one placemark has.
    """
    rows = result.get("rows", [])
    for item in rows:
        props = item.get("props", {})
        for key in list(props):
            if key.lower() in DESCRIPTION_COLUMNS:
                props[key] = plain_description(props[key])
    placemarks = [entry for entry in _placemarks(path) if entry[1]]
    if not placemarks:
        return
    taken = set(result.get("columns", []))
    row_names = [str(item.get("props", {}).get("Name") or "").strip() for item in rows]
    if len(placemarks) == len(rows) and all(not a or a == b for a, (b, _) in zip(row_names, placemarks, strict=True)):
        pairs = [(item, values) for item, (_, values) in zip(rows, placemarks, strict=True)]
    else:
        by_name: dict[str, list[dict]] = {}
        for name, values in placemarks:
            by_name.setdefault(name, []).append(values)
        pairs = [
            (item, by_name[name][0])
            for item, name in zip(rows, row_names, strict=True)
            if name and len(by_name.get(name, [])) == 1
        ]
    added: dict[str, None] = {}
    for item, values in pairs:
        props = item.setdefault("props", {})
        for key, value in values.items():
            column = key if key not in taken else f"{key} (ExtendedData)"
            added.setdefault(column)
            props[column] = value or None
    columns = [*result.get("columns", []), *added]
    check_columns(columns)
    result["columns"] = columns
