"""The bundled geodata holds to its manifest, and broken data fails loudly but locally."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import shapely

from kzatlas import catalog
from kzatlas.config import (
    CRS,
    FEATURE_LAYERS,
    GEODATA_DIR,
    GEOMETRY_QUALITIES,
    KAZAKHSTAN_AREA_KM2,
    KINDS,
)

REGION_CODES = {
    "KZ-10", "KZ-11", "KZ-15", "KZ-19", "KZ-23", "KZ-27", "KZ-31", "KZ-33", "KZ-35", "KZ-39",
    "KZ-43", "KZ-47", "KZ-55", "KZ-59", "KZ-61", "KZ-62", "KZ-63", "KZ-71", "KZ-75", "KZ-79",
}  # fmt: skip


def test_every_layer_in_the_manifest_loads_without_problems(bundled):
    assert bundled.problems == []
    assert set(bundled.layers) == {"regions", *FEATURE_LAYERS}


@pytest.mark.parametrize("name", ["regions", *FEATURE_LAYERS])
def test_layer_file_conforms_to_its_manifest_record(bundled, name):
    record = bundled.manifest.layers[name]
    path = GEODATA_DIR / record.file
    assert catalog.file_sha256(path) == record.sha256
    frame = bundled.layers[name]
    assert list(frame.columns.drop("geometry")) == list(record.columns)
    assert frame.crs.to_string() == CRS == record.crs
    assert len(frame) == record.row_count
    assert frame[record.id_column].is_unique
    present = frame.geometry.notna()
    assert set(frame.geometry[present].geom_type) <= set(record.geometry_types)
    assert shapely.is_valid(frame.geometry[present].values).all()
    for column, dtype in record.columns.items():
        series = frame[column]
        expected = {"str": "object", "int": "Int64", "float": "float64", "bool": "bool"}[dtype]
        assert str(series.dtype) in (expected, "str", "string") if dtype == "str" else str(series.dtype) == expected


def test_manifest_records_licence_source_and_vintage_for_every_layer(bundled):
    for record in bundled.manifest.layers.values():
        assert record.licence and record.vintage and record.sources
        assert all(source.get("url") for source in record.sources)


def test_every_feature_has_source_date_quality_and_valid_regions(features):
    assert (features["source_url"].str.startswith("http")).all()
    assert features["source_date"].str.match(r"^\d{4}-\d{2}-\d{2}$").all()
    assert set(features["geometry_quality"]) <= set(GEOMETRY_QUALITIES)
    assert set(features["kind"]) <= set(KINDS)
    for codes in features["region_codes"]:
        assert set(catalog.split_list(codes)) <= REGION_CODES
    for text in features["sources_json"]:
        sources = json.loads(text)
        # A source is an address, or a document (its title) whose original is not online; a copy
        # it could be read in stays in read_via and is never the cited address.
        assert sources and all((s["url"] or (s["title"] and s.get("read_via"))) and s["accessed"] for s in sources)


def test_features_without_a_position_are_flagged_not_guessed(features):
    no_geometry = features.geometry.isna()
    assert (features.loc[no_geometry, "geometry_quality"] == "none").all()
    assert not (features.loc[~no_geometry, "geometry_quality"] == "none").any()
    # A drawn shape for a protected area always comes from a published coordinate.
    drawn = features[~no_geometry & features["kind"].isin(["strict_nature_reserve", "nature_reserve", "national_park"])]
    assert (drawn["coord_source"].str.startswith("http")).all()


def test_approximate_areas_show_official_area_beside_drawn_area(features):
    polygons = features[features.geometry.geom_type.isin(["Polygon", "MultiPolygon"])]
    assert polygons["area_drawn_ha"].notna().all()
    circles = polygons[polygons["geometry_quality"] == "approximate"]
    assert circles["area_ha"].notna().all()
    # The circle has the official area (within the polygon approximation of a circle),
    # less what lies beyond the national border where it was clipped to it.
    ratio = circles["area_drawn_ha"] / circles["area_ha"]
    clipped = circles["geometry_method"].str.contains("clipped to the national border")
    assert ratio[~clipped].between(0.99, 1.01).all(), ratio[~clipped].describe()
    assert ratio[clipped].between(0.5, 0.99).all(), ratio[clipped].describe()


def test_undp_supported_areas_named_by_the_seed_are_flagged(features):
    named = {"pa-akzhayik", "pa-altyn-dala", "pa-ile-balkhash", "pa-buyratau", "pa-zhongar-alatau", "pa-tarbagatai"}
    flagged = set(features.loc[features["undp_supported"], "id"])
    assert named <= flagged


def test_protected_area_centres_lie_in_a_declared_region(features, regions):
    """Guards against a wrong coordinate or region code in the curated sources."""
    areas = features[features["geometry_quality"] == "approximate"]
    areas = areas[areas["kind"].isin(["strict_nature_reserve", "nature_reserve", "national_park"])]
    by_code = dict(zip(regions["iso_code"], regions.geometry))
    misplaced = []
    for _, row in areas.iterrows():
        centre = row.geometry.centroid
        declared = [by_code[code].buffer(0.05) for code in catalog.split_list(row["region_codes"])]
        if not any(shape.contains(centre) for shape in declared):
            misplaced.append(row["id"])
    assert misplaced == []


def test_regions_are_the_2022_division_with_names_and_full_area(regions):
    assert set(regions["iso_code"]) == REGION_CODES
    assert (regions["name_en"] != "").all() and (regions["name_ru"] != "").all() and (regions["name_kk"] != "").all()
    assert sorted(regions["kind"].unique()) == ["city", "region"]
    assert (regions["kind"] == "city").sum() == 3
    total = regions["area_km2"].sum()
    assert abs(total - KAZAKHSTAN_AREA_KM2) / KAZAKHSTAN_AREA_KM2 < 0.001


def test_missing_layer_file_is_reported_by_name_and_others_still_load(geodata_copy):
    (geodata_copy / "corridors.geojson").unlink()
    loaded = catalog.load_catalogue(geodata_copy)
    assert "corridors" not in loaded.layers
    assert {"regions", "protected_areas", "undp_sites"} <= set(loaded.layers)
    [problem] = loaded.problems
    assert problem.file == "corridors.geojson" and "corridors.geojson is missing" in problem.message
    assert str(geodata_copy) not in problem.message


def test_malformed_layer_file_is_reported_and_others_still_load(geodata_copy):
    (geodata_copy / "protected_areas.geojson").write_text(
        '{"type": "FeatureCollection", "features": [', encoding="utf-8"
    )
    loaded = catalog.load_catalogue(geodata_copy)
    assert "protected_areas" not in loaded.layers
    assert len(loaded.layers) == 3
    messages = [p.message for p in loaded.problems]
    assert any("protected_areas.geojson" in m for m in messages)
    assert all(str(geodata_copy) not in m for m in messages)


def test_layer_with_a_wrong_column_type_is_refused(geodata_copy):
    path = geodata_copy / "undp_sites.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["features"][0]["properties"]["year"] = "nineteen-ninety"
    path.write_text(json.dumps(data), encoding="utf-8")
    loaded = catalog.load_catalogue(geodata_copy)
    assert "undp_sites" not in loaded.layers
    assert any("column 'year' is not int" in p.message for p in loaded.problems)


@pytest.mark.parametrize("bad_id", ["pa-{{ 7*7 }}", "pa x", "<b>", "-leading"])
def test_a_layer_whose_ids_hold_unsafe_characters_is_refused(bundled, bad_id):
    record = bundled.manifest.layers["undp_sites"]
    frame = bundled.layers["undp_sites"].copy()
    frame.loc[frame.index[0], "id"] = bad_id
    problems = catalog.validate_layer(frame, record)
    assert any("ids with characters other than letters, digits" in problem for problem in problems), problems
    assert catalog.validate_layer(bundled.layers["undp_sites"], record) == []


def test_edited_file_that_still_conforms_is_not_shown(geodata_copy):
    path = geodata_copy / "corridors.geojson"
    path.write_bytes(path.read_bytes() + b"\n")
    loaded = catalog.load_catalogue(geodata_copy)
    assert "corridors" not in loaded.layers and len(loaded.layers) == 3
    [problem] = loaded.problems
    assert problem.fatal and problem.file == "corridors.geojson"
    assert problem.message.startswith("corridors.geojson was changed outside the build")
    assert str(geodata_copy) not in problem.message


def test_edited_table_is_not_used(geodata_copy):
    path = geodata_copy / "targets.json"
    path.write_bytes(path.read_bytes() + b"\n")
    loaded = catalog.load_catalogue(geodata_copy)
    assert "targets" not in loaded.tables and len(loaded.layers) == 4
    [problem] = loaded.problems
    assert problem.fatal and "targets.json was changed outside the build" in problem.message


def rewrite_feature(geodata: Path, file: str, feature_id: str, **changes) -> None:
    """Edit one feature's properties and record the new checksum, as a careless rebuild would."""
    path = geodata / file
    data = json.loads(path.read_text(encoding="utf-8"))
    id_column = "iso_code" if file == "regions.geojson" else "id"
    [feature] = [f for f in data["features"] if f["properties"][id_column] == feature_id]
    feature["properties"].update(changes)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    manifest_path = geodata / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["layers"][file.removesuffix(".geojson")]["sha256"] = catalog.file_sha256(path)
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")


