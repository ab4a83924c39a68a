"""Coordinates as people write them, spreadsheets as offices keep them, and exchanged latitude/longitude.

Files are generated (CSV text, workbooks written with openpyxl), checked with the importer and
with ``python -m kzatlas check`` in a subprocess; the points must land where the file means.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import openpyxl
import pytest

from kzatlas import catalog
from kzatlas.config import GEODATA_DIR, ROOT_DIR
from kzatlas.ingest import check_file, with_header, with_swapped_coordinates
from kzatlas.ingest.coordinates import check_coordinate, read_coordinate

ASTANA = (51.1028, 71.4328)
CATALOGUE = catalog.load_catalogue(GEODATA_DIR)
FEATURES, REGIONS = catalog.feature_frame(CATALOGUE), catalog.region_frame(CATALOGUE)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("51.1028", 51.1028),
        ("51,1028", 51.1028),
        ("51°06'10\"N", 51.10278),
        ("51°06′10″N", 51.10278),
        ("51° 06' 10\" N", 51.10278),
        ("N 51 06 10", 51.10278),
        ("51 06 10", 51.10278),
        ("51°06.17'", 51.10283),
        ("51°06,17′ С", 51.10283),
        ("С51°06'10''", 51.10278),
        ("51.1028 с.ш.", 51.1028),
        ("43°14'S", -43.23333),
        ("43 14 Ю", -43.23333),
        ("-71.4328", -71.4328),
        ("71°25'58\"W", -71.43278),
        ("71°25'58\"З", -71.43278),
        (71.4328, 71.4328),
    ],
)
def test_coordinate_forms_are_read(text, expected):
    value, _axis = read_coordinate(text)
    assert value == pytest.approx(expected, abs=1e-4)


@pytest.mark.parametrize(
    ("axis", "text", "reason"),
    [
        ("latitude", "91°", "latitude 91 is outside -90 to 90"),
        ("latitude", "60''", "cannot be read as a coordinate"),
        ("latitude", "garbage", "latitude 'garbage' cannot be read as a coordinate"),
        ("latitude", "51°60'", "has minutes or seconds of 60 or more"),
        ("latitude", "51°06'75\"", "has minutes or seconds of 60 or more"),
        ("latitude", "51.5°30'", "cannot be read"),
        ("latitude", "-51 S", "cannot be read"),
        ("latitude", "71°25'58\"E", "has the hemisphere letter of a longitude"),
        ("longitude", "181 E", "longitude 181 is outside -180 to 180"),
        ("longitude", "51 N", "has the hemisphere letter of a latitude"),
    ],
)
def test_coordinates_that_cannot_be_read_are_rejected_with_the_value(axis, text, reason):
    checked = check_coordinate(axis, text)
    assert checked.error is not None and checked.value is None
    assert reason in str(checked.error)


def _points(plan) -> list[tuple[float, float]]:
    return [(row.record["geometry"].y, row.record["geometry"].x) for row in plan.rows if row.action != "reject"]


DMS_CSV = (
    "name;широта;долгота;kind\n"
    "Astana latin;51°06'10\"N;71°25'58\"E;undp_site\n"
    "Astana cyrillic;51°06'10\" С;71°25'58\" В;undp_site\n"
    "Astana minutes;51°06,1667';71°25,9667';undp_site\n"
    "Astana comma;51,1028;71,4328;undp_site\n"
    "Astana spaces;51 06 10;71 25 58;undp_site\n"
    "Bad;95°;71°;undp_site\n"
)


def test_csv_with_dms_ddm_and_decimal_comma_lands_in_astana():
    plan = check_file(DMS_CSV.encode("utf-8"), "sites.csv", catalogue_features=FEATURES, regions=REGIONS)
    assert plan.refused is None
    assert [row.action for row in plan.rows] == ["add"] * 5 + ["reject"]
    for lat, lon in _points(plan):
        assert lat == pytest.approx(ASTANA[0], abs=1e-4) and lon == pytest.approx(ASTANA[1], abs=1e-4)
    assert "latitude 95 is outside -90 to 90" in str(plan.rows[-1].reasons[0])


def _workbook(merged: bool) -> bytes:
    book = openpyxl.Workbook()
    cover = book.active
    cover.title = "Обложка"
    cover["A1"] = "UNDP Kazakhstan: project sites 2025"
    cover["A3"] = "Prepared by"
    cover["B3"] = "Programme office"
    data = book.create_sheet("Участки")
    data["A1"] = "Sites reported by the regional offices"
    if merged:
        data.append(["Название", "Координаты", None, "Вид"])
        data.append([None, "Широта", "Долгота", None])
        data.merge_cells("A2:A3")
        data.merge_cells("B2:C2")
        data.merge_cells("D2:D3")
    else:
        data.append(["Название", "Широта", "Долгота", "Вид"])
    data.append(["Астана", "51°06'10\"N", "71°25'58\"E", "undp_site"])
    data.append(["Алматы", "43°14'18\" С", "76°53'45\" В", "undp_site"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_cover_sheet_is_passed_over_and_a_merged_two_row_header_is_flattened():
    plan = check_file(_workbook(merged=True), "sites.xlsx", catalogue_features=FEATURES, regions=REGIONS)
    assert plan.refused is None
    assert plan.sheets == ["Обложка", "Участки"] and plan.sheet == "Участки"
    assert plan.header == [2, 3]
    assert plan.columns[:3] == ["Название", "Координаты / Широта", "Координаты / Долгота"]
    assert plan.mapping["latitude"] == "Координаты / Широта"
    assert [row.action for row in plan.rows] == ["add", "add"]
    (lat, lon), almaty = _points(plan)
    assert (lat, lon) == pytest.approx(ASTANA, abs=1e-4)
    assert almaty == pytest.approx((43.2383, 76.8958), abs=1e-4)
    # Another header row can be chosen: the merged row alone gives other column names.
    single = with_header(plan, (2, 2))
    assert single.columns[1] == "Координаты" and single.mapping["latitude"] is None


def test_another_sheet_can_be_chosen_by_number_or_name():
    plan = check_file(_workbook(merged=False), "sites.xlsx", catalogue_features=FEATURES, regions=REGIONS, sheet="1")
    assert plan.sheet == "Обложка" and not plan.importable
    data = check_file(_workbook(merged=False), "sites.xlsx", catalogue_features=FEATURES, regions=REGIONS, sheet="Участки")
    assert data.header == [2, 2] and len(_points(data)) == 2
    wrong = check_file(_workbook(merged=False), "sites.xlsx", catalogue_features=FEATURES, regions=REGIONS, sheet="Nope")
    assert "the workbook has no sheet 'Nope'" in str(wrong.refused)


SWAPPED_CSV = "name,lat,lon,kind\nAstana,71.4328,51.1028,undp_site\nAlmaty,76.8958,43.2383,undp_site\nAtyrau,51.92,47.11,undp_site\n"


def test_exchanged_latitude_and_longitude_are_suggested_and_swapped():
    plan = check_file(SWAPPED_CSV.encode(), "swapped.csv", catalogue_features=FEATURES, regions=REGIONS)
    assert plan.swap_suggested
    assert "latitude and longitude look exchanged: 3 of 3 points" in str(plan.notes[0])
    swapped = with_swapped_coordinates(plan)
    assert not swapped.swap_suggested
    assert _points(swapped)[0] == pytest.approx(ASTANA, abs=1e-4)
    assert not any("outside Kazakhstan" in str(note) for row in swapped.rows for note in row.notes)
    right = check_file(DMS_CSV.encode(), "sites.csv", catalogue_features=FEATURES, regions=REGIONS)
    assert not right.swap_suggested


# ------------------------------------------------------------------ the command line


def kzatlas(tmp_path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "KZATLAS_DATA_DIR": str(tmp_path / "data")}
    env.pop("KZATLAS_STORE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "kzatlas", *args], cwd=ROOT_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def test_cli_reads_dms_sheets_headers_maps_and_swaps(tmp_path):
    book = tmp_path / "sites.xlsx"
    book.write_bytes(_workbook(merged=True))
    result = kzatlas(tmp_path, "check", str(book))
    assert result.returncode == 0, result.stderr
    assert "sheet: Участки; other sheets: Обложка" in result.stdout
    assert "header: row 2-3" in result.stdout
    report = json.loads(kzatlas(tmp_path, "check", str(book), "--json").stdout)
    assert report["sheet"] == "Участки" and report["header_rows"] == [2, 3]
    assert report["counts"]["added"] == 2

    cover = kzatlas(tmp_path, "check", str(book), "--sheet", "Обложка")
    assert cover.returncode == 1
    one_row = json.loads(kzatlas(tmp_path, "check", str(book), "--header-row", "2", "--json").stdout)
    assert one_row["header_rows"] == [2, 2] and one_row["mapping"]["latitude"] is None
    mapped = json.loads(
        kzatlas(
            tmp_path, "check", str(book), "--header-row", "2", "--map", "Координаты=latitude", "--map", "column 3=longitude",
            "--json",
        ).stdout
    )
    assert mapped["counts"]["added"] == 2
    bad = kzatlas(tmp_path, "check", str(book), "--header-row", "2-5")
    assert bad.returncode == 2 and "--header-row" in bad.stderr
    unknown_field = kzatlas(tmp_path, "check", str(book), "--map", "Широта=width")
    assert unknown_field.returncode == 2

    swapped = tmp_path / "swapped.csv"
    swapped.write_text(SWAPPED_CSV, encoding="utf-8")
    suggested = kzatlas(tmp_path, "check", str(swapped))
    assert "latitude and longitude look exchanged" in suggested.stdout and "--swap-coordinates" in suggested.stdout
    fixed = json.loads(kzatlas(tmp_path, "check", str(swapped), "--swap-coordinates", "--json").stdout)
    assert fixed["swap_suggested"] is False and fixed["mapping"]["latitude"] == "lon"
    imported = kzatlas(
        tmp_path, "import", str(swapped), "--swap-coordinates", "--kind", "undp_site", "--comment", "swapped file",
        "--source-title", "Office list", "--source-date", "2025-12-31", "--dry-run",
    )
    assert imported.returncode == 0, imported.stderr
    assert "would save 3 features" in imported.stdout

    dms = tmp_path / "dms.csv"
    dms.write_text(DMS_CSV, encoding="utf-8")
    checked = kzatlas(tmp_path, "check", str(dms))
    assert "accepted 5" in checked.stdout and "latitude 95 is outside -90 to 90" in checked.stdout
