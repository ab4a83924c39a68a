"""Re-importing a corrected file on the page: a correction shown as "moved 12 km", saved and undone.

Also: a name far away is a new feature with a warning, a file with no kind says at the top where
to choose one (and the control is in sight), a KML's ExtendedData year and HTML description
arrive as a year and plain text, and the counts keep repairs apart from notes.
"""

from __future__ import annotations

import datetime

from pagetest import metric, shown
from test_edit_data import (  # noqa: F401 - store_url is a fixture
    EDIT_PAGE,
    app,
    editor_secrets,
    save_button,
    sign_in,
    store_url,
    store_version,
    texts,
    upload,
)

from kzatlas import store

FIRST = (
    "name,latitude,longitude,kind\n"
    "Shymkent seed orchard,42.32,69.59,undp_site\n"
    "Lake Tengiz monitoring post,50.42,69.05,undp_site\n"
)
MOVED_LAT = 42.32 + 12 / 111.195
CORRECTED = FIRST.replace("42.32,69.59", f"{MOVED_LAT:.5f},69.59")


def keyed(at, kind: str, suffix: str):
    return next(
        widget
        for widget in getattr(at, kind)
        if widget.key and widget.key.endswith(suffix) and (".column." in suffix or ".column." not in widget.key)
    )


def give_source(at, comment: str) -> None:
    keyed(at, "text_input", ".source_url").input("https://www.undp.org/kazakhstan/corrections")
    keyed(at, "date_input", ".source_date").set_value(datetime.date(2025, 6, 30))
    at.text_input(key=f"{EDIT_PAGE}.comment").input(comment)
    at.run()
    assert not at.exception, at.exception


def rows_table(at):
    return next(frame.value for frame in at.dataframe if "What happens" in frame.value.columns)


def import_and_save(at, name: str, text: str, comment: str) -> None:
    upload(at, name, text.encode())
    give_source(at, comment)
    save_button(at).click().run()
    assert not at.exception, at.exception


def test_a_corrected_file_updates_the_feature_saved_with_history_and_undo(store_url):  # noqa: F811
    at = sign_in(app(secrets=editor_secrets()))
    import_and_save(at, "sites.csv", FIRST, "Sites from the 2024 report")
    assert store_version(store_url) == 1

    upload(at, "sites-corrected.csv", CORRECTED.encode())
    assert metric(at, "Corrected") == "1" and metric(at, "New features") == "0" and metric(at, "Left alone") == "1"
    assert metric(at, "Repaired") == "0"
    table = rows_table(at)
    moved = table[table["What happens"] == "correct"]
    assert list(moved["Notes and warnings"]) == ["changed: moved 12 km"]
    assert "left alone" in table[table["What happens"] == "leave alone"]["Notes and warnings"].iloc[0]
    give_source(at, "The orchard lies farther north")
    save_button(at).click().run()
    assert not at.exception, at.exception
    assert any(
        "Saved as version 2 from sites-corrected.csv; features written: 1." in text for text in texts(at, "success")
    )

    with store.open_store(store_url) as opened:
        change = opened.history()[0]
        [feature_id] = change.feature_ids
        assert change.action == "import" and change.comment == "The orchard lies farther north"
        saved = opened.saved()
    row = saved[saved["id"] == feature_id].iloc[0]
    assert abs(row.geometry.y - MOVED_LAT) < 1e-4
    assert row["source_url"] == "https://www.undp.org/kazakhstan/corrections" and row["source_date"] == "2025-06-30"

    about = sign_in(app("about_data", secrets=editor_secrets()))
    about.text_input(key="about_data.undo_comment").input("Moved by mistake")
    about.run()
    next(b for b in about.button if b.label == "Undo this change").click().run()
    assert not about.exception, about.exception
    assert any("Version 2 was undone as version 3" in text for text in texts(about, "success"))
    with store.open_store(store_url) as opened:
        saved = opened.saved()
    row = saved[saved["id"] == feature_id].iloc[0]
    assert abs(row.geometry.y - 42.32) < 1e-6


def test_a_name_far_away_is_a_new_feature_with_a_warning(store_url):  # noqa: F811
    at = sign_in(app(secrets=editor_secrets()))
    import_and_save(at, "sites.csv", FIRST, "Sites from the 2024 report")
    upload(at, "swapped.csv", b"name,latitude,longitude,kind\nShymkent seed orchard,69.59,42.32,undp_site\n")
    assert metric(at, "New features") == "1" and metric(at, "Corrected") == "0"
    assert metric(at, "Repaired") == "0" and metric(at, "With notes") == "1"
    notes = rows_table(at)["Notes and warnings"].iloc[0]
    assert "a feature with this name is" in notes and "km away" in notes and "not the same" in notes
    assert "already in the catalogue" not in notes


def test_a_file_without_kinds_says_at_the_top_where_to_choose_one(store_url):  # noqa: F811
    at = sign_in(app(secrets=editor_secrets()))
    upload(at, "no-kind.csv", b"name,latitude,longitude\nAral ranger post,46.8,61.7\nIrgiz school garden,48.6,61.3\n")
    errors = texts(at, "error")
    assert any(
        "choose a kind for all rows under **Kind for all rows (where the file gives none)**" in text for text in errors
    ), errors
    assert metric(at, "Rejected") == "2"
    # The control is on the page itself, not folded away in the column expander.
    control = keyed(at, "selectbox", ".kind")
    assert shown(control.label) == "Kind for all rows (where the file gives none)"
    folded = {widget.key for expander in at.expander for widget in expander.selectbox}
    assert keyed(at, "selectbox", ".column.kind").key in folded and control.key not in folded
    control.set_value("undp_site").run()
    assert not at.exception, at.exception
    assert metric(at, "Rejected") == "0" and metric(at, "New features") == "2"
    assert not any("choose a kind for all rows" in text for text in texts(at, "error"))


KML = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document>
<Placemark><name>Balkhash solar pilot</name>
<description><![CDATA[<p>Solar &amp; wind <b>pilot</b></p><script>alert(1)</script>]]></description>
<ExtendedData><Data name="year"><value>2019</value></Data></ExtendedData>
<Point><coordinates>74.98,46.85,0</coordinates></Point></Placemark>
</Document></kml>"""


def test_kml_extended_data_year_is_mapped_and_html_becomes_plain_text(store_url):  # noqa: F811
    at = sign_in(app(secrets=editor_secrets()))
    upload(at, "pilots.kml", KML.encode())
    assert keyed(at, "selectbox", ".column.year").value == "year"
    keyed(at, "selectbox", ".kind").set_value("undp_site").run()
    assert metric(at, "New features") == "1"
    give_source(at, "Pilots from the office's map")
    save_button(at).click().run()
    assert not at.exception, at.exception
    with store.open_store(store_url) as opened:
        saved = opened.saved()
    row = saved.iloc[0]
    assert int(row["year"]) == 2019 and row["notes"] == "Solar & wind pilot"
