"""Shapes drawn on the map, turned into feature records for the store.

The map returns what the editor drew as GeoJSON (``st_folium``'s ``all_drawings``), which is
untrusted input like any uploaded file: :func:`~kzatlas.edit.drawn_shapes.parse_drawing` accepts only points and
polygons with a bounded number of finite longitude/latitude coordinates, and repairs
self-crossing rings. :func:`new_feature_record` and :func:`changed_feature_record` then build
the record ``Store.apply`` saves, with the editor's source, the drawn area and the regions
the shape lies in. Nothing here touches Streamlit or the store.
"""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from kzatlas.catalog import FEATURE_COLUMNS, KNOWN_KINDS, KNOWN_THEMES, LIST_SEPARATOR
from kzatlas.config import CRS, ENGLISH_NAME_COLUMN, KIND_UNDP_PROGRAMME, NAME_COLUMN_PREFIX, NAME_COLUMNS, UNDP_KINDS
from kzatlas.edit.drawn_shapes import (
    EDIT_MAX_VERTICES,
    MAX_DRAWN_FEATURES,
    MAX_DRAWN_VERTICES,
    QUALITY_DRAWN,
    QUALITY_POINT,
    REPAIR_NOTE_PERCENT,
    DrawingError,
    DrawnShape,
    editable_features,
    parse_drawing,
)
from kzatlas.i18n import name_label
from kzatlas.ingest import limits
from kzatlas.ingest.messages import N_, Message
from kzatlas.ingest.regions import RegionIndex
from kzatlas.ingest.validate import SOURCE_DATE, check_date, check_year, clean_text
from kzatlas.safety import safe_link
from kzatlas.spatial import area_hectares

__all__ = [
    "DRAWABLE_KINDS",
    "DRAWN_ID_PREFIX",
    "DRAWN_METHOD",
    "EDIT_MAX_VERTICES",
    "MAX_DRAWN_FEATURES",
    "MAX_DRAWN_VERTICES",
    "QUALITY_DRAWN",
    "QUALITY_POINT",
    "REPAIR_NOTE_PERCENT",
    "STATED_QUALITIES",
    "DrawSource",
    "DrawingError",
    "DrawnRecord",
    "DrawnShape",
    "NewFeatureFields",
    "changed_feature_record",
    "check_source",
    "difference_percent",
    "editable_features",
    "feature_choices",
    "new_feature_id",
    "new_feature_record",
    "parse_drawing",
    "region_index",
]

DRAWN_METHOD = "drawn on the atlas map by an editor"
# Kinds an editor may draw: every kind that has a place on the map.
DRAWABLE_KINDS = tuple(kind for kind in sorted(KNOWN_KINDS) if kind != KIND_UNDP_PROGRAMME)
DRAWN_ID_PREFIX = "drw-"
CHOOSE_FEATURE = N_("Choose the feature whose shape you drew.")
# What an editor may say of a boundary they drew or moved (a marker is always a point).
STATED_QUALITIES = (QUALITY_DRAWN, "surveyed", "approximate", "schematic")


@dataclass(frozen=True)
class DrawSource:
    """Where the editor took the shape from: a web address or a title, and its date."""

    url: str = ""
    title: str = ""
    date: str = ""


@dataclass(frozen=True)
class NewFeatureFields:
    """What the editor types for a new feature.

    ``other_names`` holds the name in the atlas's other languages, as ``(name column, text)``
    pairs (``("name_ru", "...")``); the English name is required and stands apart.
    """

    name_en: str
    kind: str
    themes: tuple[str, ...] = ()
    year: int | str | None = None
    other_names: tuple[tuple[str, str], ...] = ()


@dataclass
class DrawnRecord:
    """A record ready for ``Store.apply`` and what the preview shows about it.

    Attributes
    ----------
    record : dict
        The catalogue's feature columns plus ``geometry``.
    notes : list of Message
        Repairs and warnings (outside Kazakhstan, replacing a surveyed boundary...), translated
        on the page.
    official_area_ha, drawn_area_ha : float or None
        For the preview: the published area and the area of the drawn shape.
    """

    record: dict
    notes: list[Message] = field(default_factory=list)
    official_area_ha: float | None = None
    drawn_area_ha: float | None = None


# ------------------------------------------------------------------ the record


def new_feature_id() -> str:
    """A fresh id for a drawn feature, e.g. ``drw-3f2a9c01b7d4``."""
    return f"{DRAWN_ID_PREFIX}{uuid.uuid4().hex[:12]}"