@pytest.mark.parametrize(
    ("file", "feature_id", "changes", "label", "value"),
    [
        ("protected_areas.geojson", "pa-naurzum", {"kind": "castle<b>"}, "kind", "castle<b>"),
        ("undp_sites.geojson", "undp-siberian-pine-alley-astana", {"themes": "forests;war"}, "theme", "war"),
        ("corridors.geojson", None, {"region_codes": "KZ-39;KZ-99"}, "region code", "KZ-99"),
        ("regions.geojson", "KZ-39", {"iso_code": "KZ-00"}, "region code", "KZ-00"),
    ],
)
def test_feature_with_an_unknown_value_is_left_out_with_a_notice(geodata_copy, file, feature_id, changes, label, value):
    # An unknown kind in the data once broke the map explorer with a KeyError.
    layer = file.removesuffix(".geojson")
    before = catalog.load_catalogue(geodata_copy).layers[layer]
    id_column = "iso_code" if layer == "regions" else "id"
    feature_id = feature_id or before[id_column].iloc[0]
    rewrite_feature(geodata_copy, file, feature_id, **changes)
    loaded = catalog.load_catalogue(geodata_copy)
    frame = loaded.layers[layer]
    assert len(frame) == len(before) - 1
    [problem] = loaded.problems
    assert not problem.fatal and problem.file == file
    shown_id = changes.get("iso_code", feature_id)
    assert problem.message == f"{file}: feature '{shown_id}' has an unknown {label} '{value}' and is left out"


