"""Importing good files: each format read, repaired and planned; WDPA areas matched to the catalogue."""

from __future__ import annotations

import json
import math
import zipfile
from pathlib import Path

import geopandas as gpd
import openpyxl
import pyogrio
import pytest
import shapely
from pyproj import Transformer

from kzatlas.config import GEOMETRY_QUALITIES
from kzatlas.ingest import check_file, limits, with_mapping, with_provenance
from kzatlas.ingest.columns import guess_mapping, kind_from_text
from kzatlas.ingest.wdpa import is_wdpa_export, name_key

PROVENANCE = {"source_url": "https://example.org/data", "source_date": "2026-01-15"}
KORGALZHYN = (69.18889, 50.43369, 543171)
NAURZUM = (64.43889, 51.53346, 191381)
UTM42 = "EPSG:32642"


@pytest.fixture()
def check(features, regions, sandbox):
    def run(path: Path, **kwargs):
        kwargs.setdefault("provenance", PROVENANCE)
        return check_file(path, path.name, catalogue_features=features, regions=regions, **kwargs)

    return run


def octagon(x: float, y: float, radius: float, swap: bool = False) -> shapely.Polygon:
    points = [(x + radius * math.cos(math.pi * k / 4 + 0.2), y + radius * math.sin(math.pi * k / 4 + 0.2)) for k in range(8)]
    if swap:  # two neighbours swapped: the ring crosses itself
        points[2], points[3] = points[3], points[2]
    return shapely.Polygon(points)


def utm_octagon(lon: float, lat: float, hectares: float, swap: bool = False) -> shapely.Polygon:
    x, y = Transformer.from_crs("EPSG:4326", UTM42, always_xy=True).transform(lon, lat)
    radius = math.sqrt(hectares * 10_000 / (2 * math.sqrt(2)))
    return octagon(x, y, radius, swap)


# ------------------------------------------------------------------ geometry formats


def test_geojson_polygons_and_points_become_additions(tmp_path, check):
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "Tengiz wetland site", "kind": "undp_site", "year": 2021, "themes": "biodiversity;water"},
                "geometry": {"type": "Point", "coordinates": [69.4, 50.4]},
            },
            {
                "type": "Feature",
                "properties": {"name": "Steppe restoration plot", "kind": "UNDP project site", "budget": "1 250 000"},
                "geometry": shapely.geometry.mapping(octagon(66.0, 49.0, 0.1)),
            },
        ],
    }
    path = tmp_path / "sites.geojson"
    path.write_text(json.dumps(collection))
    plan = check(path)
    assert plan.refused is None and plan.format == "geojson"
    assert [row.action for row in plan.rows] == ["add", "add"]
    first, second = (row.record for row in plan.rows)
    assert first["geometry_quality"] == "point" and first["themes"] == "biodiversity;water"
    assert first["region_codes"] == "KZ-11" and first["year"] == 2021
    assert second["geometry_quality"] == "digitised" and second["budget_usd"] == 1_250_000
    assert second["area_drawn_ha"] > 0
    assert plan.rows[0].feature_id == f"imp-{plan.source_sha256[:8]}-1"
    assert plan.counts() == {"features": 2, "accepted": 2, "repaired": 0, "noted": 0, "rejected": 0, "added": 2, "updated": 0, "changed": 0, "left": 0}
    assert len(plan.records()) == 2
    json.dumps(plan.to_json())


def test_geopackage_with_heights_drops_z(tmp_path, check):
    frame = gpd.GeoDataFrame(
        {"title": ["Charyn visitor centre"], "type": ["undp_site"]},
        geometry=[shapely.Point(79.07, 43.35, 950.0)],
        crs="EPSG:4326",
    )
    path = tmp_path / "centres.gpkg"
    pyogrio.write_dataframe(frame, path)
    plan = check(path)
    row = plan.rows[0]
    assert row.action == "add" and not row.record["geometry"].has_z
    assert any("Z dropped" in note for note in row.repairs)
    assert plan.counts()["repaired"] == 1


