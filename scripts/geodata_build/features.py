"""The feature layers: protected areas, corridors and UNDP sites from the curated records."""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point

from kzatlas.catalog import FEATURE_COLUMNS, LIST_SEPARATOR, NAME_ORIGIN_COLUMNS, TRANSLATED_TEXT_COLUMNS
from kzatlas.config import (
    CRS,
    EQUAL_AREA_CRS,
    KIND_CORRIDOR,
    LANGUAGES,
    NAME_COLUMNS,
)
from kzatlas.i18n import translated_column
from scripts.geodata_build.shapes import (
    BORDER_CLIP_SHARE,
    circle_of_area,
    clip_to_country,
    corridor_band,
    equal_area_hectares,
    hectares_of,
    round_coordinates,
)
from scripts.geodata_build.sources import joined, source_columns

# ---------------------------------------------------------------- features


def record_fields(rec: dict) -> dict:
    """The fields every curated record carries the same way: id, names and their origins, regions, texts, sources.

    Each free text of :data:`TRANSLATED_TEXT_COLUMNS` comes with its translation in every other
    language (``notes_ru``...; a list field item for item, ``;``-joined like the English one).
    """
    return {
        "id": rec["id"],
        **{column: rec.get(column) or "" for column in (*NAME_COLUMNS, *NAME_ORIGIN_COLUMNS)},
        "region_codes": joined(rec.get("regions")),
        **{
            translated_column(column, language): text_value(rec.get(translated_column(column, language)))
            for column in TRANSLATED_TEXT_COLUMNS
            for language in LANGUAGES
        },
        **source_columns(rec.get("sources")),
    }


def text_value(value) -> str:
    """A curated text as a column value: a list (partners, donors, links) ``;``-joined, missing as ``""``."""
    return joined(value) if isinstance(value, list) else (value or "")


def empty_feature(**values) -> dict:
    row = {col: ("" if dtype == "str" else None) for col, dtype in FEATURE_COLUMNS.items()}
    row["undp_supported"] = False
    row.update(values)
    return row


# Themes a reserve's or park's official designation names (in English or Russian): a "State Forest
# Nature Reserve" (государственный лесной природный резерват) is about forests.
DESIGNATION_THEMES = {"forest": "forests", "лесной": "forests"}
RAMSAR_THEME = "water"


def protected_area_themes(rec: dict) -> list[str]:
    """Biodiversity and protected areas, the themes its designation names, and any the record lists."""
    designation = " ".join(str(rec.get(column) or "") for column in ("name_en", "name_ru")).casefold()
    named = [theme for word, theme in DESIGNATION_THEMES.items() if word in designation]
    # A wetland of international importance (its record names the Ramsar site) is about water.
    if "ramsar site" in " ".join(str(rec.get(column) or "") for column in ("notes", "area_note")).casefold():
        named.append(RAMSAR_THEME)
    return list(dict.fromkeys(["biodiversity", "protected_areas", *named, *(rec.get("themes") or [])]))


def build_protected_areas(sources: dict, country=None) -> gpd.GeoDataFrame:
    """Reserves and parks; a circle that crosses the national border is cut to it."""
    records = sources["protected_areas_reserves.json"] + sources["protected_areas_parks.json"]
    rows = []
    for rec in records:
        lat, lon, area = rec.get("lat"), rec.get("lon"), rec.get("area_ha")
        if lat is not None and lon is not None and area:
            circle = circle_of_area(lat, lon, area)
            geometry = clip_to_country(circle, country)
            quality = "approximate"
            method = (
                "Circle of the official area centred on the published coordinate; "
                "the real boundary is not available here and differs in shape and position."
            )
            if geometry is not None and hectares_of(geometry) < hectares_of(circle) * (1 - BORDER_CLIP_SHARE):
                method = (
                    "Circle of the official area at the published coordinate, clipped to the national border and coast "
                    "(so the drawn area is smaller than the official one); the real boundary is not available "
                    "here and differs in shape and position."
                )
        elif lat is not None and lon is not None:
            geometry, quality = Point(lon, lat), "point"
            method = "Published coordinate only; no official area to draw."
        else:
            geometry, quality = None, "none"
            method = "No published coordinate: listed without a map position."
        rows.append(
            empty_feature(
                **record_fields(rec),
                kind=rec["kind"],
                themes=joined(protected_area_themes(rec)),
                year=rec.get("established"),
                years=joined([rec.get("established")]),
                area_ha=area,
                area_history_json=json.dumps(rec["area_history"], ensure_ascii=False, sort_keys=True)
                if rec.get("area_history") else "",
                iucn_category=rec.get("iucn_category") or "",
                undp_supported=bool(rec.get("undp_supported")),
                geometry_quality=quality,
                geometry_method=method,
                coord_source=rec.get("coord_source") or "",
                geometry=geometry,
            )
        )
    return finish_features(rows)


