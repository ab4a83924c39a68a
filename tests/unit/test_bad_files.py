"""Hostile and broken files: each gets its plain-words message, nothing escapes, nothing is left behind.

Every message a bad file gets is also checked in Russian and Kazakh: its id is in the catalogues
and the page would show it in Cyrillic, with no English sentence left.
"""

from __future__ import annotations

import json
import re
import sqlite3
import tempfile
from pathlib import Path

import pyogrio
import pytest
from badfiles import BAD_FILES, BadFile, feature, gdal_geopackage, geojson, point, trigger_sql
from payloads import ALL_TEXT
from test_ingest_messages import CYRILLIC, assert_catalogued

from kzatlas.config import ROOT_DIR
from kzatlas.i18n import translator
from kzatlas.ingest import check_file
from kzatlas.ingest.messages import Message, messages_in
from kzatlas.ingest.readers.prechecks import check_geopackage

PROVENANCE = {"source_url": "https://example.org/data", "source_date": "2026-01-15"}
DEFAULTS = {"kind": "undp_site"}


def test_the_catalogue_is_large_enough():
    assert len(BAD_FILES) >= 60
    assert len({case.name for case in BAD_FILES}) == len(BAD_FILES)


# Words a translated message may keep in Latin letters: format and standard names, codes, units.
KEPT_LATIN = re.compile(
    r"GeoJSON|GeoPackage|GeometryCollection|FeatureCollection|Feature|Point|LineString|Polygon|NetworkLink|"
    r"ENTITY|JSON|KML|KMZ|XML|CSV|UTF|NUL|NaN|Infinity|SQLite|GDAL|VRT|DTD|EPSG|WDPA|ISO|Excel|XLSX|ESRI|Shapefile|"
    r"GPKG|crs|features|kml|shp|shx|dbf|prj|xlsx|xls|xlsm|zip|vrt|https?|\.[a-z]+"
)


def _plan_messages(plan) -> list[Message]:
    found = [plan.refused, *plan.notes, *plan.mapping_problems]
    for row in plan.rows:
        found += [*row.reasons, *row.repairs, *row.notes]
    return [message for message in found if isinstance(message, Message)]


def _assert_translated(message: Message) -> None:
    """The message is catalogued and reads in Cyrillic in Russian and Kazakh, with no English word of its own."""
    assert_catalogued(message)
    data = {str(value) for part in messages_in(message) for value in part.params.values() if not isinstance(value, Message)}
    for language in ("ru", "kk"):
        text = message.translated(translator(language))
        assert CYRILLIC.search(text), f"{language}: {text!r}"
        for value in data:  # what the file itself says stays as it is
            text = text.replace(value, "")
        leftover = re.findall(r"[A-Za-z]{3,}", KEPT_LATIN.sub("", text))
        assert not leftover, f"{language}: English left in {text!r}: {leftover}"


def _listing(folder: Path) -> set[str]:
    return {str(path.relative_to(folder)) for path in folder.rglob("*")}


@pytest.fixture(scope="module")
def repository_listing():
    """The worktree's files outside the test run's own folders, before the bad files run."""
    return {path for path in _listing(ROOT_DIR / "kzatlas")}


@pytest.mark.parametrize("case", BAD_FILES, ids=[case.name for case in BAD_FILES])
def test_bad_file(case: BadFile, tmp_path, monkeypatch, features, regions, repository_listing):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    data = case.make(scratch)
    sandbox = tmp_path / "sandbox"
    sandbox.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(sandbox))
    plan = check_file(data, case.filename, catalogue_features=features, regions=regions, provenance=PROVENANCE, defaults=DEFAULTS)
    assert _listing(sandbox) == set(), "the import left files behind"
    assert _listing(ROOT_DIR / "kzatlas") == repository_listing
    report = json.dumps(plan.to_json(), ensure_ascii=False)
    assert str(tmp_path) not in report and "Traceback" not in report
    for message in _plan_messages(plan):
        _assert_translated(message)
    if case.where == "refused":
        assert plan.refused is not None, f"not refused: {plan.counts()} {plan.notes}"
        assert case.message in plan.refused
        assert plan.records() == []
        return
    assert plan.refused is None, plan.refused
    if case.where == "reason":
        reasons = [reason for row in plan.rows for reason in row.reasons]
        assert any(case.message in reason for reason in reasons), reasons
    elif case.where == "repair":
        repairs = [note for row in plan.rows for note in [*row.repairs, *row.notes]]
        assert any(case.message in note for note in repairs), repairs
    else:
        assert any(case.message in note for note in plan.notes), plan.notes


