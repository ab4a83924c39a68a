"""The command line with corrected files: a re-import corrects, a far name is new, a file without kinds says what to do."""

from __future__ import annotations

import json
from pathlib import Path

from test_cli import SOURCE, kzatlas

FIRST = (
    "name,latitude,longitude,kind\n"
    "Shymkent seed orchard,42.32,69.59,undp_site\n"
    "Lake Tengiz monitoring post,50.42,69.05,undp_site\n"
)
MOVED_LAT = 42.32 + 12 / 111.195
CORRECTION = ["--source-url", "https://example.org/corrected", "--source-date", "2026-01-31"]


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def exported_point(folder: Path, data: Path, name: str) -> tuple[float, float, str]:
    out = folder / f"export-{name}.geojson"
    result = kzatlas(data, "export", "--output", str(out), "--force")
    assert result.returncode == 0, result.stderr
    document = json.loads(out.read_text(encoding="utf-8"))
    feature = next(f for f in document["features"] if f["properties"]["name_en"] == name)
    lon, lat = feature["geometry"]["coordinates"][:2]
    return lat, lon, feature["properties"]["source_url"]


def test_a_corrected_file_is_saved_as_corrections_and_can_be_undone(tmp_path):
    data = tmp_path / "data"
    first = kzatlas(data, "import", str(write(tmp_path, "sites.csv", FIRST)), "--comment", "first list", *SOURCE)
    assert first.returncode == 0, first.stderr
    corrected = write(tmp_path, "sites-corrected.csv", FIRST.replace("42.32,69.59", f"{MOVED_LAT:.5f},69.59"))

    check = kzatlas(data, "check", str(corrected), *CORRECTION)
    assert check.returncode == 0, check.stderr
    assert "would add 0, correct 1, change 0, leave 1" in check.stdout
    assert "update feature 1 (line 2) Shymkent seed orchard: changed: moved 12 km" in check.stdout
    assert "repaired 0, with notes 2" in check.stdout

    saved = kzatlas(data, "import", str(corrected), "--comment", "orchard position corrected", *CORRECTION)
    assert saved.returncode == 0, saved.stderr
    assert saved.stdout.startswith("saved version 2: 1 features (0 added, 1 corrected")
    lat, _, source = exported_point(tmp_path, data, "Shymkent seed orchard")
    assert abs(lat - MOVED_LAT) < 1e-4 and source == "https://example.org/corrected"

    undone = kzatlas(data, "undo", "2", "--comment", "wrong correction")
    assert undone.returncode == 0, undone.stderr
    lat, _, source = exported_point(tmp_path, data, "Shymkent seed orchard")
    assert abs(lat - 42.32) < 1e-6 and source == SOURCE[1]


def test_a_name_far_away_is_added_with_a_warning_not_left_as_a_duplicate(tmp_path):
    data = tmp_path / "data"
    assert (
        kzatlas(data, "import", str(write(tmp_path, "sites.csv", FIRST)), "--comment", "first", *SOURCE).returncode == 0
    )
    swapped = write(
        tmp_path, "swapped.csv", "name,latitude,longitude,kind\nShymkent seed orchard,69.59,42.32,undp_site\n"
    )
    check = kzatlas(data, "check", str(swapped), *CORRECTION)
    assert "would add 1, correct 0" in check.stdout
    assert (
        "a feature with this name is" in check.stdout and "km away" in check.stdout and "not the same" in check.stdout
    )
    assert "already in the catalogue" not in check.stdout


def test_a_file_without_kinds_names_the_kind_option(tmp_path):
    data = tmp_path / "data"
    path = write(
        tmp_path, "no-kind.csv", "name,latitude,longitude\nAral ranger post,46.8,61.7\nIrgiz school garden,48.6,61.3\n"
    )
    check = kzatlas(data, "check", str(path), *SOURCE)
    assert check.returncode == 1
    assert "choose a kind for all rows with --kind KIND (one of: " in check.stdout and "undp_site" in check.stdout
    given = kzatlas(data, "check", str(path), "--kind", "undp_site", *SOURCE)
    assert given.returncode == 0, given.stderr
    assert "accepted 2" in given.stdout and "rejected 0" in given.stdout and "--kind" not in given.stdout


def test_shapefile_rows_are_not_said_to_be_in_layer_layer(tmp_path):
    import zipfile

    import geopandas as gpd
    import shapely

    frame = gpd.GeoDataFrame(
        {"name": ["Paris office", "Aral post"], "kind": ["undp_site", "undp_site"]},
        geometry=[shapely.Point(2.35, 48.85), shapely.Point(61.7, 46.8)],
        crs="EPSG:4326",
    )
    folder = tmp_path / "shp"
    folder.mkdir()
    frame.to_file(folder / "offices.shp")
    archive = tmp_path / "offices.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        for part in folder.iterdir():
            bundle.write(part, part.name)
    check = kzatlas(tmp_path / "data", "check", str(archive), *SOURCE)
    assert check.returncode == 0, check.stderr
    assert "add feature 1 Paris office: outside Kazakhstan" in check.stdout
    assert "in layer" not in check.stdout
