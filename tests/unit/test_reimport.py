"""Importing a corrected file again: corrections instead of duplicates, and a clear outcome.

Every file here is generated: a CSV imported, then the same names with one point moved; a
name that lies thousands of kilometres away; a file with no kind; a KML with ExtendedData and
an HTML description; a Protected Planet boundary.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from kzatlas.config import CRS
from kzatlas.i18n import translator
from kzatlas.ingest import check_file
from kzatlas.ingest.matching import distance_km
from kzatlas.ingest.messages import translated
from kzatlas.ingest.readers.kml_data import plain_description

PROVENANCE = {"source_url": "https://example.org/first-list", "source_date": "2025-01-15"}
CORRECTED = {
    "source_url": "https://example.org/corrected-list",
    "source_title": "Corrected list",
    "source_date": "2025-06-30",
}
# 12 km north of 42.32 N: 12 / 111.195 degrees of latitude.
MOVED_LAT = 42.32 + 12 / 111.195


def sites_csv(path: Path, orchard_lat: float = 42.32, extra: str = "") -> Path:
    path.write_text(
        "name,latitude,longitude,kind,year\n"
        f"Shymkent seed orchard,{orchard_lat},69.59,undp_site,2021\n"
        "Lake Tengiz monitoring post,50.42,69.05,undp_site,2022\n" + extra,
        encoding="utf-8",
    )
    return path


@pytest.fixture()
def imported(tmp_path, features, regions, sandbox):
    """The catalogue after the first import of the site list (the records laid over the catalogue)."""
    first = check_file(
        sites_csv(tmp_path / "sites.csv"),
        "sites.csv",
        catalogue_features=features,
        regions=regions,
        provenance=PROVENANCE,
    )
    assert [row.action for row in first.rows] == ["add", "add"]
    added = gpd.GeoDataFrame(first.records(), geometry="geometry", crs=CRS)
    return pd.concat([features, added], ignore_index=True)


def test_a_moved_point_is_a_correction_shown_as_moved_12_km(tmp_path, imported, regions):
    path = sites_csv(tmp_path / "sites-corrected.csv", orchard_lat=MOVED_LAT)
    plan = check_file(path, path.name, catalogue_features=imported, regions=regions, provenance=CORRECTED)
    orchard, post = plan.rows
    assert orchard.action == "update" and orchard.feature_id.startswith("imp-")
    assert "changed: moved 12 km" in orchard.notes
    assert post.action == "leave" and any("left alone" in note for note in post.notes)
    counts = plan.counts()
    assert (counts["added"], counts["updated"], counts["left"], counts["repaired"]) == (0, 1, 1, 0)
    [record] = plan.records()
    assert record["id"] == orchard.feature_id and record["geometry"].y == pytest.approx(MOVED_LAT)
    # The corrected file becomes the feature's main source; the first stays among its sources.
    assert record["source_url"] == CORRECTED["source_url"] and record["source_date"] == "2025-06-30"
    assert record["source_title"] == "Corrected list"
    files = [entry["url"] for entry in json.loads(record["sources_json"])]
    assert files == [PROVENANCE["source_url"], CORRECTED["source_url"]]
    # The page writes the distance its own way.
    russian = translator("ru")
    assert "12" in translated(orchard.notes, russian) and "км" in translated(orchard.notes, russian)


def test_the_same_file_again_leaves_everything_alone(tmp_path, imported, regions):
    path = sites_csv(tmp_path / "sites-again.csv")
    plan = check_file(path, path.name, catalogue_features=imported, regions=regions, provenance=PROVENANCE)
    assert [row.action for row in plan.rows] == ["leave", "leave"]
    assert not plan.importable and plan.records() == []


def test_a_changed_value_is_a_correction_too(tmp_path, imported, regions):
    path = tmp_path / "years.csv"
    path.write_text(
        "name,latitude,longitude,kind,year\nShymkent seed orchard,42.32,69.59,undp_site,2023\n", encoding="utf-8"
    )
    row = check_file(path, path.name, catalogue_features=imported, regions=regions, provenance=CORRECTED).rows[0]
    assert row.action == "update" and row.notes == ["changed: Year"] and row.record["year"] == 2023


def test_a_name_far_away_is_a_new_feature_with_a_warning(tmp_path, imported, regions):
    # Latitude and longitude swapped: the same name, thousands of kilometres from the first.
    path = tmp_path / "swapped.csv"
    path.write_text("name,latitude,longitude,kind\nShymkent seed orchard,69.59,42.32,undp_site\n", encoding="utf-8")
    row = check_file(path, path.name, catalogue_features=imported, regions=regions, provenance=CORRECTED).rows[0]
    assert row.action == "add" and row.feature_id not in set(imported["id"])
    far = next(note for note in row.notes if "a feature with this name is" in note)
    assert far.endswith("not the same") and "km away" in far
    assert far.params["distance"] > 2000
    assert "outside Kazakhstan" in row.notes and not row.repairs
    assert not any("already in the catalogue" in note for note in row.notes)


def test_the_file_id_column_matches_first(tmp_path, imported, regions):
    feature_id = imported[imported["name_en"] == "Lake Tengiz monitoring post"]["id"].iloc[0]
    path = tmp_path / "by-id.csv"
    path.write_text(
        f"id,name,latitude,longitude,kind\n{feature_id},Tengiz lake post,50.42,69.05,undp_site\n", encoding="utf-8"
    )
    row = check_file(path, path.name, catalogue_features=imported, regions=regions, provenance=CORRECTED).rows[0]
    assert row.action == "update" and row.feature_id == feature_id
    assert row.record["name_en"] == "Tengiz lake post"


def test_shipped_catalogue_features_are_left_alone_as_a_note_not_a_repair(tmp_path, features, regions, sandbox):
    path = tmp_path / "dup.csv"
    path.write_text("name,lat,lon,kind\nNaurzum State Nature Reserve,51.5,64.4,strict_nature_reserve\n")
    plan = check_file(path, path.name, catalogue_features=features, regions=regions, provenance=PROVENANCE)
    row = plan.rows[0]
    assert row.action == "leave" and row.feature_id == "pa-naurzum"
    assert any("already in the catalogue" in note for note in row.notes) and not row.repairs
    assert plan.counts()["repaired"] == 0 and plan.counts()["noted"] == 1


def test_a_file_without_kinds_says_what_to_do(tmp_path, features, regions, sandbox):
    path = tmp_path / "no-kind.csv"
    path.write_text("name,latitude,longitude\nAral ranger post,46.8,61.7\nIrgiz school garden,48.6,61.3\n")
    plan = check_file(path, path.name, catalogue_features=features, regions=regions, provenance=PROVENANCE)
    assert plan.needs_kind and plan.counts()["rejected"] == 2
    chosen = check_file(
        path,
        path.name,
        catalogue_features=features,
        regions=regions,
        provenance=PROVENANCE,
        defaults={"kind": "undp_site"},
    )
    assert not chosen.needs_kind and [row.action for row in chosen.rows] == ["add", "add"]


KML = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document>
<Schema name="office" id="office"><SimpleField name="office" type="string"/></Schema>
<Placemark><name>Balkhash solar pilot</name>
<description><![CDATA[<p>Solar &amp; wind <b>pilot</b>&nbsp;site</p><script>alert("x")</script><img src=x onerror=alert(1)>]]></description>
<ExtendedData><Data name="year"><value>2019</value></Data>
<SchemaData schemaUrl="#office"><SimpleData name="office">Almaty</SimpleData></SchemaData></ExtendedData>
<Point><coordinates>74.98,46.85,0</coordinates></Point></Placemark>
<Placemark><name>Zaisan fish pass</name><description>Plain &lt;b&gt;text&lt;/b&gt;</description>
<ExtendedData><Data name="year"><value>2021</value></Data></ExtendedData>
<Point><coordinates>84.0,48.0,0</coordinates></Point></Placemark>
</Document></kml>"""