def _text(label: str, value: object, limit: int, *, required: bool = False) -> str:
    """Checked text of one form field; ``label`` is the field's message id."""
    checked = clean_text(label, value, limit)
    if checked.error:
        raise DrawingError(checked.error)
    if required and not checked.value:
        raise DrawingError(N_("{label} is required."), label=Message(label))
    if checked.notes and len(str(value).strip()) > limit:
        raise DrawingError(N_("{label} is longer than {limit} characters."), label=Message(label), limit=limit)
    return str(checked.value)


def _name_field(column: str) -> str:
    """The message id of the name field of a name column (``name_ru``: "Name (Russian)")."""
    code = column.removeprefix(NAME_COLUMN_PREFIX)
    try:
        return name_label(code)
    except KeyError:
        return column


def check_source(source: DrawSource) -> DrawSource:
    """The editor's source, checked: an http(s) address or a title, and a date.

    Raises
    ------
    DrawingError
        If neither address nor title is given, the address is not http(s), or the date is
        missing, not ``YYYY-MM-DD`` or in the future.
    """
    url = _text(N_("source address"), source.url, limits.MAX_TEXT_CHARS)
    title = _text(N_("source title"), source.title, limits.MAX_NAME_CHARS)
    if not url and not title:
        raise DrawingError(N_("A source is required: the web address or the title of the map the shape was taken from."))
    if url and safe_link(url, allow_relative=False) is None:
        raise DrawingError(N_("The source address must be an http or https web address."))
    raw_date = source.date.isoformat() if hasattr(source.date, "isoformat") else source.date
    date = check_date(SOURCE_DATE, raw_date)
    if date.error or not date.value:
        raise DrawingError(N_("The source's date is required, as YYYY-MM-DD."))
    if pd.Timestamp(date.value) > pd.Timestamp.now().normalize() + pd.Timedelta(days=1):
        raise DrawingError(N_("The source's date is in the future."))
    return DrawSource(url=url, title=title, date=str(date.value))


def _measure(shape: DrawnShape, regions: RegionIndex | None) -> tuple[float | None, list[str], list[Message]]:
    """Drawn area (ha, boundaries only), region codes touched, and notes."""
    series = gpd.GeoSeries([shape.geometry], crs=CRS)
    area = None
    if shape.quality == QUALITY_DRAWN:
        area = round(float(area_hectares(series).iloc[0]), 1)
    if regions is None:
        return area, [], []
    notes = []
    if not bool(regions.inside(np.array([shape.geometry], dtype=object))[0]):
        notes.append(Message(N_("the shape lies outside Kazakhstan")))
    return area, regions.codes_for(series)[0], notes


def _sources_entry(source: DrawSource) -> dict:
    return {"title": source.title or source.url, "url": source.url, "accessed": source.date, "how": DRAWN_METHOD}


def new_feature_record(
    shape: DrawnShape,
    fields: NewFeatureFields,
    source: DrawSource,
    regions: RegionIndex | None,
    *,
    feature_id: str,
) -> DrawnRecord:
    """The record of a feature the editor drew and named.

    Parameters
    ----------
    shape : DrawnShape
        From :func:`parse_drawing`.
    fields : NewFeatureFields
        Name (English required), kind, themes, year, other names.
    source : DrawSource
        Where the shape was taken from (checked here).
    regions : RegionIndex or None
        Kazakhstan's regions, for the region codes and the outside-Kazakhstan warning.
    feature_id : str
        The new id (see :func:`new_feature_id`).

    Returns
    -------
    DrawnRecord
        The record (quality ``digitised`` or ``point``, the drawn area, the regions touched,
        the source) and notes for the preview.

    Raises
    ------
    DrawingError
        For a missing name or source, an unknown kind or theme, or a year out of range.
    """
    checked_source = check_source(source)
    name = _text(N_("English name"), fields.name_en, limits.MAX_NAME_CHARS, required=True)
    if fields.kind not in DRAWABLE_KINDS:
        raise DrawingError(N_("Choose the kind of feature."))
    unknown = [theme for theme in fields.themes if theme not in KNOWN_THEMES]
    if unknown:
        raise DrawingError(N_("A chosen theme is not one the atlas knows."))
    year = check_year(fields.year)
    if year.error:
        raise DrawingError(year.error)
    area, codes, notes = _measure(shape, regions)
    record: dict = {column: None for column in FEATURE_COLUMNS}
    typed = dict(fields.other_names)
    for column in NAME_COLUMNS:
        if column != ENGLISH_NAME_COLUMN:
            record[column] = _text(_name_field(column), typed.get(column, ""), limits.MAX_NAME_CHARS)
    record.update(
        id=feature_id,
        name_en=name,
        kind=fields.kind,
        themes=LIST_SEPARATOR.join(dict.fromkeys(fields.themes)),
        region_codes=LIST_SEPARATOR.join(codes),
        year=year.value,
        years=str(year.value) if year.value is not None else "",
        area_drawn_ha=area,
        undp_supported=fields.kind in UNDP_KINDS,
        geometry_quality=shape.quality,
        geometry_method=DRAWN_METHOD,
        source_url=checked_source.url,
        source_title=checked_source.title,
        source_date=checked_source.date,
        sources_json=json.dumps([_sources_entry(checked_source)], ensure_ascii=False),
        coord_source=checked_source.url or checked_source.title,
        geometry=shape.geometry,
    )
    return DrawnRecord(record, [*shape.notes, *notes], None, area)


