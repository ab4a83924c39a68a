"""The Edit page reads spreadsheets as offices keep them and offers to swap exchanged coordinates.

An editor uploads a workbook with a cover sheet and a header over two merged rows, and a CSV
whose latitude and longitude are exchanged; the page proposes the data sheet and the header,
both can be changed, the swap is one click, and the planned points land in Kazakhstan.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from test_edit_data import store_url  # noqa: F401 - a fixture
from test_import_languages import CYRILLIC, imported

from kzatlas.i18n import translator

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
from test_coordinates import ASTANA, DMS_CSV, SWAPPED_CSV, _workbook  # noqa: E402


def plan_shown(at):
    """The plan the page shows (what the preview, the table and the save use)."""
    return at.session_state["edit_data.planned"][1]


def points(plan) -> list[tuple[float, float]]:
    return [(row.record["geometry"].y, row.record["geometry"].x) for row in plan.rows if row.action != "reject"]


def test_workbook_sheet_and_merged_header_are_proposed_and_can_be_changed(store_url):  # noqa: F811
    at = imported("en", "sites.xlsx", _workbook(merged=True))
    sheet = next(box for box in at.selectbox if box.label == "Sheet to read")
    header = next(box for box in at.selectbox if box.label == "Header row (column names)")
    assert sheet.value == "Участки" and sheet.options == ["Обложка", "Участки"]
    assert header.value == (2, 3)
    plan = plan_shown(at)
    assert points(plan)[0] == pytest.approx(ASTANA, abs=1e-4)
    latitude = next(box for box in at.selectbox if box.label == "Latitude")
    assert latitude.value == "Координаты / Широта"

    header.set_value((2, 2)).run()
    assert not at.exception, at.exception
    assert plan_shown(at).mapping["latitude"] is None
    assert next(box for box in at.selectbox if box.label == "Latitude").value == ""

    next(box for box in at.selectbox if box.label == "Sheet to read").set_value("Обложка").run()
    assert not at.exception, at.exception
    assert not plan_shown(at).importable
    next(box for box in at.selectbox if box.label == "Sheet to read").set_value("Участки").run()
    assert len(points(plan_shown(at))) == 2


@pytest.mark.parametrize("language", ["en", "ru"])
def test_swapped_coordinates_are_told_at_the_top_and_swapped_in_one_click(store_url, language):  # noqa: F811
    translate = translator(language)
    at = imported(language, "swapped.csv", SWAPPED_CSV.encode())
    warning = at.warning[0].value
    assert translate(
        "Latitude and longitude look exchanged: the points lie outside Kazakhstan, but would lie "
        "inside it with the two swapped."
    ) in warning
    if language == "ru":
        assert CYRILLIC.search(warning)
    assert not points(plan_shown(at))[0] == pytest.approx(ASTANA, abs=1e-4)
    next(button for button in at.button if button.label == translate("Swap latitude and longitude")).click().run()
    assert not at.exception, at.exception
    plan = plan_shown(at)
    assert not plan.swap_suggested
    assert points(plan)[0] == pytest.approx(ASTANA, abs=1e-4)
    assert next(box for box in at.selectbox if box.label == translate("Latitude")).value == "lon"
    assert not any(translate("Swap latitude and longitude") == button.label for button in at.button)


def test_dms_and_cyrillic_hemispheres_land_in_astana(store_url):  # noqa: F811
    at = imported("kk", "sites.csv", DMS_CSV.encode())
    plan = plan_shown(at)
    assert [row.action for row in plan.rows].count("add") == 5
    for point in points(plan):
        assert point == pytest.approx(ASTANA, abs=1e-4)