def test_kml_extended_data_becomes_columns_and_descriptions_plain_text(tmp_path, features, regions, sandbox):
    path = tmp_path / "pilots.kml"
    path.write_text(KML, encoding="utf-8")
    plan = check_file(
        path,
        path.name,
        catalogue_features=features,
        regions=regions,
        provenance=PROVENANCE,
        defaults={"kind": "undp_site"},
    )
    assert plan.refused is None, plan.refused
    assert {"year", "office"} <= set(plan.columns)
    assert plan.mapping["year"] == "year"
    first, second = plan.rows
    assert first.record["year"] == 2019 and second.record["year"] == 2021
    assert first.record["notes"] == "Solar & wind pilot site"
    assert "<" not in first.record["notes"] and "alert" not in first.record["notes"]
    assert second.record["notes"] == "Plain text"


def test_plain_description_is_bounded_and_never_markup():
    assert plain_description("<div>a<br>b</div>") == "a b"
    assert plain_description("Tom &amp;amp; Jerry&#39;s") == "Tom & Jerry's"
    assert len(plain_description("<p>" + "x" * 50_000 + "</p>")) == 2000
    assert plain_description("<style>p{}</style>") is None and plain_description(7) == 7


def test_distance_is_measured_between_the_shapes():
    assert distance_km(shapely.Point(69.59, 42.32), shapely.Point(69.59, MOVED_LAT)) == pytest.approx(12, abs=0.05)
    assert distance_km(shapely.Point(0, 0), shapely.box(-1, -1, 1, 1)) == 0


