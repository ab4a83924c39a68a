"""Every page renders under AppTest, alone and through the router, and widgets change what users see."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from pagetest import ROUTER, TIMEOUT, metric, run_page, shown
from streamlit.testing.v1 import AppTest

from kzatlas.catalog import GEODATA_DIR_ENV
from kzatlas.config import GEODATA_DIR

MAP_PAGE = "map_explorer"
DATA_PAGE = "about_data"


def table_rows(at: AppTest) -> int:
    return len(at.dataframe[0].value)


@pytest.fixture(scope="module")
def total_features() -> int:
    return int(metric(run_page(MAP_PAGE), "Matching features"))


def test_map_explorer_renders_alone_with_summaries(total_features):
    at = run_page(MAP_PAGE)
    assert at.title[0].value == "Map explorer"
    assert total_features >= 46
    assert metric(at, "National parks") == "14"
    assert metric(at, "Official area of reserves and parks").endswith(" ha")
    assert table_rows(at) == total_features
    assert any("Data version" in c.value for c in at.caption)


def test_name_search_narrows_numbers_and_list():
    at = run_page(MAP_PAGE)
    at.text_input(key="map_explorer.query").input("Наурзум").run()
    assert not at.exception
    assert metric(at, "Matching features") == "1"
    assert metric(at, "Official area of reserves and parks") == "191,381 ha"
    assert at.dataframe[0].value.iloc[0]["Name"] == "Naurzum State Nature Reserve"


def test_region_filter_changes_share_label_and_rows(total_features):
    at = run_page(MAP_PAGE)
    at.multiselect(key="map_explorer.regions").select("KZ-63").run()
    assert not at.exception
    shown = int(metric(at, "Matching features"))
    assert 0 < shown < total_features
    assert "Reserves and parks in this atlas" in [m.label for m in at.metric]
    assert any("No official protected share is published for a region" in c.value for c in at.caption)
    regions_column = at.dataframe[0].value["Region"]
    assert regions_column.str.contains("East Kazakhstan").all()


def test_undp_only_and_kind_filters_combine():
    at = run_page(MAP_PAGE)
    at.checkbox(key="map_explorer.undp_only").check().run()
    at.multiselect(key="map_explorer.kinds").select("national_park").run()
    assert not at.exception
    assert metric(at, "Matching features") == "3"
    assert set(at.dataframe[0].value["Name"]) == {
        "Buyratau National Park",
        "Zhongar-Alatau National Park",
        "Tarbagatai National Park",
    }


def test_empty_result_says_so():
    at = run_page(MAP_PAGE)
    at.text_input(key="map_explorer.query").input("zzzz-no-such-place").run()
    assert not at.exception
    assert any("No feature matches these filters" in info.value for info in at.info)
    assert metric(at, "Matching features") == "0"


def test_chart_switches_between_region_and_year():
    at = run_page(MAP_PAGE)
    at.radio(key="map_explorer.chart_by").set_value("year").run()
    assert not at.exception


def test_about_the_data_lists_layers_sources_and_unlocated_items():
    at = run_page(DATA_PAGE)
    assert at.title[0].value == "About the data"
    layers, unlocated, names, map_sources, sources = (at.dataframe[index].value for index in range(5))
    assert len(layers) == 4 and layers["Loaded"].all()
    # Where each name in Russian and Kazakh comes from: a published page, or the atlas's own translation.
    assert set(names["Origin of the name"]) == {"published", "atlas translation"} and len(names) == 2 * 46
    assert "Genetic seed bank of especially valuable tree species" in " ".join(unlocated["Name"])
    assert sources["Link"].str.startswith("http").all() and len(sources) > 20
    # The map credits: every boundary and basemap source with its licence.
    assert {"Natural Earth", "OpenStreetMap", "GeoNames"} <= {
        name for name in ("Natural Earth", "OpenStreetMap", "GeoNames") if name in " ".join(map_sources["Source"])
    }


def test_router_runs_and_switches_pages():
    at = AppTest.from_file(ROUTER, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert at.title[0].value == "Map explorer"
    at.switch_page("views/about_data.py").run()
    assert not at.exception
    assert at.title[0].value == "About the data"
    at.switch_page("views/map_explorer.py").run()
    assert not at.exception and at.title[0].value == "Map explorer"


def test_unknown_language_in_the_link_gives_english_and_a_notice():
    at = run_page(MAP_PAGE, lang="xx<script>")
    assert at.title[0].value == "Map explorer"
    assert any("was not understood" in w.value for w in at.warning)


def test_russian_shows_russian_region_names():
    at = run_page(MAP_PAGE, lang="ru")
    options = at.multiselect(key="map_explorer.regions").options
    assert "Костанайская область" in options


@pytest.fixture()
def broken_geodata(tmp_path: Path, monkeypatch) -> Path:
    target = tmp_path / "geodata"
    shutil.copytree(GEODATA_DIR, target, ignore=shutil.ignore_patterns("sources"))
    (target / "corridors.geojson").write_text("this is not geojson", encoding="utf-8")
    monkeypatch.setenv(GEODATA_DIR_ENV, str(target))
    return target


def test_broken_layer_gives_a_clear_message_and_the_rest_still_works(broken_geodata, total_features):
    at = run_page(MAP_PAGE)
    errors = [shown(e.value) for e in at.error]
    assert any("corridors.geojson" in e for e in errors)
    assert all(str(broken_geodata) not in e for e in errors)
    assert int(metric(at, "Matching features")) == total_features - 2
    assert metric(at, "National parks") == "14"


def test_missing_manifest_still_renders_both_pages(tmp_path, monkeypatch):
    empty = tmp_path / "nothing"
    empty.mkdir()
    monkeypatch.setenv(GEODATA_DIR_ENV, str(empty))
    at = run_page(MAP_PAGE)
    assert any("manifest.json is missing" in shown(e.value) for e in at.error)
    assert metric(at, "Matching features") == "0"
    at = run_page(DATA_PAGE)
    assert any("could not be read" in e.value for e in at.error)


def test_manifest_fixture_is_real_json():
    json.loads((GEODATA_DIR / "manifest.json").read_text(encoding="utf-8"))


def copy_geodata(tmp_path: Path, monkeypatch) -> Path:
    target = tmp_path / "geodata"
    shutil.copytree(GEODATA_DIR, target, ignore=shutil.ignore_patterns("sources"))
    monkeypatch.setenv(GEODATA_DIR_ENV, str(target))
    return target


def test_a_layer_changed_outside_the_build_is_not_shown(tmp_path, monkeypatch, total_features):
    target = copy_geodata(tmp_path, monkeypatch)
    path = target / "corridors.geojson"
    path.write_bytes(path.read_bytes().replace(b"Kapshagay", b"Kapshagai"))
    at = run_page(MAP_PAGE)
    errors = [shown(e.value) for e in at.error]
    assert any("corridors.geojson was changed outside the build" in e for e in errors), errors
    assert int(metric(at, "Matching features")) == total_features - 2


def test_an_unknown_kind_in_the_data_drops_that_feature_with_a_notice(tmp_path, monkeypatch, total_features):
    from kzatlas.catalog import file_sha256

    target = copy_geodata(tmp_path, monkeypatch)
    path = target / "protected_areas.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["features"][0]["properties"]["kind"] = "castle"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    manifest["layers"]["protected_areas"]["sha256"] = file_sha256(path)
    (target / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    for page in (MAP_PAGE, "protected_areas", DATA_PAGE):
        at = run_page(page)
        assert any("unknown kind 'castle'" in shown(w.value) for w in at.warning), page
    assert int(metric(run_page(MAP_PAGE), "Matching features")) == total_features - 1