def _plain(value: object) -> object:
    if isinstance(value, np.generic):
        value = value.item()
    if value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def changed_feature_record(
    shape: DrawnShape,
    existing: Mapping,
    source: DrawSource,
    regions: RegionIndex | None,
    *,
    quality: str | None = None,
) -> DrawnRecord:
    """An existing feature with the drawn shape in place of its own.

    Only the shape and what describes it change: ``geometry``, ``geometry_quality``
    (``digitised`` or ``point``), ``geometry_method``, ``area_drawn_ha``, the source fields
    and ``coord_source``; the new source is added to ``sources_json``. Names, kind, official
    area and region codes stay as they were.

    Parameters
    ----------
    shape : DrawnShape
        From :func:`parse_drawing`.
    existing : Mapping
        The feature's current row (``kzatlas.catalog.feature_frame``), saved edits included.
    source : DrawSource
        Where the new shape was taken from (checked here).
    regions : RegionIndex or None
        For the outside-Kazakhstan warning.
    quality : str, optional
        The boundary's quality as the editor states it (one of :data:`STATED_QUALITIES`,
        e.g. ``surveyed`` when the vertices were moved onto a survey); ``digitised`` when not
        given. A marker is always a ``point``.

    Returns
    -------
    DrawnRecord
        The record and notes for the preview (e.g. a surveyed boundary being replaced).

    Raises
    ------
    DrawingError
        For a missing or bad source, or a quality that is not one an editor may state.
    """
    checked_source = check_source(source)
    if quality is not None and quality not in STATED_QUALITIES:
        raise DrawingError(N_("Choose the shape's quality."))
    stated = shape.quality if shape.quality == QUALITY_POINT or quality is None else quality
    record = {column: _plain(existing.get(column)) for column in FEATURE_COLUMNS}
    if not record.get("id"):
        raise DrawingError(CHOOSE_FEATURE)
    area, _codes, notes = _measure(shape, regions)
    previous = record.get("geometry_quality")
    if previous == "surveyed" and stated != "surveyed":
        notes.append(Message(N_("this replaces a surveyed boundary with a drawn one")))
    if previous not in (QUALITY_POINT, None, "", "none", "region") and shape.quality == QUALITY_POINT:
        notes.append(Message(N_("this replaces a boundary with a single point")))
    try:
        sources = json.loads(record.get("sources_json") or "[]")
    except ValueError:
        sources = []
    if not isinstance(sources, list):
        sources = []
    record.update(
        geometry=shape.geometry,
        geometry_quality=stated,
        geometry_method=DRAWN_METHOD,
        area_drawn_ha=area,
        source_url=checked_source.url,
        source_title=checked_source.title,
        source_date=checked_source.date,
        coord_source=checked_source.url or checked_source.title,
        sources_json=json.dumps([*sources, _sources_entry(checked_source)], ensure_ascii=False),
    )
    official = record.get("area_ha")
    return DrawnRecord(record, [*shape.notes, *notes], official, area)


def feature_choices(features: gpd.GeoDataFrame, name_column: str = "name_en") -> list[tuple[str, str]]:
    """``(id, label)`` of the features whose shape an editor may redraw, sorted by label.

    Parameters
    ----------
    features : geopandas.GeoDataFrame
        The catalogue as shown (``feature_frame``).
    name_column : str
        Names in the page's language (falling back to English).

    Returns
    -------
    list of tuple
        Every feature but programmes with no single location.
    """
    drawable = features[features["kind"].isin(DRAWABLE_KINDS)]
    labels = []
    for _, row in drawable.iterrows():
        name = row.get(name_column) or row.get("name_en") or row["id"]
        labels.append((str(row["id"]), f"{name} ({row['id']})"))
    return sorted(labels, key=lambda item: item[1].casefold())


def difference_percent(drawn: float | None, official: float | None) -> float | None:
    """How far the drawn area is from the official one, in percent of the official area."""
    if drawn is None or not official:
        return None
    return round((drawn - official) / official * 100, 1)


def region_index(regions: gpd.GeoDataFrame | None) -> RegionIndex | None:
    """The region look-up for drawn shapes, or ``None`` without a regions layer."""
    return RegionIndex(regions) if regions is not None and len(regions) else None
