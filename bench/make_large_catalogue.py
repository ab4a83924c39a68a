"""A large, deterministic geodata folder for the benchmarks and the large-catalogue tests.

``make_large_catalogue(target)`` copies the bundled ``geodata/`` to ``target`` and then:

* adds ``sites`` synthetic UNDP sites (default 10,000): points inside a random region of
  Kazakhstan (the region drawn with a chance proportional to its area), with that region's
  code, one to three known themes, names in the three languages, a year, a budget and a source;
* redraws every protected area as a detailed polygon around its own position, with as many
  vertices as it takes for the layer to hold at least ``vertices`` (default 1,000,000): a
  wavy outline with metre-scale noise, always a valid simple polygon;
* recomputes the manifest's row counts and SHA-256 sums, so ``kzatlas.catalog.load_catalogue``
  accepts the folder in full.

Everything comes from one seeded random generator: the same arguments give the same bytes.

Run: ``.venv/bin/python bench/make_large_catalogue.py /tmp/kz-large`` and start the app with
``KZATLAS_GEODATA_DIR=/tmp/kz-large``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import shutil
import sys
from pathlib import Path

import numpy as np
import shapely

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kzatlas.config import GEODATA_DIR  # noqa: E402
from kzatlas.i18n import THEME_LABELS  # noqa: E402

SEED = 20261127
SITES = 10_000
VERTICES = 1_000_000
DECIMALS = 6
SITE_PREFIX = "undp-bench-"
THEMES = tuple(sorted(THEME_LABELS))
PLACES = ("Lake", "Valley", "Steppe", "Forest", "River", "Oasis", "Hills", "Delta", "Plateau", "Gorge")
PLACES_RU = ("Озеро", "Долина", "Степь", "Лес", "Река", "Оазис", "Холмы", "Дельта", "Плато", "Ущелье")
PLACES_KK = ("Көл", "Аңғар", "Дала", "Орман", "Өзен", "Оазис", "Төбелер", "Атырау", "Үстірт", "Шатқал")
WORK = ("restoration", "monitoring", "water use", "energy efficiency", "community forestry", "rangeland care")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _write(path: Path, document: dict) -> None:
    path.write_text(json.dumps(document, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _points_in_regions(regions: dict, count: int, rng: np.random.Generator) -> list[tuple[float, float, str]]:
    """``count`` points ``(lng, lat, iso_code)`` spread over the regions by their area."""
    shapes = [shapely.geometry.shape(feature["geometry"]) for feature in regions["features"]]
    codes = [feature["properties"]["iso_code"] for feature in regions["features"]]
    areas = np.array([shape.area for shape in shapes])
    chosen = rng.choice(len(shapes), size=count, p=areas / areas.sum())
    points: list[tuple[float, float, str]] = [None] * count  # type: ignore[list-item]
    for index, shape in enumerate(shapes):
        slots = np.flatnonzero(chosen == index)
        if not len(slots):
            continue
        shapely.prepare(shape)
        minx, miny, maxx, maxy = shape.bounds
        found: list[tuple[float, float]] = []
        while len(found) < len(slots):
            xs = rng.uniform(minx, maxx, size=2 * len(slots) + 16)
            ys = rng.uniform(miny, maxy, size=2 * len(slots) + 16)
            inside = shapely.contains_xy(shape, xs, ys)
            found += list(zip(xs[inside], ys[inside]))
        for slot, (x, y) in zip(slots, found):
            points[slot] = (round(float(x), 5), round(float(y), 5), codes[index])
    return points


def _site_feature(number: int, point: tuple[float, float, str], template: dict, rng: np.random.Generator) -> dict:
    lng, lat, code = point
    place = int(rng.integers(len(PLACES)))
    work = WORK[int(rng.integers(len(WORK)))]
    themes = rng.choice(len(THEMES), size=int(rng.integers(1, 4)), replace=False)
    year = int(rng.integers(1995, 2026))
    properties = dict(template["properties"])
    properties.update(
        id=f"{SITE_PREFIX}{number:05d}",
        name_en=f"{PLACES[place]} {work} site {number}",
        name_ru=f"{PLACES_RU[place]}: площадка {number}",
        name_kk=f"{PLACES_KK[place]}: алаң {number}",
        kind="undp_site",
        themes=";".join(THEMES[i] for i in sorted(themes)),
        region_codes=code,
        year=year,
        years=str(year),
        area_ha=None,
        area_drawn_ha=None,
        undp_supported=True,
        budget_usd=float(rng.integers(10, 500) * 1000),
        location_name=f"Synthetic benchmark site {number}",
        notes=f"Synthetic site for benchmarks: {work}, started {year}.",
        geometry_quality="approximate",
        geometry_method="Synthetic point drawn inside its region for the benchmarks.",
    )
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lng, lat]}, "properties": properties}


def _detailed_outline(centre: tuple[float, float], area_ha: float, vertices: int, rng: np.random.Generator) -> dict:
    """A wavy closed ring of ``vertices`` points around ``centre`` enclosing about ``area_ha``.

    The radius stays positive at every angle, so the ring never crosses itself.
    """
    lng, lat = centre
    radius_km = math.sqrt(max(area_ha, 1000.0) / 100.0 / math.pi)
    angles = np.linspace(0.0, 2 * math.pi, vertices, endpoint=False)
    phases = rng.uniform(0, 2 * math.pi, size=4)
    wave = (
        1.0
        + 0.18 * np.sin(3 * angles + phases[0])
        + 0.08 * np.sin(7 * angles + phases[1])
        + 0.04 * np.sin(19 * angles + phases[2])
        + 0.015 * np.sin(61 * angles + phases[3])
        + 0.004 * np.sin(347 * angles)
    )
    noise = rng.normal(0.0, 0.0003, size=vertices)  # a few metres, as in a surveyed boundary
    radius = radius_km * (wave + noise)
    dlat = radius * np.sin(angles) / 111.32
    dlng = radius * np.cos(angles) / (111.32 * math.cos(math.radians(lat)))
    ring = np.column_stack([np.round(lng + dlng, DECIMALS), np.round(lat + dlat, DECIMALS)])
    ring = np.vstack([ring, ring[:1]])
    polygon = shapely.Polygon(ring)
    if not polygon.is_valid:  # rounding can fold two neighbours; drop the folded vertices
        polygon = shapely.Polygon(shapely.remove_repeated_points(polygon).exterior.coords)
        polygon = polygon if polygon.is_valid else shapely.make_valid(polygon).geoms[0]
    return json.loads(shapely.to_geojson(polygon))


def make_large_catalogue(target: Path, sites: int = SITES, vertices: int = VERTICES, seed: int = SEED) -> Path:
    """Write the bundled geodata plus ``sites`` UNDP sites and detailed protected areas to ``target``.

    Parameters
    ----------
    target : Path
        A folder that does not exist yet.
    sites : int
        How many synthetic UNDP sites to add.
    vertices : int
        The least number of vertices the protected areas hold in all (0 keeps the bundled shapes).
    seed : int
        The random generator's seed.

    Returns
    -------
    Path
        ``target``, a geodata folder that loads in full.
    """
    rng = np.random.default_rng(seed)
    shutil.copytree(GEODATA_DIR, target)
    manifest_path = target / "manifest.json"
    manifest = _read(manifest_path)
    layers = manifest["layers"]

    sites_path = target / layers["undp_sites"]["file"]
    document = _read(sites_path)
    template = next(f for f in document["features"] if f["geometry"] and f["properties"]["kind"] == "undp_site")
    points = _points_in_regions(_read(target / layers["regions"]["file"]), sites, rng)
    document["features"] += [_site_feature(n + 1, point, template, rng) for n, point in enumerate(points)]
    _write(sites_path, document)
    layers["undp_sites"]["row_count"] = len(document["features"])

    if vertices:
        areas_path = target / layers["protected_areas"]["file"]
        document = _read(areas_path)
        drawn = [feature for feature in document["features"] if feature["geometry"]]
        each = math.ceil(vertices / len(drawn)) + 8
        for feature in drawn:
            shape = shapely.geometry.shape(feature["geometry"])
            point = shape.representative_point()
            area = feature["properties"].get("area_ha") or feature["properties"].get("area_drawn_ha") or 50_000
            feature["geometry"] = _detailed_outline((point.x, point.y), float(area), each, rng)
        _write(areas_path, document)

    for record in layers.values():
        record["sha256"] = _sha256(target / record["file"])
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", type=Path, help="folder to create (must not exist)")
    parser.add_argument("--sites", type=int, default=SITES)
    parser.add_argument("--vertices", type=int, default=VERTICES)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    make_large_catalogue(args.target, args.sites, args.vertices, args.seed)
    print(args.target)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