def test_a_protected_planet_boundary_becomes_the_main_source(tmp_path, features, regions, sandbox):
    boundary = shapely.Point(64.43889, 51.53346).buffer(0.3)
    frame = gpd.GeoDataFrame(
        {"WDPAID": [555], "NAME": ["Naurzumskiy"], "ORIG_NAME": ["Наурзумский"], "DESIG_ENG": ["State Nature Reserve"],
         "IUCN_CAT": ["Ia"], "REP_AREA": [1913.81], "STATUS_YR": [1931]},
        geometry=[boundary], crs=CRS,
    )  # fmt: skip
    path = tmp_path / "wdpa.geojson"
    frame.to_file(path, driver="GeoJSON")
    provenance = {
        "source_url": "https://www.protectedplanet.net/en",
        "source_title": "WDPA June 2025",
        "source_date": "2025-06-01",
    }
    plan = check_file(path, path.name, catalogue_features=features, regions=regions, provenance=provenance)
    [record] = plan.records(confirmed_ids=("pa-naurzum",))
    assert record["geometry_quality"] == "surveyed"
    assert (record["source_url"], record["source_title"], record["source_date"]) == (
        "https://www.protectedplanet.net/en", "WDPA June 2025", "2025-06-01",
    )  # fmt: skip


def _region_notes(features, regions, bundled) -> list[str]:
    from kzatlas import spatial
    from kzatlas.facts import region_facts

    profile = spatial.region_profile("KZ-39", features, regions)
    region = regions[regions["iso_code"] == "KZ-39"].iloc[0]
    statement = region_facts.region_statement(
        profile, region, features, bundled.tables.get("targets"), translator("en")
    )
    return [note.template for note in statement.notes if "region lies inside them" in getattr(note, "template", "")]


def test_the_region_profile_says_surveyed_when_the_shapes_are_surveyed(features, regions, bundled):
    assert any("drawn, approximate shapes" in note for note in _region_notes(features, regions, bundled))
    from kzatlas import spatial

    protected = list(spatial.region_profile("KZ-39", features, regions).protected_ids)
    one = features.copy()
    one.loc[one["id"] == protected[0], "geometry_quality"] = "surveyed"
    [mixed] = _region_notes(one, regions, bundled)
    assert "surveyed boundaries, the others drawn and approximate" in mixed
    every = features.copy()
    every.loc[every["id"].isin(protected), "geometry_quality"] = "surveyed"
    [surveyed] = _region_notes(every, regions, bundled)
    assert "Measured from the surveyed boundaries" in surveyed and "approximate" not in surveyed


