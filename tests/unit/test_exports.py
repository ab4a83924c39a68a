"""Downloads carry citation, licence, version and disclaimer, and are safe to open."""

from __future__ import annotations

import csv
import io
import json

import pyogrio

from kzatlas import exports
from kzatlas.analysis import Filters, filter_features
from kzatlas.config import GEODATA_DIR, UN_DISCLAIMER

BUNDLED_VERSION = json.loads((GEODATA_DIR / "manifest.json").read_text(encoding="utf-8"))["data_version"]


def citation(bundled):
    return exports.catalogue_citation(bundled, "Test export", "2026-11-23", "q=Naurzum")


def test_csv_has_citation_lines_rows_and_defused_formulas(bundled, features):
    frame = features.copy()
    frame.loc[frame.index[0], "name_en"] = '=HYPERLINK("http://evil","click")'
    data = exports.csv_bytes(frame, citation(bundled)).decode("utf-8-sig")
    header = [line for line in data.splitlines() if line.startswith("#")]
    assert any(f"data version {BUNDLED_VERSION}" in line for line in header)
    assert any(UN_DISCLAIMER in line for line in header)
    assert any(line.startswith("# Licence:") for line in header)
    rows = list(csv.DictReader(io.StringIO("\n".join(text for text in data.splitlines() if not text.startswith("#")))))
    assert len(rows) == len(frame)
    assert rows[0]["name_en"].startswith("'=HYPERLINK")
    naurzum = next(r for r in rows if r["id"] == "pa-naurzum")
    assert naurzum["area_ha"] == "191381.0" and naurzum["source_url"].startswith("http")
    assert float(naurzum["latitude"]) > 50


def test_geojson_has_metadata_and_every_feature(bundled, features):
    matching = filter_features(features, Filters(name_query="Naurzum"))
    document = json.loads(exports.geojson_bytes(matching, citation(bundled)))
    assert document["metadata"]["data_version"] == BUNDLED_VERSION
    assert document["metadata"]["disclaimer"] == UN_DISCLAIMER
    assert document["metadata"]["filters"] == "q=Naurzum"
    [feature] = document["features"]
    assert feature["properties"]["id"] == "pa-naurzum" and feature["geometry"]["type"] == "Polygon"


def test_unlocated_items_export_with_null_geometry(bundled, features):
    document = json.loads(exports.geojson_bytes(features, citation(bundled)))
    seed_bank = next(f for f in document["features"] if f["properties"]["id"] == "undp-forest-seed-bank")
    assert seed_bank["geometry"] is None


def test_geopackage_of_the_whole_catalogue_has_every_layer_and_the_citation(bundled, tmp_path):
    data = exports.gpkg_bytes(exports.catalogue_layers(bundled), citation(bundled))
    path = tmp_path / "catalogue.gpkg"
    path.write_bytes(data)
    layers = {name for name, _ in pyogrio.list_layers(path)}
    assert layers == {"regions", "protected_areas", "corridors", "undp_sites"}
    info = pyogrio.read_info(path, layer="protected_areas")
    assert info["features"] == 31
    assert info["layer_metadata"]["DISCLAIMER"] == UN_DISCLAIMER
    assert info["layer_metadata"]["DATA_VERSION"] == BUNDLED_VERSION
    sites = pyogrio.read_dataframe(path, layer="undp_sites")
    assert sites.geometry.isna().sum() == 8  # unlocated items keep their row, without geometry