def _zip_shapefile(frame: gpd.GeoDataFrame, folder: Path, name: str, skip: tuple[str, ...] = ()) -> Path:
    pyogrio.write_dataframe(frame, folder / f"{name}.shp")
    archive = folder / f"{name}.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as handle:
        for part in folder.glob(f"{name}.*"):
            if part.suffix != ".zip" and part.suffix not in skip:
                handle.write(part, f"data/{part.name}")
    return archive


def test_zipped_shapefile_in_utm_is_reprojected(tmp_path, check):
    frame = gpd.GeoDataFrame(
        {"name": ["Korgalzhyn buffer plot"], "kind": ["undp_site"]},
        geometry=[utm_octagon(69.3, 50.5, 5000)],
        crs=UTM42,
    )
    plan = check(_zip_shapefile(frame, tmp_path, "plots"))
    row = plan.rows[0]
    assert plan.format == "shapefile" and row.action == "add"
    assert "reprojected from EPSG:32642 to EPSG:4326" in row.repairs
    lon, lat = row.record["geometry"].centroid.coords[0]
    assert abs(lon - 69.3) < 0.05 and abs(lat - 50.5) < 0.05
    assert row.record["area_drawn_ha"] == pytest.approx(5000, rel=0.01)


def test_kml_placemarks_take_a_default_kind(tmp_path, check):
    kml = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document>