def build_corridors(sources: dict, country=None) -> gpd.GeoDataFrame:
    """Corridors as schematic bands (see :func:`corridor_band`)."""
    rows = []
    for rec in sources["corridors.json"]:
        points = rec.get("path_points") or []
        if len(points) >= 2:
            geometry, method = corridor_band(points, rec.get("area_ha"), country)
            quality = "schematic"
        else:
            geometry, method, quality = None, "No published places to draw it along: listed only.", "none"
        rows.append(
            empty_feature(
                **record_fields(rec),
                kind=KIND_CORRIDOR,
                themes=joined(["biodiversity", "ecological_connectivity"]),
                year=rec.get("established"),
                years=joined([rec.get("established")]),
                area_ha=rec.get("area_ha"),
                undp_supported=rec.get("undp_supported", True),
                relationship=rec.get("relationship") or "",
                geometry_quality=quality,
                geometry_method=method,
                coord_source=joined(rec.get("path_point_sources")),
                geometry=geometry,
            )
        )
    return finish_features(rows)


# A region a corridor's band covers at least this share of is listed with the corridor.
BAND_REGION_SHARE = 0.01


def add_band_regions(corridors: gpd.GeoDataFrame, regions: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """List with each corridor every region its drawn band covers at least ``BAND_REGION_SHARE`` of.

    The sources name the regions a corridor was planned in; the band as drawn can reach further
    (Kapshagay-Balkhash into Jetisu), and a filter by region should find it there too.
    """
    frame = corridors.copy()
    areas = regions.set_index("iso_code").geometry.to_crs(EQUAL_AREA_CRS)
    bands = frame.geometry.to_crs(EQUAL_AREA_CRS)
    for index, row in frame.iterrows():
        band = bands.loc[index]
        if band is None or band.is_empty or band.area == 0:
            continue
        shares = areas.intersection(band).area / band.area
        covered = sorted(str(code) for code, share in shares.items() if share >= BAND_REGION_SHARE)
        listed = [code for code in str(row["region_codes"] or "").split(LIST_SEPARATOR) if code]
        frame.at[index, "region_codes"] = LIST_SEPARATOR.join(dict.fromkeys([*listed, *covered]))
    return frame


def build_undp_sites(sources: dict) -> gpd.GeoDataFrame:
    rows = []
    for rec in sources["undp_sites.json"]:
        lat, lon = rec.get("lat"), rec.get("lon")
        located = lat is not None and lon is not None
        years = rec.get("years") or []
        if not located:
            quality, method = "none", "Location not verifiable: listed without a map position."
        elif rec.get("coord_precision") == "city":
            quality = "approximate"
            method = "The city's published coordinate: sources name the city but not the site's own position."
        else:
            quality, method = "point", "Published coordinate of the place."
        rows.append(
            empty_feature(
                **record_fields(rec),
                kind=rec["kind"],
                themes=joined(rec.get("themes")),
                year=rec.get("start_year") or (min(years) if years else None),
                years=joined(sorted(set(years))),
                end_year=rec.get("end_year"),
                undp_supported=rec.get("undp_supported", True),
                relationship=rec.get("relationship") or "",
                budget_usd=rec.get("budget_usd"),
                geometry_quality=quality,
                geometry_method=method,
                coord_source=rec.get("coord_source") or "",
                geometry=Point(lon, lat) if located else None,
            )
        )
    return finish_features(rows)


def finish_features(rows: list[dict]) -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)
    frame["geometry"] = frame.geometry.map(round_coordinates)
    polygonal = frame.geometry.geom_type.isin(["Polygon", "MultiPolygon"])
    frame["area_drawn_ha"] = equal_area_hectares(frame.geometry).where(polygonal)
    for col in ("year", "end_year"):
        frame[col] = pd.array(frame[col], dtype="Int64")
    for col in ("area_ha", "budget_usd", "area_drawn_ha"):
        frame[col] = pd.to_numeric(frame[col], errors="raise").astype("float64")
    frame = frame.sort_values("id").reset_index(drop=True)
    return frame[list(FEATURE_COLUMNS) + ["geometry"]]