def test_unreadable_manifest_is_one_clear_problem(geodata_copy):
    (geodata_copy / "manifest.json").write_text("{not json", encoding="utf-8")
    loaded = catalog.load_catalogue(geodata_copy)
    assert loaded.manifest is None and loaded.layers == {}
    assert loaded.problems[0].message.startswith("manifest.json is not valid JSON")


def test_geodata_is_reproducible_from_the_build_script():
    """Rebuilding from the sources and the registry package gives identical bytes."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_geodata", GEODATA_DIR.parent / "scripts" / "build_geodata.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    outputs, report = module.build_all()
    for name, payload in outputs.items():
        assert (GEODATA_DIR / name).read_bytes() == payload, f"{name} differs from a fresh build"
    assert report["invalid_input_rings_repaired"], "the known invalid input ring should be reported"


def test_tables_in_the_manifest_conform_and_load(bundled):
    for name, entry in bundled.manifest.tables.items():
        assert catalog.file_sha256(GEODATA_DIR / entry["file"]) == entry["sha256"]
        assert entry["sources"] and entry["licence"]
        assert name in bundled.tables


def test_broken_table_is_reported_and_layers_still_load(geodata_copy):
    (geodata_copy / "targets.json").write_text("{", encoding="utf-8")
    loaded = catalog.load_catalogue(geodata_copy)
    assert "targets" not in loaded.tables and len(loaded.layers) == 4
    assert any(p.file == "targets.json" for p in loaded.problems)