def test_a_site_with_a_russian_name_only_has_a_name_in_every_language(tmp_path, features, regions, sandbox):
    from kzatlas.facts.surroundings import neighbourhood, neighbourhood_notes
    from kzatlas.i18n import name_column, shown_name, shown_names

    path = tmp_path / "ru-only.csv"
    path.write_text("название,широта,долгота,kind\nПитомник саксаула,51.6,64.2,undp_site\n", encoding="utf-8")
    plan = check_file(path, path.name, catalogue_features=features, regions=regions, provenance=PROVENANCE)
    [record] = plan.records()
    assert record["name_ru"] == "Питомник саксаула" and not record["name_en"]
    for language, marker in (("en", "(in Russian)"), ("kk", "(орысша)"), ("ru", "")):
        shown = shown_name(record, name_column(language), translator(language))
        assert shown == f"Питомник саксаула {marker}".strip()
    merged = pd.concat([features, gpd.GeoDataFrame([record], geometry="geometry", crs=CRS)], ignore_index=True)
    assert "Питомник саксаула (in Russian)" in list(shown_names(merged, "name_en", translator("en")))
    hood = neighbourhood("pa-naurzum", merged)
    notes = neighbourhood_notes(hood, merged, translator("en"), "name_en")
    assert any("Nearest UNDP project site: Питомник саксаула (in Russian)," in note for note in notes), notes


def test_a_redrawn_shape_is_a_correction_and_an_unchanged_one_is_left_alone(tmp_path, features, regions, sandbox):
    def park(geometry) -> bytes:
        feature = {
            "type": "Feature",
            "geometry": shapely.geometry.mapping(geometry),
            "properties": {"name": "Ilek steppe plot", "kind": "undp_site"},
        }
        return json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()

    first_shape = shapely.box(56.0, 50.0, 56.2, 50.2)
    first = check_file(
        park(first_shape), "plots.geojson", catalogue_features=features, regions=regions, provenance=PROVENANCE
    )
    merged = pd.concat([features, gpd.GeoDataFrame(first.records(), geometry="geometry", crs=CRS)], ignore_index=True)
    same = check_file(
        park(first_shape), "plots-again.geojson", catalogue_features=merged, regions=regions, provenance=CORRECTED
    )
    assert same.rows[0].action == "leave"
    redrawn = check_file(
        park(shapely.box(56.0, 50.0, 56.3, 50.2)),
        "plots-fixed.geojson",
        catalogue_features=merged,
        regions=regions,
        provenance=CORRECTED,
    )
    row = redrawn.rows[0]
    assert row.action == "update" and row.feature_id == first.rows[0].feature_id
    assert row.notes[0].startswith("changed: new shape")
    assert row.record["area_drawn_ha"] > first.rows[0].record["area_drawn_ha"]


def test_distances_say_surveyed_when_the_boundary_is_surveyed(features):
    from kzatlas.facts.surroundings import neighbourhood, neighbourhood_notes

    last = neighbourhood_notes(neighbourhood("pa-naurzum", features), features, translator("en"), "name_en")[-1]
    assert "approximate" in last
    surveyed = features.copy()
    surveyed.loc[surveyed["id"] == "pa-naurzum", "geometry_quality"] = "surveyed"
    hood = neighbourhood("pa-naurzum", surveyed)
    last = neighbourhood_notes(hood, surveyed, translator("en"), "name_en")[-1]
    assert last.startswith("Distances are measured from the surveyed boundaries")


def test_a_row_with_only_a_region_keeps_the_position_it_corrects(tmp_path, imported, regions):
    path = tmp_path / "region-only.csv"
    path.write_text("name,region,kind,year\nShymkent seed orchard,KZ-79,undp_site,2024\n", encoding="utf-8")
    row = check_file(path, path.name, catalogue_features=imported, regions=regions, provenance=CORRECTED).rows[0]
    assert row.action == "update" and row.notes == ["changed: Year"]
    assert row.record["geometry_quality"] == "point" and row.record["geometry"].y == pytest.approx(42.32)