<Placemark><name>Kokshetau ranger post</name><description>New post</description>
<Point><coordinates>69.4,53.1,0</coordinates></Point></Placemark>
</Document></kml>"""
    path = tmp_path / "posts.kml"
    path.write_text(kml)
    plan = check(path)
    assert plan.rows[0].action == "reject" and "no kind" in plan.rows[0].reasons[0]
    plan = check(path, defaults={"kind": "undp_site"})
    row = plan.rows[0]
    assert row.action == "add" and row.record["name_en"] == "Kokshetau ranger post"
    assert row.record["notes"] == "New post" and row.record["geometry_quality"] == "point"


# ------------------------------------------------------------------ spreadsheets


def test_csv_with_russian_headers_and_semicolons(tmp_path, check):
    path = tmp_path / "points.csv"
    path.write_text("Название;широта;долгота;тип;год\nОзеро Тенгиз;50,4;69,2;undp_site;2019\n", encoding="utf-8")
    plan = check(path)
    assert plan.mapping["name_ru"] == "Название" and plan.mapping["latitude"] == "широта"
    row = plan.rows[0]
    assert row.action == "add" and row.record["name_ru"] == "Озеро Тенгиз"
    assert row.record["geometry"].equals(shapely.Point(69.2, 50.4)) and row.record["year"] == 2019


def test_csv_with_regions_only_places_no_point(tmp_path, check):
    path = tmp_path / "regions.csv"
    path.write_text(
        "name,region,kind\n"
        "Akmola programme office,Akmola Region,undp_site\n"
        "Костанай,Костанайская область,undp_site\n"
        "Turkistan pilot,Түркістан облысы,undp_site\n"
        "Pavlodar pilot,KZ-55,undp_site\n"
        "Kyzylorda pilot,KZ-KZY,undp_site\n"
        "Old Almaty oblast,KZ-ALM,undp_site\n"
        "Nowhere,Atlantis,undp_site\n",
        encoding="utf-8",
    )
    plan = check(path)
    codes = [row.record["region_codes"] if row.record else None for row in plan.rows]
    assert codes[:5] == ["KZ-11", "KZ-39", "KZ-61", "KZ-55", "KZ-43"]
    for row in plan.rows[:5]:
        assert row.record["geometry"] is None and row.record["geometry_quality"] == "region"
    assert "region" in GEOMETRY_QUALITIES
    assert "before 2022" in plan.rows[5].reasons[0]
    assert "not a region of Kazakhstan" in plan.rows[6].reasons[0]
    assert plan.counts()["rejected"] == 2


def test_xlsx_sites_with_dates_and_numbers(tmp_path, check):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Site", "Latitude", "Longitude", "Kind", "Budget", "Source URL", "Source date"])
    import datetime as dt

    sheet.append(["Balkhash pilot", 46.8, 74.9, "undp_site", 250000, "https://example.org/b", dt.datetime(2025, 3, 1)])
    path = tmp_path / "sites.xlsx"
    workbook.save(path)
    plan = check(path, provenance={})
    row = plan.rows[0]
    assert row.action == "add" and row.record["source_date"] == "2025-03-01"
    assert row.record["budget_usd"] == 250000 and row.record["source_url"] == "https://example.org/b"
    assert plan.missing_provenance() == [] and len(plan.records()) == 1


def test_provenance_cannot_be_skipped(tmp_path, check):
    path = tmp_path / "p.csv"
    path.write_text("name,lat,lon,kind\nA site,48,70,undp_site\n")
    plan = check(path, provenance={})
    assert plan.records() == []
    assert plan.missing_provenance() == ["a source (web address or title)", "the source's date (YYYY-MM-DD)"]
    complete = with_provenance(plan, {"source_title": "Field survey", "source_date": "2026-02-01"})
    assert complete.missing_provenance() == [] and complete.records()[0]["source_title"] == "Field survey"
    bad = with_provenance(plan, {"source_url": "javascript:alert(1)", "source_date": "2026-02-01"})
    assert "the source address must be an http(s) web address" in bad.missing_provenance()


def test_mapping_can_be_changed(tmp_path, check):
    path = tmp_path / "m.csv"
    path.write_text("label,lat,lon,category\nA site,48,70,undp_site\n")
    plan = check(path)
    assert plan.mapping["name_en"] is None and plan.rows[0].action == "reject"
    fixed = with_mapping(plan, {"name_en": "label", "kind": "category"})
    assert fixed.rows[0].action == "add" and fixed.rows[0].record["name_en"] == "A site"
    again = check(path, mapping={"name_en": "label", "kind": "category"})
    assert again.rows[0].record["name_en"] == "A site"
    assert check(path, mapping={"name_en": "missing"}).mapping_problems


def test_catalogue_names_are_left_alone(tmp_path, check):
    path = tmp_path / "dup.csv"
    path.write_text("name,lat,lon,kind\nNaurzum State Nature Reserve,51.5,64.4,strict_nature_reserve\n")
    row = check(path).rows[0]
    assert row.action == "leave" and row.feature_id == "pa-naurzum"


# ------------------------------------------------------------------ WDPA


def wdpa_frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "WDPAID": [555001, 555002, 555003],
            "NAME": ["Korgalzhynskiy", "Naurzumskiy", "Tounsor"],
            "ORIG_NAME": ["Коргалжынский", "Наурзумский", "Тоунсор"],
            "DESIG_ENG": ["State Nature Reserve", "Zapovednik", "Zakaznik"],
            "IUCN_CAT": ["Ia", "Ia", "IV"],
            "REP_AREA": [5431.71, 1913.81, 300.0],
            "STATUS_YR": [1968, 1931, 1990],
        },
        geometry=[
            utm_octagon(*KORGALZHYN[:2], KORGALZHYN[2] * 0.95),
            utm_octagon(*NAURZUM[:2], NAURZUM[2], swap=True),
            utm_octagon(64.0, 50.0, 30000),
        ],
        crs=UTM42,
    )


def test_wdpa_export_is_recognised_and_matched(tmp_path, check):
    path = tmp_path / "WDPA_KAZ.gpkg"
    pyogrio.write_dataframe(wdpa_frame(), path)
    plan = check(path)
    assert plan.is_wdpa and plan.refused is None
    assert any("records no WDPA ids" in note for note in plan.notes)
    korgalzhyn, naurzum, zakaznik = plan.rows
    assert (korgalzhyn.action, korgalzhyn.feature_id) == ("change", "pa-korgalzhyn")
    assert (naurzum.action, naurzum.feature_id) == ("change", "pa-naurzum")
    assert zakaznik.action == "leave" and "Zakaznik" in zakaznik.notes[-1]
    match = korgalzhyn.match
    assert match["how"] == "name" and match["official_area_ha"] == KORGALZHYN[2]
    assert match["reported_area_ha"] == pytest.approx(543171)
    assert match["drawn_area_ha"] == pytest.approx(KORGALZHYN[2] * 0.95, rel=0.01)
    assert match["difference_pct"] == pytest.approx(-5.0, abs=1.0)
    assert "reprojected from EPSG:32642 to EPSG:4326" in korgalzhyn.repairs
    assert any(note.startswith("invalid geometry repaired (self-intersection; area") for note in naurzum.repairs)
    record = korgalzhyn.record
    assert record["geometry_quality"] == "surveyed" and record["name_ru"].startswith("Коргалжынский государственный")
    assert "https://www.protectedplanet.net/555001" in record["links"]
    assert "WDPA_KAZ.gpkg" in record["sources_json"]
    # Matches are saved only once confirmed.
    assert plan.records() == []
    saved = plan.records(confirmed_ids={"pa-korgalzhyn"})
    assert [r["id"] for r in saved] == ["pa-korgalzhyn"] and saved[0]["geometry"].geom_type == "Polygon"
    assert {m["catalogue_id"] for m in plan.matches()} == {"pa-korgalzhyn", "pa-naurzum"}


def test_wdpa_geojson_in_lonlat(tmp_path, check):
    frame = wdpa_frame().to_crs("EPSG:4326").iloc[[0]]
    path = tmp_path / "wdpa.geojson"
    path.write_text(frame.to_json())
    plan = check(path)
    assert plan.rows[0].match["catalogue_id"] == "pa-korgalzhyn"
    assert not any(note.startswith("reprojected") for note in plan.rows[0].repairs)


def test_wdpa_match_by_recorded_id(tmp_path, features, regions, sandbox):
    frame = wdpa_frame().to_crs("EPSG:4326").iloc[[0]]
    path = tmp_path / "wdpa.geojson"
    path.write_text(frame.to_json())
    tagged = features.copy()
    tagged.loc[tagged["id"] == "pa-naurzum", "links"] = "https://www.protectedplanet.net/555001"
    plan = check_file(path, path.name, catalogue_features=tagged, regions=regions, provenance=PROVENANCE)
    assert plan.rows[0].match["catalogue_id"] == "pa-naurzum" and plan.rows[0].match["how"] == "WDPA id"


def test_helpers():
    assert is_wdpa_export(["WDPAID", "NAME", "DESIG_ENG", "REP_AREA"]) and not is_wdpa_export(["name", "lat"])
    assert name_key("Наурзумский государственный природный заповедник") == name_key("Naurzum State Nature Reserve")
    assert kind_from_text("State National Nature Park") == "national_park"
    assert kind_from_text("Rezervat") == "nature_reserve" and kind_from_text("Zakaznik") is None
    mapping = guess_mapping(["NAME", "ORIG_NAME", "REP_AREA", "ендік", "бойлық", "облысы"], [{"ORIG_NAME": "Қорғалжын"}])
    assert mapping["name_kk"] == "ORIG_NAME" and mapping["area_km2"] == "REP_AREA"
    assert (mapping["latitude"], mapping["longitude"], mapping["region"]) == ("ендік", "бойлық", "облысы")


# ------------------------------------------------------------------ isolation


def test_a_slow_reader_is_stopped(tmp_path, check, monkeypatch):
    path = tmp_path / "slow.csv"
    path.write_text("name,lat,lon\nA,48,70\n")
    monkeypatch.setattr(limits, "PARSE_TIMEOUT_SECONDS", 0.001)
    plan = check(path)
    assert plan.refused == "reading the file took longer than 0.001 seconds; it was stopped"


def test_a_reader_out_of_memory_is_a_refusal(tmp_path, check, monkeypatch):
    path = tmp_path / "big.geojson"
    features = [{"type": "Feature", "properties": {"n": "x" * 200}, "geometry": {"type": "Point", "coordinates": [70, 48]}}] * 20000
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    monkeypatch.setattr(limits, "PARSE_MEMORY_BYTES", 120 * 1024 * 1024)
    plan = check(path)
    assert plan.refused and ("memory" in plan.refused or "stopped" in plan.refused)