def test_script_in_every_text_field_stays_inert_text(tmp_path, features, regions):
    text_fields = ("name", "name_ru", "name_kk", "partners", "donors", "project", "location", "source", "notes", "iucn_cat")
    rows = [feature(point(), **dict.fromkeys(text_fields, text)) for text in ALL_TEXT]
    plan = check_file(geojson(rows), "payloads.geojson", catalogue_features=features, regions=regions, provenance=PROVENANCE)
    assert plan.refused is None
    assert [row.action for row in plan.rows] == ["add"] * len(ALL_TEXT)
    for text, row in zip(ALL_TEXT, plan.rows, strict=True):
        for column in ("name_en", "name_ru", "name_kk", "partners", "donors", "undp_project", "notes"):
            assert text.strip().startswith(row.record[column][:50]), column
    assert len(plan.records()) == len(ALL_TEXT)


# ------------------------------------------------------------------ GeoPackage triggers

# A table and a geometry column named the way people name them, and a key that is not "fid".
ODD_LAYER = 'Участки "заповедные" l\'eau <c>'
ODD_NAMES = {"FID": "Код участка", "GEOMETRY_NAME": "Форма <c>"}


def _triggers(path: Path) -> dict[str, str]:
    with sqlite3.connect(path) as connection:
        return dict(connection.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))


@pytest.mark.parametrize("version", ["1.0", "1.1", "1.2", "1.3", "1.4"])
def test_a_geopackage_written_by_gdal_keeps_its_triggers_and_imports(version, tmp_path, features, regions):
    path = gdal_geopackage(tmp_path, ODD_LAYER, "sites", dataset_options={"VERSION": version}, layer_options=ODD_NAMES)
    names = _triggers(path)
    rtree = [name for name in names if name.startswith("rtree_")]
    assert len(rtree) == (14 if version == "1.4" else 12), names  # the index triggers of both layers
    assert f"trigger_insert_feature_count_{ODD_LAYER}" in names and "gpkg_tile_matrix_zoom_level_insert" in names
    plan = check_file(path.read_bytes(), "sites.gpkg", catalogue_features=features, regions=regions, provenance=PROVENANCE, defaults=DEFAULTS)
    assert plan.refused is None, plan.refused
    assert len(plan.rows) == 2


def test_the_metadata_checks_older_gdal_wrote_are_accepted(tmp_path):
    pyogrio.set_gdal_config_options({"CREATE_TRIGGERS": "YES"})
    try:
        path = gdal_geopackage(tmp_path, "sites", layer_metadata={"source": "survey"})
    finally:
        pyogrio.set_gdal_config_options({"CREATE_TRIGGERS": None})
    assert sum(name.startswith("gpkg_metadata_") for name in _triggers(path)) == 10
    assert check_geopackage(path) == []


def _respelled(sql: str) -> str:
    """The same trigger with other whitespace, keyword case and quoting."""
    sql = re.sub(r'"(\w+)"', r"\1", sql)  # plain names lose their quotes
    sql = re.sub(r"\b(AFTER|BEGIN|WHEN|NOT|NULL|INSERT|DELETE|OLD|NEW|ST_IsEmpty)\b", lambda m: m.group(1).lower(), sql)
    sql = sql.replace(" ON sites", "\n  ON 'sites'").replace("(", "( ").replace(",", " ,\n\t")
    return sql.replace("BEGIN", "begin\n ").replace("begin", "BeGiN")


def test_the_format_triggers_may_be_spelled_differently(tmp_path):
    path = gdal_geopackage(tmp_path, "sites", dataset_options={"VERSION": "1.2"})
    # The standard's own 1.0-1.3 text fires update3 on a change of the geometry column only.
    spec_update3 = trigger_sql(path, "rtree_sites_geom_update3").replace("AFTER UPDATE ON", 'AFTER UPDATE OF "geom" ON')
    with sqlite3.connect(path) as connection:
        for name, sql in _triggers(path).items():
            if name.startswith(("rtree_", "trigger_")):
                connection.execute(f'DROP TRIGGER "{name}"')
                connection.execute(spec_update3 if name.endswith("update3") else _respelled(sql))
    respelled = _triggers(path)
    assert "on 'sites'" in respelled["rtree_sites_geom_delete"].lower()
    assert check_geopackage(path) == []

